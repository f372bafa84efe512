// Nyquist and Bode (|Z| and phase) figures of spectra that each have their own frequencies (measured
// sweeps, datasets of different grids): data as points, models as lines.

import type { SpectrumRows } from './dataset-spectra';
import { h } from './dom';
import { PlotSet } from './plot-set';
import { xyPlot, type XySeries } from './plots';

export interface SpectrumSeries {
  label: string;
  color: string;
  /** Points (measured or reference data) instead of a line (a model). */
  points?: boolean;
  freqs: number[];
  rows: SpectrumRows;
}

export interface SpectraFigures {
  /** The three figures in the page's plot grid; put it in the document before `draw`. */
  element: HTMLElement;
  draw(plots: PlotSet, series: SpectrumSeries[]): void;
}

/** Boxes `${prefix}-nyquist`, `${prefix}-bode-mag`, `${prefix}-bode-phase`, labelled as plots of `what`. */
export function spectraFigures(prefix: string, what: string, nyquistMaxHeight: number, bodeHeight: number): SpectraFigures {
  const nyq = PlotSet.figure(`${prefix}-nyquist`, 'Nyquist: −Im Z against Re Z (equal axes)', `Nyquist plot of ${what}`);
  const mag = PlotSet.figure(`${prefix}-bode-mag`, 'Bode: |Z| against frequency', `Bode magnitude plot of ${what}`);
  const ph = PlotSet.figure(`${prefix}-bode-phase`, 'Bode: phase against frequency', `Bode phase plot of ${what}`);
  const element = h('div', { class: 'plot-grid' }, nyq.fig, h('div', { class: 'bode' }, mag.fig, ph.fig));
  const neg = (v: number | null) => (v == null ? null : -v);
  function draw(plots: PlotSet, series: SpectrumSeries[]): void {
    for (const box of [nyq.box, mag.box, ph.box]) box.dataset.series = String(series.length);
    const xy = (x: (s: SpectrumSeries) => (number | null)[], y: (r: (number | null)[]) => number | null): XySeries[] =>
      series.map((s) => ({ label: s.label, color: s.color, points: s.points, x: x(s), y: s.rows.map(y) }));
    const freq = (s: SpectrumSeries) => s.freqs;
    plots.add(nyq.box, (w) =>
      xyPlot(nyq.box, { xLabel: 'Re Z [Ω]', yLabel: '−Im Z [Ω]', equal: true }, xy((s) => s.rows.map((r) => r[0]), (r) => neg(r[1])), w, Math.min(w, nyquistMaxHeight)),
    );
    plots.add(mag.box, (w) => xyPlot(mag.box, { xLabel: 'Frequency [Hz]', yLabel: '|Z| [Ω]', xLog: true, yLog: true }, xy(freq, (r) => r[2]), w, bodeHeight));
    plots.add(ph.box, (w) => xyPlot(ph.box, { xLabel: 'Frequency [Hz]', yLabel: 'Phase [°]', xLog: true }, xy(freq, (r) => r[3]), w, bodeHeight));
  }
  return { element, draw };
}
