// The circuit models (SPEC 12) as the server describes them: their list (GET /api/models), how a
// parameter's unit reads, and each model's spectrum computed by the server from the model's own
// impedance (POST /api/models/<name>/spectrum). The page holds no model's formula nor any name of a
// model's parameters: a model added on the server shows here without a change.

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

/** How a unit of GET /api/models is shown, and the factor from the SI value to the shown one. */
export interface ShownUnit {
  text: string;
  scale: number;
}

/** Capacitances and CPE coefficients in micro units, as the page shows TEC; a dimensionless exponent without a unit. */
const SHOWN_UNITS: Record<string, ShownUnit> = {
  ohm: { text: 'Ω', scale: 1 },
  farad: { text: 'µF', scale: 1e6 },
  'S.s^alpha': { text: 'µS·s^α', scale: 1e6 },
  '1': { text: '', scale: 1 },
};

export function shownUnit(unit: string): ShownUnit {
  return SHOWN_UNITS[unit] ?? { text: unit, scale: 1 };
}

/** "Ca [µF]", or the bare name for a parameter without a unit. */
export function parameterTitle(p: { name: string; unit: string }): string {
  const u = shownUnit(p.unit).text;
  return u ? `${p.name} [${u}]` : p.name;
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
