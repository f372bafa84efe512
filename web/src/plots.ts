// Nyquist (−Im Z against Re Z, equal axes) and Bode (|Z| and phase against log f) plots with uPlot.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { equalAxesBounds, equalAxesRanges, linearTickLabels, logTickLabel, type AxisTicks } from './plots-math';

export interface PlotSeries {
  label: string;
  color: string;
  dash?: number[];
  width?: number;
  /** rows [real, imag, magnitude, phase°] per frequency */
  rows: (number | null)[][];
}

// Okabe–Ito colours, distinguishable with common colour-vision deficiencies; the reference is black.
export const SERIES_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8C6D1F', '#7F3C8D'];
export const REFERENCE_COLOR = '#222222';

const AXIS_FONT = '12px system-ui, sans-serif';
const plainNumber = new Intl.NumberFormat(undefined, { maximumFractionDigits: 6 }).format;
/** Linear axes: large values with k, M, G (plots-math). */
const linearValues = (_u: uPlot, v: number[]) => linearTickLabels(v, plainNumber);
const LABEL_FONT = 'bold 12px system-ui, sans-serif';

function axisStyle() {
  return {
    stroke: '#333',
    font: AXIS_FONT,
    labelFont: LABEL_FONT,
    grid: { stroke: '#e2e2e2', width: 1 },
    ticks: { stroke: '#bbb', width: 1 },
  };
}

function num(v: number | null | undefined): number | null {
  return v == null || !Number.isFinite(v) ? null : v;
}

function polyline(u: uPlot, seriesIdx: number): uPlot.Series.Paths {
  const data = u.data[seriesIdx] as unknown as [number[], (number | null)[]];
  const [xs, ys] = data;
  const p = new Path2D();
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const y = ys[i];
    if (x == null || y == null) {
      pen = false;
      continue;
    }
    const px = u.valToPos(x, 'x', true);
    const py = u.valToPos(y, 'y', true);
    if (pen) p.lineTo(px, py);
    else p.moveTo(px, py);
    pen = true;
  }
  return { stroke: p, fill: null, clip: null, flags: 0 } as uPlot.Series.Paths;
}

export interface PlotHandle {
  destroy(): void;
  resize(width: number): void;
}

/** Nyquist plot: −Im Z against Re Z with equal scales on both axes, lines only. */
export function nyquistPlot(el: HTMLElement, series: PlotSeries[], width: number, height: number): PlotHandle {
  const lines: XySeries[] = series.map((s) => ({
    label: s.label,
    color: s.color,
    width: s.width,
    dash: s.dash,
    x: s.rows.map((r) => r[0]),
    y: s.rows.map((r) => (r[1] == null ? null : -r[1])),
  }));
  return xyPlot(el, { xLabel: 'Re Z [Ω]', yLabel: '−Im Z [Ω]', equal: true }, lines, width, height);
}

/** Bode plot: one column of the spectrum (magnitude or phase) against log frequency. */
export function bodePlot(
  el: HTMLElement,
  kind: 'magnitude' | 'phase',
  freqs: number[],
  series: PlotSeries[],
  width: number,
  height: number,
): PlotHandle {
  const col = kind === 'magnitude' ? 2 : 3;
  const data: (number | null)[][] = [freqs];
  for (const s of series) data.push(s.rows.map((r) => num(r[col])));
  const opts: uPlot.Options = {
    width,
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    scales: {
      x: { time: false, distr: 3 },
      y: kind === 'magnitude' ? { distr: 3 } : { auto: true },
    },
    axes: [
      {
        ...axisStyle(),
        label: 'Frequency [Hz]',
        size: 40,
        labelSize: 20,
        values: (_u, v) => {
          const labels = v.map(logTickLabel);
          // The axis is drawn on the canvas: its labels are kept here too, for tests and the curious.
          el.dataset.xTicks = labels.filter(Boolean).join(' ');
          return labels;
        },
      },
      {
        ...axisStyle(),
        label: kind === 'magnitude' ? '|Z| [Ω]' : 'Phase [°]',
        size: 60,
        labelSize: 20,
        values: kind === 'magnitude' ? (_u, v) => v.map(logTickLabel) : undefined,
      },
    ],
    series: [
      { label: 'Frequency' },
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: s.width ?? 2,
        dash: s.dash,
        points: { show: false },
      })),
    ],
  };
  return mount(opts, data, el, height);
}

export interface XySeries {
  label: string;
  color: string;
  x: (number | null)[];
  y: (number | null)[];
  /** Points (measured data) instead of a line (a model). */
  points?: boolean;
  dash?: number[];
  /** Line width in CSS pixels (default 2). */
  width?: number;
  /** Points only: a bar from y − err to y + err (one standard error) at each point that has one. */
  err?: (number | null)[];
}

export interface XyOptions {
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  /** Same scale on both axes (a Nyquist plot). */
  equal?: boolean;
  /** The x axis's range and labelled ticks, instead of uPlot's (plots-math: paddedTicks). */
  xTicks?: AxisTicks;
  /** The y axis's range and labelled ticks (plots-math: paddedTicks, symmetricTicks). */
  yTicks?: AxisTicks;
}

/** Dots at the points, with their error bars when `err` is given. */
function dots(err: (number | null)[] | undefined) {
  return (u: uPlot, seriesIdx: number): uPlot.Series.Paths => {
    const [xs, ys] = u.data[seriesIdx] as unknown as [(number | null)[], (number | null)[]];
    const dot = new Path2D();
    const bars = new Path2D();
    const r = 3 * (window.devicePixelRatio || 1);
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      const y = ys[i];
      if (x == null || y == null) continue;
      const px = u.valToPos(x, 'x', true);
      const py = u.valToPos(y, 'y', true);
      dot.moveTo(px + r, py);
      dot.arc(px, py, r, 0, 2 * Math.PI);
      const e = num(err?.[i]);
      if (e == null || e <= 0) continue;
      const top = u.valToPos(y + e, 'y', true);
      const bottom = u.valToPos(y - e, 'y', true);
      bars.moveTo(px, top);
      bars.lineTo(px, bottom);
      bars.moveTo(px - r, top);
      bars.lineTo(px + r, top);
      bars.moveTo(px - r, bottom);
      bars.lineTo(px + r, bottom);
    }
    return { stroke: bars, fill: dot, clip: null, flags: 0 } as uPlot.Series.Paths;
  };
}

/** Splits and labels of an axis with its own ticks; the labels are kept on `el` for tests too. */
function ownTicks(t: AxisTicks, el: HTMLElement, key: 'xTicks' | 'yTicks') {
  el.dataset[key] = t.labels.join(' ');
  return { splits: () => t.ticks, values: () => t.labels };
}

function extent(values: (number | null)[][], log: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const vs of values) {
    for (const v of vs) {
      if (v == null || !Number.isFinite(v) || (log && v <= 0)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return log ? [1, 10] : [0, 1];
  if (log) return [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))];
  // One value alone: a unit either side, so the ticks fall on whole values.
  const pad = hi > lo ? 0.05 * (hi - lo) : Math.max(Math.abs(hi) * 0.1, 1);
  return [lo - pad, hi + pad];
}

/** Points and lines on x–y axes, each series with its own x values (measured sweeps differ). */
export function xyPlot(el: HTMLElement, o: XyOptions, series: XySeries[], width: number, height: number): PlotHandle {
  const data: any[] = [null, ...series.map((s) => [s.x.map(num), s.y.map(num)])];
  const bounds = o.equal
    ? equalAxesBounds(
        series.map((s) => s.x),
        series.map((s) => s.y),
      )
    : {
        x: o.xTicks?.range ?? extent(series.map((s) => s.x), !!o.xLog),
        y: o.yTicks?.range ?? extent(series.map((s) => s.y), !!o.yLog),
      };
  const [x0, x1] = bounds.x;
  const [y0, y1] = bounds.y;
  let fitW = -1;
  let fitH = -1;
  const fit = (u: uPlot) => {
    // setSize fires again inside the commit that setScale starts: refit only when the plot area changed.
    if (!o.equal || (u.bbox.width === fitW && u.bbox.height === fitH)) return;
    fitW = u.bbox.width;
    fitH = u.bbox.height;
    const r = equalAxesRanges(x0, x1, y0, y1, u.bbox.width, u.bbox.height);
    u.batch(() => {
      u.setScale('x', { min: r.x[0], max: r.x[1] });
      u.setScale('y', { min: r.y[0], max: r.y[1] });
    });
    // For tests and the curious: the drawn ranges (where the axes start against the data), and
    // units per CSS pixel on each axis, which equal axes make equal.
    el.dataset.xRange = r.x.join(',');
    el.dataset.yRange = r.y.join(',');
    const pr = window.devicePixelRatio || 1;
    el.dataset.ohmPerPxX = String((r.x[1] - r.x[0]) / (u.bbox.width / pr));
    el.dataset.ohmPerPxY = String((r.y[1] - r.y[0]) / (u.bbox.height / pr));
  };
  const logValues = (_u: uPlot, v: number[]) => v.map(logTickLabel);
  const opts: uPlot.Options = {
    mode: 2,
    width,
    height,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: false, auto: false, range: [x0, x1], distr: o.xLog ? 3 : 1 },
      y: { auto: false, range: [y0, y1], distr: o.yLog ? 3 : 1 },
    },
    axes: [
      {
        ...axisStyle(),
        label: o.xLabel,
        size: 40,
        labelSize: 20,
        values: o.xLog ? logValues : linearValues,
        ...(o.xTicks ? ownTicks(o.xTicks, el, 'xTicks') : {}),
      },
      {
        ...axisStyle(),
        label: o.yLabel,
        size: 64,
        labelSize: 20,
        values: o.yLog ? logValues : linearValues,
        ...(o.yTicks ? ownTicks(o.yTicks, el, 'yTicks') : {}),
      },
    ],
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        fill: s.points ? s.color : undefined,
        // Points draw no outline, only their error bars when they have them.
        width: s.points ? (s.err ? 1 : 0) : (s.width ?? 2),
        dash: s.dash,
        facets: [
          { scale: 'x', auto: false },
          { scale: 'y', auto: false },
        ],
        paths: s.points ? dots(s.err) : polyline,
        points: { show: false },
      })),
    ] as uPlot.Series[],
    hooks: { ready: [fit], setSize: [fit] },
  };
  return mount(opts, data, el, height);
}

/** Draws `data` with `opts` into `el`; resizing keeps the height. */
function mount(opts: uPlot.Options, data: unknown, el: HTMLElement, height: number): PlotHandle {
  const u = new uPlot(opts, data as uPlot.AlignedData, el);
  return {
    destroy: () => u.destroy(),
    resize: (w: number) => u.setSize({ width: w, height }),
  };
}
