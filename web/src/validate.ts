// Client-side validation of the new-run form. Takes the raw strings of the form, returns either the
// POST /api/compute body or a message per field. Pure; unit-tested.

import { PARAM_NAMES, type ParamName } from './circuit';
import { presetByName } from './presets';
import { textTooLong } from './limits';

export const MAX_GRID = 60; // the server's limit over HTTP (60⁵ ≈ 7.8e8 points)
export const MAX_POINTS = 100000;
export const MAX_KEEP = 10_000_000;
export const NAME_RE = /^[A-Za-z0-9._-]+\.npz$/;

export interface RunFormInput {
  grid: string;
  /** a preset name, or "custom" */
  preset: string;
  fmin: string;
  fmax: string;
  points: string;
  spacing: string;
  /** Rsh, Ra, Rb in Ω; Ca, Cb in µF, as typed */
  ref: Record<ParamName, string>;
  metric: string;
  keep: string;
  output: string;
  description: string;
}

export interface ComputeRequest {
  grid: number;
  preset?: string;
  fmin?: number;
  fmax?: number;
  points?: number;
  spacing?: 'log' | 'linear';
  ref: Record<ParamName, number>;
  metric: 'mae' | 'rmse' | 'relative';
  keep: number | 'all';
  output?: string;
  description?: string;
}

/** A sweep against sweep `sweep` of a stored measurement: its frequencies, Rs free, metric modulus (the server's defaults). */
export interface MeasuredComputeRequest {
  grid: number;
  keep: number | 'all';
  reference: { measurement: number; sweep: number };
  output?: string;
  description?: string;
}

/** The body of a run against a stored measurement, from a checked run form's body: no circuit, frequencies or metric. */
export function measuredRequest(r: ComputeRequest, measurement: number, sweep: number): MeasuredComputeRequest {
  const out: MeasuredComputeRequest = { grid: r.grid, keep: r.keep, reference: { measurement, sweep } };
  if (r.output) out.output = r.output;
  if (r.description) out.description = r.description;
  return out;
}

export type FieldErrors = Partial<Record<string, string>>;

export const DEFAULT_FORM: RunFormInput = {
  grid: '5',
  preset: 'standard',
  fmin: '0.1',
  fmax: '100000',
  points: '100',
  spacing: 'log',
  ref: { Rsh: '5005', Ra: '5005', Ca: '25.05', Rb: '5005', Cb: '25.05' },
  metric: 'mae',
  keep: '1000',
  output: '',
  description: '',
};

/** A strict decimal or exponent number; rejects "", "1e", "abc", "0x10", "1,5". */
export function parseNumber(s: string): number | null {
  const t = s.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

export function parseInteger(s: string): number | null {
  const t = s.trim();
  if (!/^\+?\d+$/.test(t)) return null;
  const v = Number(t);
  return Number.isSafeInteger(v) ? v : null;
}

/** What is wrong with a typed day, or null when it is empty or a whole number of days. */
export function dayError(s: string): string | null {
  if (!s.trim() || parseInteger(s) != null) return null;
  const t = s.trim();
  return /^d\s*\d+$/i.test(t) ? `A day is a whole number: ${t.replace(/\D/g, '')}, not “${t}”.` : 'A day is a whole number, such as 7.';
}

/** What is wrong with a typed insert area, or null when it is empty or a number above 0. */
export function areaError(s: string): string | null {
  if (!s.trim()) return null;
  const a = parseNumber(s);
  if (a != null && a > 0) return null;
  // A decimal comma is the likeliest slip: say what to type instead.
  if (/^\s*\d+,\d+\s*$/.test(s)) return `An area is written with a point: ${s.trim().replace(',', '.')}, not “${s.trim()}”.`;
  return 'An area is a number of cm² above 0, such as 1.12.';
}

/**
 * The insert and the day a NOVA-style file name carries (`16HBE_TW01_d3_endohm1_freq`: TW01,
 * day 3; `RPEmedia_TW1-1_d1_…`: TW1-1, day 1), to offer on upload; null where it carries none.
 */
export function sampleDayFromName(fileName: string): { sample: string | null; day: number | null } {
  const parts = fileName.replace(/\.[A-Za-z]{2,4}$/, '').split('_');
  const sample = parts.find((p) => /^TW\d[\w-]*$/i.test(p)) ?? null;
  const d = parts.find((p) => /^d\d+$/i.test(p));
  return { sample, day: d ? Number(d.slice(1)) : null };
}

/** The server's limits the form checks before sending (limits.ts); an unknown one is left to the server. */
export interface RunFormLimits {
  /** Bytes of UTF-8. */
  maxDescription?: number;
}

export function validateRunForm(f: RunFormInput, limits: RunFormLimits = {}): { ok: true; request: ComputeRequest } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};

  const grid = parseInteger(f.grid);
  if (grid == null) errors.grid = 'Grid size must be a whole number.';
  else if (grid < 2 || grid > MAX_GRID) errors.grid = `Grid size must be between 2 and ${MAX_GRID}.`;

  let fmin: number | undefined;
  let fmax: number | undefined;
  let points: number | undefined;
  let spacing: 'log' | 'linear' | undefined;
  const custom = f.preset === 'custom';
  if (!custom && !presetByName(f.preset)) errors.preset = 'Choose a frequency preset or a custom range.';
  if (custom) {
    const a = parseNumber(f.fmin);
    const b = parseNumber(f.fmax);
    if (a == null) errors.fmin = 'Lowest frequency must be a number in Hz.';
    else if (a <= 0) errors.fmin = 'Lowest frequency must be above 0 Hz.';
    else fmin = a;
    if (b == null) errors.fmax = 'Highest frequency must be a number in Hz.';
    else if (b <= 0) errors.fmax = 'Highest frequency must be above 0 Hz.';
    else fmax = b;
    if (fmin != null && fmax != null && fmax <= fmin) errors.fmax = 'Highest frequency must be above the lowest.';
    const n = parseInteger(f.points);
    if (n == null) errors.points = 'Number of points must be a whole number.';
    else if (n < 2 || n > MAX_POINTS) errors.points = `Number of points must be between 2 and ${MAX_POINTS}.`;
    else points = n;
    if (f.spacing !== 'log' && f.spacing !== 'linear') errors.spacing = 'Spacing must be log or linear.';
    else spacing = f.spacing;
  }

  const ref = {} as Record<ParamName, number>;
  for (const name of PARAM_NAMES) {
    const v = parseNumber(f.ref[name] ?? '');
    const unit = name === 'Ca' || name === 'Cb' ? 'µF' : 'Ω';
    if (v == null) errors[name] = `${name} must be a number in ${unit}.`;
    else if (v <= 0) errors[name] = `${name} must be above 0 ${unit}.`;
    else if (unit === 'Ω' && v > 1e9) errors[name] = `${name} must be at most 1e9 Ω.`;
    else if (unit === 'µF' && v > 1e6) errors[name] = `${name} must be at most 1e6 µF.`;
    else ref[name] = unit === 'µF' ? v * 1e-6 : v;
  }

  const metric = f.metric;
  if (metric !== 'mae' && metric !== 'rmse' && metric !== 'relative') errors.metric = 'Metric must be mae, rmse or relative.';

  let keep: number | 'all' = 'all';
  const k = f.keep.trim().toLowerCase();
  if (k !== 'all' && k !== '') {
    const n = parseInteger(k);
    if (n == null) errors.keep = 'Keep must be a whole number of rows, or "all".';
    else if (n < 1 || n > MAX_KEEP) errors.keep = `Keep must be between 1 and ${MAX_KEEP}, or "all".`;
    else keep = n;
  }

  const output = f.output.trim();
  if (output !== '') {
    if (output.length > 200) errors.output = 'File name must be at most 200 characters.';
    else if (!NAME_RE.test(output)) errors.output = 'File name may use letters, digits, ".", "_" and "-", and must end in .npz.';
  }
  const description = f.description.trim();
  const descriptionTooLong = textTooLong(description, limits.maxDescription);
  if (descriptionTooLong) errors.description = `Description too long. ${descriptionTooLong}`;

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const request: ComputeRequest = { grid: grid!, ref, metric: metric as ComputeRequest['metric'], keep };
  if (custom) Object.assign(request, { fmin, fmax, points, spacing });
  else request.preset = f.preset;
  if (output) request.output = output;
  if (description) request.description = description;
  return { ok: true, request };
}

/** Which form field a server error message is about, if it names one. */
export function fieldOfServerMessage(message: string): string | null {
  const m = message.toLowerCase();
  const checks: [RegExp, string][] = [
    [/\bgrid\b/, 'grid'],
    [/\bfmin\b|lowest frequency|fmin/, 'fmin'],
    [/\bfmax\b|highest frequency/, 'fmax'],
    [/\bpoints\b/, 'points'],
    [/\bspacing\b/, 'spacing'],
    [/\bpreset\b/, 'preset'],
    [/\bmetric\b/, 'metric'],
    [/\bkeep\b/, 'keep'],
    [/\boutput\b|file name|filename|already exists/, 'output'],
    [/\bdescription\b/, 'description'],
    [/\brsh\b/, 'Rsh'],
    [/\bra\b/, 'Ra'],
    [/\bca\b/, 'Ca'],
    [/\brb\b/, 'Rb'],
    [/\bcb\b/, 'Cb'],
  ];
  for (const [re, field] of checks) if (re.test(m)) return field;
  return null;
}

/** g^5 grid points. */
export function gridPoints(g: number): number {
  return g ** 5;
}

/** What a run is swept against: the reference circuit's model spectrum, or a stored measurement's sweep. */
export type RunAgainst = { file: string; sweep: number } | null;

/** The run form's opening sentence, for what the run is swept against. */
export function runIntro(against: RunAgainst): string {
  const grid = 'Sweeps every parameter set of a g⁵ grid';
  if (!against) return `${grid} (Rsh, Ra, Rb 10–10000 Ω; Ca, Cb 0.1–50 µF, log-spaced) and ranks it against the model spectrum of the reference circuit.`;
  // A measured reference takes the ranges of eisgrid fit, so that its refinement reaches fit's optimum.
  return (
    `${grid} (the ranges of a fit: Rsh 10 Ω–10 MΩ; Ra, Rb 1 Ω–1 MΩ; Ca, Cb 0.001–1000 µF, log-spaced), with the series resistance Rs ` +
    `swept up to the sweep's smallest real part, and ranks it against sweep ${against.sweep} of the measurement ${against.file} at ` +
    'its own frequencies; the best rows are refined as a fit refines them.'
  );
}
