// The circuit models (SPEC 12) as the server describes them: their list (GET /api/models) and each
// model's spectrum computed by the server from the model's own impedance (POST
// /api/models/<name>/spectrum); units.ts says how their parameters' units read. The page holds no
// model's formula nor any name of a model's parameters: a model added on the server shows here
// without a change.

import { measuredApi, type Fit, type ModelInfo } from './api-measured';
import { serverLimits } from './limits';

let known: Promise<ModelInfo[]> | null = null;

/** The server's models, asked once per page load; an empty list (asked again next time) when it cannot say. */
export function serverModels(): Promise<ModelInfo[]> {
  known ??= measuredApi
    .models()
    .then((r) => r.models)
    .catch(() => {
      known = null;
      return [];
    });
  return known;
}

/**
 * A model's parameters as GET /api/models lists them; for a model the server does not list, the
 * names its fits carry, without units.
 */
export function parametersOf(info: ModelInfo | undefined, fits: Fit[]): { name: string; unit: string }[] {
  return info?.parameters ?? Object.keys(fits[0]?.params ?? {}).map((name) => ({ name, unit: '' }));
}

/**
 * A model's spectrum at `freqs` as plot rows [Z', Z'', |Z|, phase°], computed by the server (asked in
 * pieces of its stated limit); a value the formula overflows is NaN, which the plots skip. Null when
 * a parameter has no finite value (a fit of invalid data); a refusal of the server throws.
 */
export async function modelSpectrum(model: string, params: Record<string, number | null>, freqs: number[]): Promise<number[][] | null> {
  const values: Record<string, number> = {};
  for (const [name, v] of Object.entries(params)) {
    if (v == null || !Number.isFinite(v)) return null;
    values[name] = v;
  }
  const most = (await serverLimits()).spectrumFrequencies ?? freqs.length;
  const pieces: number[][] = [];
  for (let i = 0; i < freqs.length; i += most) pieces.push(freqs.slice(i, i + most));
  const answers = await Promise.all(pieces.map((f) => measuredApi.spectrum(model, values, f)));
  return answers.flatMap((a) => a.rows.map((row) => row.map((v) => v ?? NaN)));
}
