// Measured spectra and fits without the DOM: rows for the plots, relative residuals, the time
// course of an experiment, sorting of fit tables. Pure; unit-tested. A model's spectrum comes from
// the server (models.ts), which computes it with the model's own impedance.

/** Plot rows [Z', Z'', |Z|, phase°] from frequencies and the two parts. */
export function sweepRows(real: number[], imag: number[]): number[][] {
  return real.map((re, i) => {
    const im = imag[i];
    return [re, im, Math.hypot(re, im), (Math.atan2(im, re) * 180) / Math.PI];
  });
}

/** Relative residuals of the real and imaginary parts, (model − data)/|data|, at each frequency. */
export function relativeResiduals(data: number[][], model: number[][]): { real: number[]; imag: number[] } {
  const real: number[] = [];
  const imag: number[] = [];
  data.forEach((d, i) => {
    const m = Math.hypot(d[0], d[1]) || 1;
    real.push((model[i][0] - d[0]) / m);
    imag.push((model[i][1] - d[1]) / m);
  });
  return { real, imag };
}

export interface InsertPoint {
  x: number;
  ter: number | null;
  tec: number | null;
  /** Standard errors of ter and tec, in their units. */
  terErr: number | null;
  tecErr: number | null;
}

export interface CoursePoint {
  /** The insert: the measurement's sample, else its file. */
  insert: string;
  /** The sweep's start time (ISO), when the file has one. */
  time: string | null;
  /** The measurement's day, when the user set it. */
  day: number | null;
  ter: number | null;
  tec: number | null;
  terErr: number | null;
  tecErr: number | null;
}

/**
 * One line per insert, in time order. Against the day when every point has one; else against days
 * since the first sweep when every point has a start time; else against the day, dropping points
 * without one.
 */
export function timeCourse(points: CoursePoint[]): { axis: 'day' | 'time'; lines: Map<string, InsertPoint[]> } {
  const times = points.map((p) => (p.time ? Date.parse(p.time) : NaN));
  const allDays = points.every((p) => p.day != null);
  const allTimes = points.length > 0 && times.every((t) => !Number.isNaN(t));
  const axis = !allDays && allTimes ? 'time' : 'day';
  const t0 = Math.min(...times);
  const lines = new Map<string, InsertPoint[]>();
  points.forEach((p, i) => {
    const x = axis === 'time' ? (times[i] - t0) / 86_400_000 : p.day;
    if (x == null) return;
    const line = lines.get(p.insert) ?? [];
    line.push({ x, ter: p.ter, tec: p.tec, terErr: p.terErr, tecErr: p.tecErr });
    lines.set(p.insert, line);
  });
  for (const line of lines.values()) line.sort((a, b) => a.x - b.x);
  return { axis, lines };
}

export interface CourseCandidate {
  /** How the table names the sweep: "FILE sweep N". */
  name: string;
  status: string;
  day: number | null;
  ter: number | null;
}

/**
 * The sweeps a time course leaves out, each with the reason in words: invalid data, no fitted
 * value, or (against the day) no day set.
 */
export function courseLeftOut(sweeps: CourseCandidate[], axis: 'day' | 'time'): string[] {
  return sweeps.flatMap((s) => {
    const why =
      s.status === 'invalid_data' ? 'invalid data' : s.ter == null ? 'no fitted value' : axis === 'day' && s.day == null ? 'no day set' : null;
    return why ? [`${s.name} (${why})`] : [];
  });
}

/** The widest spread of one day's points across the inserts, in days: well inside the axis's half-day pad. */
const JITTER_DAYS = 0.3;

/**
 * The shift along x of insert i of n, so that inserts measured on one day stand side by side
 * instead of on top of each other: spread evenly over JITTER_DAYS, centred on the day.
 */
export function insertJitter(i: number, n: number): number {
  return n > 1 ? JITTER_DAYS * (i / (n - 1) - 0.5) : 0;
}

/** Sorts by one column, nulls last either way; ties keep their order. */
export function sortRows<T>(rows: T[], key: (r: T) => number | string | null | undefined, dir: 1 | -1): T[] {
  return rows
    .map((r, i) => ({ r, i, k: key(r) }))
    .sort((a, b) => {
      const an = a.k == null || (typeof a.k === 'number' && Number.isNaN(a.k));
      const bn = b.k == null || (typeof b.k === 'number' && Number.isNaN(b.k));
      if (an || bn) return an && bn ? a.i - b.i : an ? 1 : -1;
      const c = typeof a.k === 'number' && typeof b.k === 'number' ? a.k - b.k : String(a.k).localeCompare(String(b.k));
      return dir * c || a.i - b.i;
    })
    .map((x) => x.r);
}

/** One model's fit of a sweep beside the others: its AIC less the sweep's lowest (0 for the best). */
export interface ModelRow<F> {
  fit: F;
  deltaAic: number | null;
}

/** The fits of one sweep, one per model, in the order fitted, each with its ΔAIC. */
export function modelComparison<F extends { aic: number | null }>(fits: F[]): ModelRow<F>[] {
  const aics = fits.map((f) => f.aic).filter((a): a is number => a != null && Number.isFinite(a));
  const best = aics.length ? Math.min(...aics) : null;
  return fits.map((fit) => ({ fit, deltaAic: fit.aic != null && best != null ? fit.aic - best : null }));
}
