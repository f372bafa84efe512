// Plot geometry without the DOM, so that node's test runner can check it.

/**
 * Equal-axes ranges: one Ω per pixel on both axes, holding [x0,x1]×[y0,y1]. Centred on it, except
 * that neither axis starts below its x0 or y0: the room the other axis's scale leaves goes above
 * and to the right, not into an empty negative half (measured −Im Z is all positive).
 */
export function equalAxesRanges(
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  width: number,
  height: number,
): { x: [number, number]; y: [number, number] } {
  const xs = Math.max(x1 - x0, 1e-12);
  const ys = Math.max(y1 - y0, 1e-12);
  const upp = Math.max(xs / Math.max(width, 1), ys / Math.max(height, 1));
  const axis = (lo: number, hi: number, pixels: number): [number, number] => {
    const half = (upp * pixels) / 2;
    const start = Math.max((lo + hi) / 2 - half, lo);
    return [start, start + 2 * half];
  };
  return { x: axis(x0, x1, width), y: axis(y0, y1, height) };
}

/** Room around the data of an equal-axes plot, as a share of its larger span. */
const EQUAL_AXES_PAD = 0.04;

/**
 * The data bounds of an equal-axes (Nyquist) plot: from min(0, data min) to the data max on each
 * axis, padded by EQUAL_AXES_PAD of the larger span so that points at the edges stay whole.
 */
export function equalAxesBounds(xs: (number | null)[][], ys: (number | null)[][]): { x: [number, number]; y: [number, number] } {
  const range = (vss: (number | null)[][]): [number, number] => {
    let lo = 0;
    let hi = 0;
    for (const vs of vss) for (const v of vs) if (v != null && Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    return [lo, hi];
  };
  const [x0, x1] = range(xs);
  const [y0, y1] = range(ys);
  const pad = EQUAL_AXES_PAD * Math.max(x1 - x0, y1 - y0, 1);
  return { x: [x0 - pad, x1 + pad], y: [y0 - pad, y1 + pad] };
}

const TICK_SUFFIXES: [number, string][] = [
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/**
 * The label of a tick on a log axis: powers of ten only (the others stay unlabelled), as decimals
 * from 0.001 to 100 and with k, M, G above, so that no axis jumps from "10000" to "1e5".
 */
export function logTickLabel(v: number | null): string {
  if (v == null || !(v > 0)) return '';
  const e = Math.log10(v);
  const n = Math.round(e);
  if (Math.abs(e - n) > 1e-9) return '';
  for (const [scale, suffix] of TICK_SUFFIXES) if (n >= Math.log10(scale)) return `${10 ** (n - Math.log10(scale))}${suffix}`;
  if (n >= -3) return (10 ** n).toFixed(Math.max(0, -n));
  return `1e${n}`;
}

/** Ticks this large are written with k, M, G: "150,000,000" is wider than the axis has room for. */
const LARGE_TICK = 1e5;

/**
 * The labels of the ticks of a linear axis: as the locale writes numbers, unless a tick reaches
 * LARGE_TICK; then every tick with k, M or G ("150M", "2.5M", "500k", "0"), so the axis reads alike.
 */
export function linearTickLabels(ticks: number[], plain: (v: number) => string): string[] {
  if (!ticks.some((t) => Math.abs(t) >= LARGE_TICK)) return ticks.map(plain);
  return ticks.map((v) => {
    for (const [scale, suffix] of TICK_SUFFIXES) if (Math.abs(v) >= scale) return `${Number((v / scale).toPrecision(4))}${suffix}`;
    return String(Number(v.toPrecision(4)));
  });
}

/** Ticks an axis draws and labels, and the range it spans (issue 18: labels across the data). */
export interface AxisTicks {
  range: [number, number];
  ticks: number[];
  labels: string[];
}

/** The smallest step of 1, 2 or 5 times a power of ten that is at least `raw`. */
export function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5]) if (m * p >= raw * (1 - 1e-9)) return m * p;
  return 10 * p;
}

/** Room beyond the data on a padded axis, as a share of the data's span: points stay whole. */
const AXIS_PAD = 0.08;

/** Below this step, fixed decimals grow too long for an axis: labels switch to 1e−5 notation. */
const SMALLEST_FIXED_STEP = 1e-3;

/** Labels for evenly spaced ticks: the fewest decimals that tell them apart, "0" at zero. */
export function stepLabels(ticks: number[], step: number): string[] {
  // toPrecision drops the float noise of i·step (3 × 5e-5 = 1.5000000000000001e-4).
  if (step < SMALLEST_FIXED_STEP) return ticks.map((t) => (Math.abs(t) < step / 2 ? '0' : Number(t.toPrecision(6)).toExponential()));
  let d = 0;
  while (d < 3 && Math.abs(Number(step.toFixed(d)) - step) > step * 1e-6) d++;
  return ticks.map((t) => (Math.abs(t) < step / 2 ? '0' : t.toFixed(d)));
}

function ticksOver(lo: number, hi: number, step: number): number[] {
  const ticks: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/**
 * A y axis symmetric about 0 that holds every value (relative residuals): ±M in two steps of
 * 1, 2 or 5 times a power of ten, so that five labelled ticks show the residuals' size.
 */
export function symmetricTicks(values: (number | null)[][]): AxisTicks {
  let m = 0;
  for (const vs of values) for (const v of vs) if (v != null && Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  if (!(m > 0)) m = SMALLEST_FIXED_STEP;
  const step = niceStep((m * (1 + AXIS_PAD)) / 2);
  const top = 2 * step;
  const ticks = ticksOver(-top, top, step);
  return { range: [-top, top], ticks, labels: stepLabels(ticks, step) };
}

/** About this many steps across a padded axis: readable on a plot 240 px high or 300 px wide. */
const PADDED_STEPS = 5;

/**
 * A linear axis holding [lo, hi] with AXIS_PAD of room, `minPad` at least (a single value gets ±10%
 * of itself, or ±1 at 0), ticked in steps of 1, 2 or 5 times a power of ten (`minStep` at least:
 * days are whole).
 */
export function paddedTicks(lo: number, hi: number, minStep = 0, minPad = 0): AxisTicks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  const span = hi > lo ? hi - lo : Math.abs(hi) * 0.2 || 2;
  const pad = Math.max(minPad, AXIS_PAD * span + (hi > lo ? 0 : span / 2));
  const a = lo - pad;
  const b = hi + pad;
  const step = Math.max(minStep, niceStep((b - a) / PADDED_STEPS));
  const ticks = ticksOver(a, b, step);
  return { range: [a, b], ticks, labels: stepLabels(ticks, step) };
}
