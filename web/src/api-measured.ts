// Client of the measurement, experiment and fit endpoints (docs/API.md): all private to the
// signed-in owner.

import { RawBody, request, type Job } from './api';

export interface Measurement {
  id: number;
  file_name: string;
  file_size: number;
  file_hash: string;
  format: string;
  n_sweeps: number;
  n_points: number;
  freq_min: number | null;
  freq_max: number | null;
  /** The readers' notes and the quality checks', each "sweep k: ...". */
  warnings: string[];
  experiment: number | null;
  sample: string | null;
  condition: string | null;
  day: number | null;
  area_cm2: number | null;
  notes: string | null;
  created_at: string | null;
  updated_at: string | null;
}

export interface Sweep {
  index: number;
  start_time: string | null;
  frequencies: number[];
  real: number[];
  /** Z'' < 0 for a capacitive response. */
  imag: number[];
  warnings: string[];
}

export interface Experiment {
  id: number;
  name: string;
  description: string | null;
  n_measurements: number;
  created_at: string | null;
  updated_at: string | null;
}

export type FitStatus = 'ok' | 'poor_fit' | 'invalid_data';

export interface Fit {
  id: number;
  measurement: number;
  experiment: number | null;
  sweep: number;
  start_time: string | null;
  status: FitStatus;
  reasons: string[];
  metric: string;
  resnorm: number | null;
  grid_resnorm: number | null;
  rs: number | null;
  ter: number | null;
  tec: number | null;
  tau1: number | null;
  tau2: number | null;
  /** rc: Rs, ter, tec, tau1, tau2; another model: each of its parameters, ter, tec. */
  stderr: { Rs: number | null; ter: number | null; tec: number | null; tau1: number | null; tau2: number | null } & Record<string, number | null>;
  /** The model's parameters by the names of GET /api/models (rc: Rs, Rsh, Ra, Ca, Rb, Cb). */
  params: { Rsh: number; Ra: number; Ca: number; Rb: number; Cb: number } & Record<string, number | null>;
  rsh_interval: [number | null, number | null];
  area_cm2: number | null;
  ter_ohm_cm2: number | null;
  tec_uf_per_cm2: number | null;
  /** The circuit model (SPEC 12): a sweep has one fit per model asked for. */
  model: string;
  aic: number | null;
  bic: number | null;
  /** Whether the sweep's lowest AIC; null for a fit stored before models were compared. */
  best_model: boolean | null;
  /** [Hz] Below the measured range: where the models whose TERs differ would part. */
  decisive_frequency: number | null;
  /** The parameters at the edge of their range: "Ca at max". */
  at_edge: string[];
  created_at: string | null;
}

/** A circuit model as GET /api/models describes it. */
export interface ModelInfo {
  name: string;
  formula: string;
  parameters: { name: string; unit: string; axis: 'log' | 'linear'; range: [number | null, number | null] }[];
}

export interface MeasurementPatch {
  sample?: string | null;
  condition?: string | null;
  day?: number | null;
  area_cm2?: number | null;
  notes?: string | null;
  experiment?: number | null;
}

export interface FitRequest {
  measurement?: number;
  experiment?: number;
  grid?: number;
  area?: number;
  /** Model names of GET /api/models; the server fits rc alone without them. */
  models?: string[];
}

const enc = encodeURIComponent;

export const measuredApi = {
  upload: (file: Blob, name: string, experiment: number | null) =>
    request<{ measurement: Measurement }>(
      'POST',
      `/api/measurements?name=${enc(name)}${experiment != null ? `&experiment=${experiment}` : ''}`,
      new RawBody(file),
    ),
  list: (experiment?: number) =>
    request<{ measurements: Measurement[] }>('GET', `/api/measurements${experiment != null ? `?experiment=${experiment}` : ''}`),
  get: (id: number) => request<{ measurement: Measurement & { sweeps: Sweep[] } }>('GET', `/api/measurements/${id}`),
  patch: (id: number, p: MeasurementPatch) => request<{ measurement: Measurement }>('PATCH', `/api/measurements/${id}`, p),
  remove: (id: number) => request<unknown>('DELETE', `/api/measurements/${id}`),
  fits: (id: number) => request<{ measurement: Measurement; fits: Fit[] }>('GET', `/api/measurements/${id}/fits`),
  models: () => request<{ models: ModelInfo[] }>('GET', '/api/models'),
  /** Rows [Z', Z'', |Z|, phase°] of a model at each frequency, null where its formula overflows. */
  spectrum: (model: string, params: Record<string, number>, frequencies: number[]) =>
    request<{ rows: (number | null)[][] }>('POST', `/api/models/${enc(model)}/spectrum`, { params, frequencies }),
  experiments: () => request<{ experiments: Experiment[] }>('GET', '/api/experiments'),
  createExperiment: (name: string, description?: string) =>
    request<{ experiment: Experiment }>('POST', '/api/experiments', description ? { name, description } : { name }),
  patchExperiment: (id: number, p: { name?: string; description?: string | null }) =>
    request<{ experiment: Experiment }>('PATCH', `/api/experiments/${id}`, p),
  experiment: (id: number) => request<{ experiment: Experiment; measurements: Measurement[] }>('GET', `/api/experiments/${id}`),
  experimentFits: (id: number, model?: string) =>
    request<{ experiment: Experiment; fits: Fit[] }>('GET', `/api/experiments/${id}/fits${model ? `?model=${enc(model)}` : ''}`),
  fit: (r: FitRequest) => request<{ job: Job }>('POST', '/api/fit', r),
  fitsCsvUrl: (what: 'measurements' | 'experiments', id: number, model?: string) =>
    `/api/${what}/${id}/fits?format=csv${model ? `&model=${enc(model)}` : ''}`,
};
