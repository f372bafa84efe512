// Limits the server states in its OpenAPI document (GET /api/openapi.json), so that the page checks
// what the server checks instead of keeping copies that drift. A limit the document does not state
// stays undefined: the page then sets no limit of its own and shows the server's refusal.

export interface ServerLimits {
  /** Largest `limit` of POST /api/search/{filename}. */
  searchLimit?: number;
  /** Tag fields, in characters. */
  tagLabel?: number;
  tagCategory?: number;
  tagNotes?: number;
  /** The description of a new run. */
  runDescription?: number;
  /** Grid points per axis of a new run. */
  runGrid?: number;
}

type Json = Record<string, any> | undefined;

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

function bodyProperties(doc: Json, path: string, method: string): Json {
  return doc?.paths?.[path]?.[method]?.requestBody?.content?.['application/json']?.schema?.properties;
}

/** The limits stated in an OpenAPI document; undefined for each one it does not state. */
export function limitsFromOpenApi(doc: unknown): ServerLimits {
  const d = doc as Json;
  const search = bodyProperties(d, '/api/search/{filename}', 'post');
  const tag = bodyProperties(d, '/api/tags', 'post');
  const run = d?.components?.schemas?.ComputeRequest?.properties as Json;
  return {
    searchLimit: positive(search?.limit?.maximum),
    tagLabel: positive(tag?.label?.maxLength),
    tagCategory: positive(tag?.category?.maxLength),
    tagNotes: positive(tag?.notes?.maxLength),
    runDescription: positive(run?.description?.maxLength),
    runGrid: positive(run?.grid?.maximum),
  };
}

let pending: Promise<ServerLimits> | null = null;

/** The server's limits, asked once per page load; none when the document cannot be read. */
export function serverLimits(): Promise<ServerLimits> {
  pending ??= fetch('/api/openapi.json', { headers: { Accept: 'application/json' } })
    .then((r) => (r.ok ? r.json() : null))
    .then(limitsFromOpenApi)
    .catch(() => {
      pending = null; // ask again next time: the server may be back
      return {};
    });
  return pending;
}
