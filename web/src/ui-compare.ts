// #/compare/NAME,NAME,…: two or more datasets in one plot. Each dataset's reference spectrum as
// points and its best row's spectrum as a line, in one Nyquist and one Bode figure, and a table of
// each dataset's best row that downloads as CSV.

import { api, type Dataset } from './api';
import { h, replace, scrollRegion } from './dom';
import { csvButton } from './download';
import { loadSpectra, rowSpectrum, spectraSource, type DatasetSpectra } from './dataset-spectra';
import { MIN_COMPARED } from './compare';
import { STALE } from './latest';
import { fmtNum } from './format';
import { displayName } from './listing';
import { fmtInUnit } from './units';
import { SERIES_COLORS } from './plots';
import { rowFrom, type Row } from './selection';
import { spectraFigures, type SpectrumSeries } from './spectra-plots';
import { state } from './state';
import { resultCells, resultHeads } from './view-results';
import { enterView } from './view-life';

const NYQUIST_MAX_HEIGHT = 420;
const BODE_HEIGHT = 200;

interface Compared {
  filename: string;
  dataset: Dataset | null;
  color: string;
  best: Row | null;
  /** The best row's parameters by the file's own names, for a dataset of another model than rc. */
  own: { name: string; unit: string; value: number | null }[] | null;
  spectra: DatasetSpectra | null;
  error: string | null;
}

export function renderCompare(root: HTMLElement, filenames: string[]): void {
  const { latest, plotSet } = enterView();
  const plots = plotSet();
  document.title = 'Compare datasets · eisgrid';

  const tableEl = h('div', { id: 'compare-ds-table-wrap' }, h('p', { class: 'muted' }, 'Loading…'));
  const plotsEl = h('div', { id: 'compare-ds-plots' });
  const panel = (id: string, heading: string, ...body: (Node | null)[]) =>
    h('section', { class: 'panel', 'aria-labelledby': id }, h('h3', { id }, heading), ...body);
  replace(
    root,
    h(
      'article',
      { class: 'compare-view' },
      h(
        'header',
        { class: 'view-head' },
        h('h2', { id: 'view-title' }, `Compare ${filenames.length} datasets`),
        h('div', { class: 'view-actions' }, h('a', { class: 'btn', href: '#/' }, 'Close')),
      ),
      filenames.length < MIN_COMPARED
        ? h('p', { class: 'hint' }, `Tick “Compare” on ${MIN_COMPARED} or more datasets in the list, then press “Compare selected”.`)
        : null,
      panel('compare-ds-best-h', 'Best row of each dataset', tableEl),
      panel('compare-ds-spectra-h', 'Spectra: reference (points) and best row (line)', plotsEl),
    ),
  );

  void (async () => {
    const got = await latest.take(Promise.all(filenames.map((f, i) => load(f, SERIES_COLORS[i % SERIES_COLORS.length]))));
    if (got === STALE) return;
    replace(tableEl, bestTable(got));
    drawPlots(got);
  })();

  function drawPlots(items: Compared[]): void {
    const series: SpectrumSeries[] = [];
    const notes: string[] = [];
    for (const c of items) {
      const s = c.spectra;
      if (!c.dataset || !s?.freqs) continue;
      const name = displayName(c.dataset);
      if (s.reference) series.push({ label: `${name} reference`, color: c.color, points: true, freqs: s.freqs, rows: s.reference });
      if (c.best) series.push({ label: `${name} best row`, color: c.color, freqs: s.freqs, rows: rowSpectrum(s, c.best).rows });
      if (s.note) notes.push(`${name}: ${s.note}`);
    }
    const plotted = items.filter((c) => c.spectra?.freqs);
    if (plotted.length === 0) {
      replace(plotsEl, h('p', { class: 'hint' }, 'None of these datasets has spectra to plot.'));
      return;
    }
    const figures = spectraFigures('compare-ds', `${plotted.length} datasets`, NYQUIST_MAX_HEIGHT, BODE_HEIGHT);
    replace(
      plotsEl,
      h(
        'ul',
        { class: 'legend', id: 'compare-ds-legend', 'aria-label': 'Compared datasets' },
        plotted.map((c) =>
          h(
            'li',
            { class: 'legend-item', 'data-filename': c.filename },
            h('span', { class: 'legend-dot', style: `background:${c.color}` }),
            h('span', { class: 'legend-line', style: `border-color:${c.color}` }),
            displayName(c.dataset!),
          ),
        ),
      ),
      notes.length ? h('ul', { class: 'hint', id: 'compare-ds-notes' }, notes.map((n) => h('li', null, n))) : null,
      figures.element,
    );
    figures.draw(plots, series);
  }
}

/** One dataset's best row and its spectra; what went wrong instead, when something did. */
async function load(filename: string, color: string): Promise<Compared> {
  const c: Compared = { filename, dataset: state.datasets.find((d) => d.filename === filename) ?? null, color, best: null, own: null, spectra: null, error: null };
  if (!c.dataset) return { ...c, error: 'not visible to you (or no such dataset)' };
  if (!c.dataset.is_available) return { ...c, error: "its file is missing from the server's data directory" };
  try {
    const r = await api.best(filename, 1, 0);
    const d = r.data;
    if (d.parameters.length > 0) c.best = rowFrom(d.offset ?? 0, d.parameters[0], d.resnorms[0], d.ter?.[0], d.tec?.[0]);
    // rc's columns fit only rc's parameters: another model's row shows its own names.
    if (d.parameters.length > 0 && d.param_names.join() !== RC_NAMES.join()) {
      c.own = d.param_names.map((name, k) => ({ name, unit: d.param_units[k] ?? '', value: d.parameters[0][k] }));
    }
    c.spectra = await loadSpectra(spectraSource(c.dataset), c.best ? [c.best.rank] : []);
  } catch (e) {
    c.error = (e as Error).message;
  }
  return c;
}

const RC_NAMES = ['Rsh', 'Ra', 'Ca', 'Rb', 'Cb'];

/** Rank, resnorm, the model's own parameters (with their units) in the parameter columns' place, TER and TEC. */
function ownCells(best: Row, own: NonNullable<Compared['own']>): HTMLElement[] {
  const all = resultHeads(null).length;
  const text = own.map((p) => `${p.name} ${fmtInUnit(p.value, p.unit)}`).join(', ');
  return [
    h('td', { class: 'num', 'data-col': 'rank' }, String(best.rank)),
    h('td', { class: 'num', 'data-col': 'resnorm' }, fmtNum(best.resnorm)),
    h('td', { colspan: all - 6, 'data-col': 'parameters' }, text),
    h('td', { class: 'num', 'data-col': 'TER' }, fmtNum(best.ter)),
    h('td', { class: 'num', 'data-col': 'TEC' }, fmtNum(best.tec * 1e6)),
    h('td', { colspan: 2 }, ''),
  ];
}

function bestTable(items: Compared[]): HTMLElement {
  const table = h(
    'table',
    { class: 'results', id: 'compare-ds-table' },
    h('caption', { class: 'sr-only' }, 'The best row of each compared dataset'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Dataset'), h('th', { scope: 'col' }, 'Metric'), resultHeads(null))),
    h(
      'tbody',
      null,
      items.map((c) =>
        h(
          'tr',
          { 'data-filename': c.filename },
          h(
            'td',
            null,
            h('span', { class: 'swatch', style: `background:${c.color}`, 'aria-hidden': 'true' }),
            ' ',
            c.dataset ? h('a', { href: `#/dataset/${encodeURIComponent(c.filename)}` }, c.filename) : c.filename,
          ),
          h('td', null, c.dataset?.metric ?? ''),
          c.best && c.own ? ownCells(c.best, c.own) : c.best ? resultCells(c.best) : h('td', { colspan: resultHeads(null).length, class: c.error ? 'error' : 'muted' }, c.error ? `Cannot compare: ${c.error}.` : 'No ranked rows.'),
        ),
      ),
    ),
  );
  return h('div', null, h('div', { class: 'table-actions' }, csvButton(table, 'compared_datasets.best_rows.csv', 'compare-ds-csv')), scrollRegion('Best rows of the compared datasets', table));
}
