// Plot geometry without the DOM, so that node's test runner can check it.

/** Equal-axes ranges: one Ω per pixel on both axes, holding [x0,x1]×[y0,y1] and centred on it. */
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
  const xc = (x0 + x1) / 2;
  const yc = (y0 + y1) / 2;
  const hw = (upp * width) / 2;
  const hh = (upp * height) / 2;
  return { x: [xc - hw, xc + hw], y: [yc - hh, yc + hh] };
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
