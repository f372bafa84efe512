// Client of the eisgrid HTTP API (docs/API.md). Same origin; the API key travels as a Bearer token.

import type { ComputeRequest, MeasuredComputeRequest } from './validate';

const KEY_STORAGE = 'eisgrid.apiKey';

export interface Dataset {
  filename: string;
  full_path: string;
  directory: string;
  type: 'precomputed' | 'user_generated' | string;
  size_mb: number | null;
  size_bytes: number | null;
  modified: string | null;
  loaded: boolean;
  name: string | null;
  owner: string | null;
  is_public: boolean;
  is_available: boolean;
  grid_size: number | null;
  n_parameters: number | null;
  n_frequencies: number | null;
  n_spectra: number | null;
  freq_min: number | null;
  freq_max: number | null;
  /** Absent from servers older than this field. */
  frequency_spacing?: 'log' | 'linear' | 'measured' | null;
  best_resnorm: number | null;
  metric: string | null;
  file_hash: string | null;
  short_hash: string | null;
  reference: { Rsh: number; Ra: number; Ca: number; Rb: number; Cb: number } | null;
  /** The measured reference's file; absent from servers that do not list it. */
  reference_source?: string | null;
  description: string | null;
  created_at: string | null;
}

export interface StatusInfo {
  status: string;
  loaded_datasets: number;
  available_files: number;
  directories: { precomputed: string; user_generated: string };
  memory_usage: string;
  memory_bytes: number;
}

export interface BestResults {
  parameters: (number | null)[][];
  resnorms: (number | null)[];
  ter?: (number | null)[];
  tec?: (number | null)[];
  /** Each row's Rs [Ω] when the run swept Rs (a measured reference); null otherwise. */
  series_resistance?: (number | null)[] | null;
  param_names: string[];
  param_units: string[];
  n_total: number;
  offset?: number;
  best_resnorm: number | null;
}

export interface SpectrumData {
  indices: number[];
  frequencies: number[];
  spectra: (number | null)[][][];
  spectrum_columns: string[];
  freq_range: [number, number];
  reference: (number | null)[][] | null;
}

export interface SearchData {
  indices: number[];
  parameters: (number | null)[][];
  resnorms: (number | null)[];
  count: number;
  total_searched: number;
}

export interface Tag {
  id: number | string;
  /** Whether the signed-in caller owns the tag (and may delete it). */
  mine: boolean;
  filename: string;
  rank: number;
  resnorm: number | null;
  /** The tagged dataset's circuit model (GET /api/models). */
  model: string;
  /** The row's parameters after Rs, by the names of its model. */
  params: Record<string, number | null>;
  /** The model's TER [Ω] and TEC [F] of the row; null under a model the server does not know. */
  ter: number | null;
  tec: number | null;
  label: string;
  category: string | null;
  notes: string | null;
  quality_score: number | null;
  is_reference: boolean;
  created_at: string | null;
}

export interface Job {
  id: string | number;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: number;
  done: number;
  total: number;
  rate: number | null;
  eta_seconds: number | null;
  dataset: { filename: string } | null;
  error: string | null;
  created_at: string | null;
  /** The file the job writes. */
  output: string;
  /** The body the job was started with. */
  request: ComputeRequest | MeasuredComputeRequest;
}

export interface LoadInfo {
  metadata: Record<string, unknown>;
  dataset_info: {
    n_parameters: number;
    n_frequencies: number;
    n_spectra: number;
    parameter_ranges: Record<string, { min: number; max: number; unit: string }>;
  };
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function getKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function setKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    /* storage disabled: the key lives only as long as the page */
  }
}

export function authHeaders(key: string | null = getKey()): Record<string, string> {
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** A body sent as it is (an uploaded file), not as JSON. */
export class RawBody {
  constructor(readonly data: Blob) {}
}

export async function request<T>(method: string, path: string, body?: unknown, key: string | null = getKey()): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders(key) };
  let sent: BodyInit | undefined;
  if (body instanceof RawBody) {
    headers['Content-Type'] = 'application/octet-stream';
    sent = body.data;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    sent = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: sent });
  } catch (e) {
    throw new ApiError(`The eisgrid server cannot be reached (${(e as Error).message}).`, 0);
  }
  let json: any = null;
  const text = await res.text();
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok || (json && json.status === 'error')) {
    const msg = json && typeof json.message === 'string' ? json.message : `${res.status} ${res.statusText || 'error'}`;
    throw new ApiError(msg, res.status);
  }
  return json as T;
}

const enc = encodeURIComponent;

export const api = {
  status: () => request<StatusInfo>('GET', '/api/status'),
  whoami: (key?: string | null) => request<{ user: { name: string } | null }>('GET', '/api/whoami', undefined, key === undefined ? getKey() : key),
  datasets: () => request<{ datasets: Dataset[] }>('GET', '/api/datasets'),
  load: (f: string) => request<LoadInfo>('POST', `/api/load/${enc(f)}`),
  best: (f: string, n: number, offset: number) =>
    request<{ data: BestResults }>('GET', `/api/best-results/${enc(f)}?n=${n}&offset=${offset}`),
  spectrum: (f: string, indices: number[]) => request<{ data: SpectrumData }>('POST', `/api/spectrum/${enc(f)}`, { indices }),
  /** Without a limit the server uses its default. */
  search: (f: string, maxResnorm: number, limit?: number) =>
    request<{ data: SearchData }>('POST', `/api/search/${enc(f)}`, limit === undefined ? { max_resnorm: maxResnorm } : { max_resnorm: maxResnorm, limit }),
  tags: (f: string) => request<{ tags: Tag[] }>('GET', `/api/tags?filename=${enc(f)}`),
  addTag: (t: { filename: string; rank: number; label: string; category?: string; notes?: string }) =>
    request<{ tag: Tag }>('POST', '/api/tags', t),
  deleteTag: (id: string | number) => request<unknown>('DELETE', `/api/tags/${enc(String(id))}`),
  compute: (req: ComputeRequest | MeasuredComputeRequest) => request<{ job: Job }>('POST', '/api/compute', req),
  job: (id: string | number) => request<{ job: Job }>('GET', `/api/jobs/${enc(String(id))}`),
  jobs: () => request<{ jobs: Job[] }>('GET', '/api/jobs'),
  cancelJob: (id: string | number) => request<unknown>('DELETE', `/api/jobs/${enc(String(id))}`),
  downloadUrl: (f: string) => `/api/download/${enc(f)}`,
};
