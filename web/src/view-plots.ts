// The spectra part of the dataset view: Nyquist and Bode plots of the chosen rows against the
// reference, stored spectra when the file has them, the circuit model's otherwise.

import { loadSpectra, rowSpectrum, spectraSource } from './dataset-spectra';
import { h, replace } from './dom';
import { fmtNum } from './format';
import { STALE } from './latest';
import { bodePlot, nyquistPlot, REFERENCE_COLOR, type PlotHandle, type PlotSeries } from './plots';
import type { ViewContext } from './view-context';

const NYQUIST_MAX_HEIGHT = 420;
const BODE_HEIGHT = 200;

export interface PlotsPart {
  element: HTMLElement;
  render(): Promise<void>;
  /** Stored spectra in the file (from the metadata, when it knows better than the list). */
  setStoredSpectra(n: number): void;
  setSpacing(spacing: 'log' | 'linear'): void;
  destroy(): void;
}

export function plotsPart(ctx: ViewContext): PlotsPart {
  const spectra = ctx.latest.child();
  const source = spectraSource(ctx.dataset);
  let plots: PlotHandle[] = [];
  let observer: ResizeObserver | null = null;
  const element = h('div', { class: 'plots', id: 'plots' });

  function destroy(): void {
    for (const p of plots) p.destroy();
    plots = [];
    observer?.disconnect();
    observer = null;
  }

  async function render(): Promise<void> {
    const sel = ctx.selection.list();
    // An older request must not land after this one, even when this one asks the server nothing.
    const s = await spectra.take(loadSpectra(source, sel.map((r) => r.rank)));
    if (s === STALE) return;
    const freqs = s.freqs;
    if (!freqs) {
      replace(element, h('p', { class: 'error-box', role: 'alert' }, 'This dataset has no frequencies to plot.'));
      return;
    }
    let note = s.note;
    const series: PlotSeries[] = [];
    if (s.reference) series.push({ label: 'Reference', color: REFERENCE_COLOR, dash: [6, 4], width: 2.5, rows: s.reference });
    let computed = 0;
    for (const row of sel) {
      const r = rowSpectrum(s, row);
      if (!r.stored) computed++;
      series.push({ label: `Rank ${row.rank} (${fmtNum(row.resnorm, 5)})`, color: ctx.selection.colorOf(row.rank)!, rows: r.rows });
    }
    if (computed > 0 && !note) note = `${computed} of the plotted rows have no stored spectrum; theirs are computed from the circuit model.`;
    draw(series, freqs, sel.length === 0, note);
  }

  function draw(series: PlotSeries[], freqs: number[], none: boolean, note: string): void {
    destroy();
    const plotDiv = (cls: string, id: string, what: string) =>
      h('div', { class: `plot ${cls}`, id, 'data-series': series.length, role: 'img', 'aria-label': `${what} of ${series.length} spectra` });
    const nyq = plotDiv('plot-nyquist', 'plot-nyquist', 'Nyquist plot');
    const mag = plotDiv('plot-bode-mag', 'plot-bode-mag', 'Bode magnitude plot');
    const ph = plotDiv('plot-bode-phase', 'plot-bode-phase', 'Bode phase plot');
    const nyqFig = h('figure', { class: 'plot-fig' }, h('figcaption', null, 'Nyquist: −Im Z against Re Z (equal axes)'), nyq);
    const bode = h(
      'div',
      { class: 'bode' },
      h('figure', { class: 'plot-fig' }, h('figcaption', null, 'Bode: |Z| against frequency'), mag),
      h('figure', { class: 'plot-fig' }, h('figcaption', null, 'Bode: phase against frequency'), ph),
    );
    replace(
      element,
      h(
        'ul',
        { class: 'legend', id: 'plot-legend', 'aria-label': 'Plotted spectra' },
        series.map((s) =>
          h('li', { class: 'legend-item' }, h('span', { class: `legend-line${s.dash ? ' dashed' : ''}`, style: `border-color:${s.color}` }), s.label),
        ),
      ),
      none ? h('p', { class: 'hint' }, 'No rows selected: tick rows in the table to compare them with the reference.') : null,
      note ? h('p', { class: 'hint' }, note) : null,
      h('div', { class: 'plot-grid' }, nyqFig, bode),
    );
    // Each plot takes the width its cell of the grid has, one column or two (style.css decides).
    const nyqW = () => nyqFig.clientWidth;
    const bodeW = () => bode.clientWidth;
    plots = [
      nyquistPlot(nyq, series, nyqW(), Math.min(nyqW(), NYQUIST_MAX_HEIGHT)),
      bodePlot(mag, 'magnitude', freqs, series, bodeW(), BODE_HEIGHT),
      bodePlot(ph, 'phase', freqs, series, bodeW(), BODE_HEIGHT),
    ];
    let lastW = element.clientWidth;
    observer = new ResizeObserver(() => {
      if (element.clientWidth === lastW) return;
      lastW = element.clientWidth;
      plots[0]?.resize(nyqW());
      plots[1]?.resize(bodeW());
      plots[2]?.resize(bodeW());
    });
    observer.observe(element);
  }

  return {
    element,
    render,
    destroy,
    setStoredSpectra: (n) => (source.nSpectra = n),
    setSpacing: (spacing) => (source.spacing = spacing),
  };
}
