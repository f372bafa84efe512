// Sweeps of the experiment compared in one Nyquist plot: each ticked row's data (points) and its
// fitted model's spectrum (a line, computed by the server), the measurements' sweeps asked once.

import type { Sweep } from './api-measured';
import { measuredApi } from './api-measured';
import { frequencyGrid } from './circuit';
import { h, replace } from './dom';
import { STALE, type Latest } from './latest';
import { sweepRows } from './measured-math';
import { modelSpectrum } from './models';
import { PlotSet } from './plot-set';
import { SERIES_COLORS, xyPlot, type XySeries } from './plots';
import { MODEL_POINTS } from './ui-measurement';
import { insertOf, type Row } from './experiment-table';

const COMPARE_MAX_HEIGHT = 400;
const pickHint = () => h('p', { class: 'hint' }, 'Tick rows of the table to compare their data and models in one plot.');

/** The comparison of the rows picked; `latest` drops what arrives after the view was left or a newer pick. */
export function comparePart(latest: Latest, plots: PlotSet): { element: HTMLElement; render(picked: Row[]): Promise<void> } {
  const element = h('div', { id: 'compare' }, pickHint());
  const sweepCache = new Map<number, Sweep[]>();

  async function render(picked: Row[]): Promise<void> {
    plots.destroy();
    if (picked.length === 0) {
      replace(element, pickHint());
      return;
    }
    const need = [...new Set(picked.map((r) => r.fit.measurement))].filter((mid) => !sweepCache.has(mid));
    try {
      const got = await latest.take(Promise.all(need.map((mid) => measuredApi.get(mid))));
      if (got === STALE) return;
      for (const g of got) sweepCache.set(g.measurement.id, g.measurement.sweeps);
    } catch (e) {
      replace(element, h('p', { class: 'error-box', role: 'alert' }, `Cannot load the sweeps: ${(e as Error).message}`));
      return;
    }
    const sweepOf = (r: Row) => sweepCache.get(r.fit.measurement)?.find((x) => x.index === r.fit.sweep);
    let spectra: (number[][] | null)[];
    try {
      const got = await latest.take(
        Promise.all(
          picked.map((r) => {
            const s = sweepOf(r);
            return s && r.fit.rs != null
              ? modelSpectrum(r.fit.model, r.fit.params, frequencyGrid(Math.min(...s.frequencies), Math.max(...s.frequencies), MODEL_POINTS))
              : null;
          }),
        ),
      );
      if (got === STALE) return;
      spectra = got;
    } catch (e) {
      replace(element, h('p', { class: 'error-box', role: 'alert' }, `Cannot compute the models’ spectra: ${(e as Error).message}`));
      return;
    }
    const series: XySeries[] = [];
    picked.forEach((r, i) => {
      const s = sweepOf(r);
      if (!s) return;
      const label = `${insertOf(r.m)} sweep ${r.fit.sweep}`;
      const data = sweepRows(s.real, s.imag);
      series.push({ label, color: SERIES_COLORS[i % SERIES_COLORS.length], points: true, x: data.map((d) => d[0]), y: data.map((d) => -d[1]) });
      const model = spectra[i];
      if (model) series.push({ label: `${label} model`, color: SERIES_COLORS[i % SERIES_COLORS.length], x: model.map((d) => d[0]), y: model.map((d) => -d[1]) });
    });
    const nyq = PlotSet.figure('compare-nyquist', 'Nyquist: data (points) and models (lines)', `Nyquist plot comparing ${picked.length} sweeps`);
    nyq.box.dataset.series = String(picked.length);
    replace(
      element,
      h(
        'ul',
        { class: 'legend', id: 'compare-legend', 'aria-label': 'Compared sweeps' },
        picked.map((r, i) =>
          h('li', { class: 'legend-item' }, h('span', { class: 'legend-dot', style: `background:${SERIES_COLORS[i % SERIES_COLORS.length]}` }), `${insertOf(r.m)} sweep ${r.fit.sweep}`),
        ),
      ),
      nyq.fig,
    );
    plots.add(nyq.box, (w) => xyPlot(nyq.box, { xLabel: 'Re Z [Ω]', yLabel: '−Im Z [Ω]', equal: true }, series, w, Math.min(w, COMPARE_MAX_HEIGHT)));
  }

  return { element, render };
}
