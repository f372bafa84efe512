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
