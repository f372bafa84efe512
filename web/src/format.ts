// Formatting of numbers, units, sizes and dates for display. Pure functions, unit-tested.

/** A number with `sig` significant digits, trailing zeros dropped; exponent form when very large or small. */
export function fmtNum(v: number | null | undefined, sig = 6): string {
  if (v == null || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  let s: string;
  if (a >= 1e6 || a < 1e-3) {
    s = v.toExponential(Math.max(0, sig - 1));
    s = s.replace(/\.?0+e/, 'e').replace('e+', 'e');
  } else {
    s = v.toPrecision(sig);
    if (s.includes('e')) s = String(Number(s));
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  }
  return s.replace(/^-/, '−');
}

/** Resistance in ohms. */
export function fmtOhm(v: number | null | undefined, sig = 6): string {
  return `${fmtNum(v, sig)} Ω`;
}

/** Capacitance given in farads, shown in microfarads. */
export function fmtMicroF(farads: number | null | undefined, sig = 6): string {
  if (farads == null || Number.isNaN(farads)) return '— µF';
  return `${fmtNum(farads * 1e6, sig)} µF`;
}

/** Time constant in seconds, shown in ms. */
export function fmtMs(seconds: number | null | undefined, sig = 4): string {
  if (seconds == null || Number.isNaN(seconds)) return '— ms';
  return `${fmtNum(seconds * 1e3, sig)} ms`;
}

/** Frequency in Hz with SI prefixes: 0.1 Hz, 100 kHz, 1 MHz. */
export function fmtFreq(hz: number | null | undefined): string {
  if (hz == null || !Number.isFinite(hz)) return '— Hz';
  const a = Math.abs(hz);
  if (a >= 1e6) return `${fmtNum(hz / 1e6, 4)} MHz`;
  if (a >= 1e3) return `${fmtNum(hz / 1e3, 4)} kHz`;
  return `${fmtNum(hz, 4)} Hz`;
}

export function fmtFreqRange(fmin: number | null | undefined, fmax: number | null | undefined): string {
  return `${fmtFreq(fmin)} – ${fmtFreq(fmax)}`;
}

/** A dataset's frequencies: "100 points, 0.1 Hz – 100 kHz", with ", linear" or ", measured" when not log-spaced. */
export function fmtFrequencies(
  n: number | null | undefined,
  fmin: number | null | undefined,
  fmax: number | null | undefined,
  spacing: string | null | undefined,
): string {
  const note = spacing === 'linear' || spacing === 'measured' ? `, ${spacing}` : '';
  return `${fmtInt(n)} points, ${fmtFreqRange(fmin, fmax)}${note}`;
}

/** A file size in bytes as B, KB, MB or GB (1 KB = 1024 B). */
export function fmtSize(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[i]}`;
}

/** An integer with thin grouping: 3125, 9 765 625. */
export function fmtInt(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '—';
  return Math.round(v)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

export function shortHash(hash: string | null | undefined, n = 12): string {
  if (!hash) return '—';
  return hash.slice(0, n);
}

/**
 * An ISO timestamp as "2026-11-25 03:40" (UTC); a date without a time (NOVA writes only the day)
 * stays a date, never given a midnight the file does not hold.
 */
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso.trim())) return iso.trim();
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/** Seconds as "42 s", "3 min 5 s", "1 h 2 min". */
export function fmtDuration(s: number | null | undefined): string {
  if (s == null || !Number.isFinite(s) || s < 0) return '—';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** Most decimals a column is given: beyond this a value is noise, not precision. */
const MAX_COLUMN_DECIMALS = 9;

/**
 * The decimals that give a column's largest magnitude `sig` significant digits; every value of
 * the column is then written with them, so the column reads with one precision (issue 18, item 12).
 */
export function columnDecimals(values: (number | null | undefined)[], sig: number): number {
  const top = Math.max(0, ...values.map((v) => (v != null && Number.isFinite(v) ? Math.abs(v) : 0)));
  if (top === 0) return 0;
  return Math.min(MAX_COLUMN_DECIMALS, Math.max(0, sig - 1 - Math.floor(Math.log10(top))));
}

/** A number with fixed decimals (from columnDecimals), "—" when missing, a true minus sign. */
export function fmtFixed(v: number | null | undefined, decimals: number): string {
  if (v == null || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  return v.toFixed(decimals).replace(/^-/, '−');
}

const FIT_STATUS_TEXT: Record<string, string> = { ok: 'OK', poor_fit: 'Poor fit', invalid_data: 'Invalid data' };

/** A fit's status (ok, poor_fit, invalid_data) in words; an unknown one as it came. */
export function fmtFitStatus(status: string): string {
  return FIT_STATUS_TEXT[status] ?? status;
}
