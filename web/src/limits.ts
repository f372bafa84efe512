// Limits the server states in its OpenAPI document (GET /api/openapi.json), so that the page checks
// what the server checks instead of keeping copies that drift. A limit the document does not state
// stays undefined: the page then sets no limit of its own and shows the server's refusal.
// Text limits are in bytes of UTF-8, as the server counts them (the extension x-max-bytes; JSON
// Schema's maxLength counts characters, a looser bound).

export interface ServerLimits {
  /** Largest `limit` of POST /api/search/{filename}. */
  searchLimit?: number;
  /** Tag fields, in bytes of UTF-8. */
  tagLabel?: number;
  tagCategory?: number;
  tagNotes?: number;
  /** The description of a new run, in bytes of UTF-8. */
  runDescription?: number;
  /** A measurement's sample and condition, an experiment's name, in bytes of UTF-8. */
  measurementSample?: number;
  measurementCondition?: number;
  experimentName?: number;
  /** Grid points per axis of a new run. */
  runGrid?: number;
  /** Grid points per axis of a fit (POST /api/fit): the fewest and the most. */
  fitGridMin?: number;
  fitGrid?: number;
  /** Frequencies of one request for a model's spectrum. */
  spectrumFrequencies?: number;
}

type Json = Record<string, any> | undefined;

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

function bodyProperties(doc: Json, path: string, method: string): Json {
  return doc?.paths?.[path]?.[method]?.requestBody?.content?.['application/json']?.schema?.properties;
}

/** The byte limit of a text field's schema. */
function bytes(field: Json): number | undefined {
  return positive(field?.['x-max-bytes']);
}

/** The limits stated in an OpenAPI document; undefined for each one it does not state. */
export function limitsFromOpenApi(doc: unknown): ServerLimits {
  const d = doc as Json;
  const search = bodyProperties(d, '/api/search/{filename}', 'post');
  const tag = bodyProperties(d, '/api/tags', 'post');
  const run = d?.components?.schemas?.ComputeRequest?.properties as Json;
  const fields = d?.components?.schemas?.MeasurementFields?.properties as Json;
  const experiment = bodyProperties(d, '/api/experiments', 'post');
  const fit = d?.components?.schemas?.FitRequest?.properties as Json;
  const spectrum = bodyProperties(d, '/api/models/{name}/spectrum', 'post');
  return {
    searchLimit: positive(search?.limit?.maximum),
    tagLabel: bytes(tag?.label),
    tagCategory: bytes(tag?.category),
    tagNotes: bytes(tag?.notes),
    runDescription: bytes(run?.description),
    runGrid: positive(run?.grid?.maximum),
    measurementSample: bytes(fields?.sample),
    measurementCondition: bytes(fields?.condition),
    experimentName: bytes(experiment?.name),
    fitGridMin: positive(fit?.grid?.minimum),
    fitGrid: positive(fit?.grid?.maximum),
    spectrumFrequencies: positive(spectrum?.frequencies?.maxItems),
  };
}

const encoder = new TextEncoder();

/** The length of a text as the server counts it: bytes of UTF-8. */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** Why a text is over its limit in bytes; null when it is within it or the limit is unknown. */
export function textTooLong(text: string, maxBytes: number | undefined): string | null {
  if (maxBytes == null) return null;
  const n = utf8Bytes(text);
  if (n <= maxBytes) return null;
  const chars = [...text].length;
  return `At most ${maxBytes} bytes of UTF-8: this is ${n}${chars !== n ? ` (${chars} characters; é takes 2 bytes, most emoji 4)` : ''}.`;
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
