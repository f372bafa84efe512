// The view of one dataset: summary, paged best results with TER and TEC, search by resnorm,
// Nyquist and Bode plots of selected rows against the reference, tags. Each part lives in its own
// file (view-results, view-plots, view-tags); they share a ViewContext, whose Latest drops every
// response that arrives after the view was left.

import type { Dataset } from './api';
import { api, ApiError } from './api';
import { PARAM_NAMES, ter, tec, tau } from './circuit';
import { h, replace } from './dom';
import { fmtFrequencies, fmtInt, fmtMicroF, fmtMs, fmtNum, fmtOhm, fmtSize } from './format';
import { fmtParam } from './units';
import { STALE } from './latest';
import { enterView } from './view-life';
import { serverLimits } from './limits';
import { badges, displayName, gridText, referenceText, sizeBytes } from './listing';
import { SERIES_COLORS } from './plots';
import { Selection } from './selection';
import { state } from './state';
import { downloadButton } from './ui-list';
import type { ViewContext } from './view-context';
import { plotsPart } from './view-plots';
import { resultsPart } from './view-results';
import { refinedOf, refinedPanel } from './view-refined';
import { tagsPart } from './view-tags';

export function renderDatasetView(root: HTMLElement, filename: string): void {
  const { latest, onLeave } = enterView();

  const dataset = state.datasets.find((d) => d.filename === filename) ?? null;
  const title = dataset ? displayName(dataset) : filename;
  document.title = `${title} · eisgrid`;
  const head = h(
    'header',
    { class: 'view-head' },
    h('div', null, h('h2', { id: 'view-title' }, title), title !== filename ? h('div', { class: 'filename' }, filename) : null),
    h('div', { class: 'view-actions' }, dataset ? downloadButton(dataset, 'btn btn-primary') : null, h('a', { class: 'btn', href: '#/' }, 'Close')),
  );
  if (!dataset) {
    replace(root, h('article', { class: 'dataset-view', 'data-filename': filename }, head, notVisible(filename)));
    return;
  }
  const sourceEl = h('span', { id: 'reference-source' }, referenceText(dataset));
  // The series resistances a run swept are in the file's metadata: the grid's text is completed on load.
  const gridEl = h('span', { id: 'grid-points' }, gridText(dataset.grid_size));
  if (!dataset.is_available) {
    replace(root, h('article', { class: 'dataset-view', 'data-filename': filename }, head, summary(dataset, sourceEl, gridEl), missing(dataset)));
    return;
  }

  const selection = new Selection(SERIES_COLORS);
  const ctx: ViewContext = { filename, dataset, title, latest, selection, limits: serverLimits(), selectionChanged: () => {} };
  const results = resultsPart(ctx);
  const plots = plotsPart(ctx);
  const tags = tagsPart(ctx, results.total);
  onLeave(plots.destroy);
  results.onTag = tags.startTag;
  ctx.selectionChanged = () => {
    results.render();
    void plots.render();
  };

  const panel = (id: string, heading: string, ...body: (Node | null)[]) =>
    h('section', { class: 'panel', 'aria-labelledby': id }, h('h3', { id }, heading), ...body);
  // Filled once the metadata is loaded, for a dataset swept against a measured spectrum.
  const refinedSlot = h('div', { id: 'refined-slot' });
  // Its words follow the rows' model once the metadata names it.
  const bestHint = h(
    'p',
    { class: 'hint', id: 'best-hint' },
    `Tick rows to plot them against the reference (up to ${selection.max}). TER = Rsh(Ra+Rb)/(Rsh+Ra+Rb), TEC = CaCb/(Ca+Cb), τa = RaCa, τb = RbCb.`,
  );
  const body = h(
    'div',
    { class: 'view-body' },
    refinedSlot,
    panel(
      'best-h',
      'Best results',
      bestHint,
      results.element,
    ),
    panel('spectra-h', 'Spectra', plots.element),
    panel('tags-h', 'Tags', tags.element),
  );
  replace(root, h('article', { class: 'dataset-view', 'data-filename': filename }, head, summary(dataset, sourceEl, gridEl), body));

  // Start: metadata (frequency spacing, stored spectra, the measured reference's file), the first
  // page with the best row selected, tags.
  void (async () => {
    try {
      const info = await latest.take(api.load(filename));
      if (info === STALE) return;
      if (info.dataset_info?.n_spectra != null) plots.setStoredSpectra(info.dataset_info.n_spectra);
      if (info.metadata?.frequency_spacing === 'linear') plots.setSpacing('linear');
      const model = (info.dataset_info as typeof info.dataset_info & { model?: string } | undefined)?.model ?? 'rc';
      if (model !== 'rc') {
        bestHint.textContent = `Tick rows to plot them against the reference (up to ${selection.max}); a row without a stored spectrum gets its ${model} model's, computed by the server. TER = Rsh(Ra+Rb)/(Rsh+Ra+Rb); TEC is the two membranes' effective capacitances in series.`;
      }
      sourceEl.textContent = referenceText(dataset, info.metadata?.reference);
      gridEl.textContent = gridText(dataset.grid_size, info.metadata?.series_resistance);
      const refined = refinedPanel(refinedOf(info.metadata));
      if (refined) replace(refinedSlot, refined);
    } catch (e) {
      // The catalog may still list a file that is gone: say so instead of an empty table.
      if (e instanceof ApiError && /not available/i.test(e.message)) {
        plots.destroy();
        latest.close();
        replace(body, missing(dataset));
        return;
      }
      /* other errors: the best results below report them */
    }
    const first = await results.start();
    if (!latest.isOpen()) return;
    if (first.length > 0) selection.add(first[0]);
    ctx.selectionChanged();
  })();
  void tags.load();
}

function notVisible(filename: string): HTMLElement {
  return h('p', { class: 'error-box', role: 'alert' }, `No dataset named ${filename} is visible to you.`);
}

function missing(d: Dataset): HTMLElement {
  return h(
    'p',
    { class: 'error-box', role: 'alert', id: 'dataset-missing' },
    `The file ${d.filename} is missing from the server's data directory${d.directory ? ` (${d.directory})` : ''}, `,
    'so its rows and spectra cannot be shown. The catalog still lists it: put the file back, ',
    'or run ',
    h('code', null, 'eisgrid sync'),
    ' on the server to mark it missing.',
  );
}

function summary(d: Dataset, sourceEl: HTMLElement, gridEl: HTMLElement): HTMLElement {
  const ref = d.reference;
  const f = (label: string, value: string | Node) => h('div', null, h('dt', null, label), h('dd', null, value));
  return h(
    'section',
    { class: 'panel summary', 'aria-label': 'Summary' },
    h(
      'div',
      { class: 'badges' },
      badges(d, state.user).map((b) => h('span', { class: `badge badge-${b.toLowerCase().replace(/[^a-z]/g, '')}` }, b)),
    ),
    h(
      'dl',
      { class: 'facts facts-wide' },
      f('Parameter sets', fmtInt(d.n_parameters)),
      f('Grid', gridEl),
      f('Frequencies', fmtFrequencies(d.n_frequencies, d.freq_min, d.freq_max, d.frequency_spacing)),
      f('Stored spectra', fmtInt(d.n_spectra)),
      f('Best resnorm', `${fmtNum(d.best_resnorm)}${d.metric ? ` (${d.metric})` : ''}`),
      f('Size', fmtSize(sizeBytes(d))),
      f('Owner', d.owner ?? '—'),
      f('Hash', h('code', { title: d.file_hash ?? '' }, d.short_hash ?? '—')),
    ),
    ref
      ? h(
          'div',
          { class: 'reference' },
          h('span', { class: 'ref-label' }, 'Reference circuit: '),
          PARAM_NAMES.map((n) => h('span', { class: 'ref-param' }, h('span', { class: 'pname' }, n), ' ', fmtParam(n, ref[n]))),
          h('span', { class: 'ref-param derived' }, 'TER ', fmtOhm(ter(ref))),
          h('span', { class: 'ref-param derived' }, 'TEC ', fmtMicroF(tec(ref))),
          h('span', { class: 'ref-param derived' }, 'τa ', fmtMs(tau(ref).a)),
          h('span', { class: 'ref-param derived' }, 'τb ', fmtMs(tau(ref).b)),
        )
      : h('div', { class: 'reference' }, h('span', { class: 'ref-label' }, 'Reference: '), sourceEl),
    d.description ? h('p', { class: 'description' }, d.description) : null,
  );
}
