// The dataset list in the sidebar: overview counts, filter, sort, one card per dataset.

import type { Dataset } from './api';
import { api, getKey } from './api';
import { downloadFromServer } from './download';
import { h, replace } from './dom';
import { fmtFrequencies, fmtInt, fmtNum, fmtSize, shortHash, fmtDate } from './format';
import { fmtParam } from './units';
import { badges, displayName, filterAndSort, overview, referenceText, sizeBytes, SORTS } from './listing';
import { state } from './state';
import { PARAM_NAMES } from './circuit';
import { compareHash, MIN_COMPARED, togglePick } from './compare';

let filterInput: HTMLInputElement | null = null;
let listEl: HTMLElement | null = null;
let overviewEl: HTMLElement | null = null;
let built: HTMLElement | null = null;
let compareBtn: HTMLButtonElement | null = null;

export function renderSidebar(root: HTMLElement): void {
  if (built !== root) {
    built = root;
    filterInput = h('input', {
      type: 'search',
      id: 'dataset-filter',
      placeholder: 'name, owner, metric…',
      value: state.filter,
      oninput: () => {
        state.filter = filterInput!.value;
        renderList();
      },
    });
    const sortSel = h(
      'select',
      {
        id: 'dataset-sort',
        onchange: (e: Event) => {
          state.sort = (e.target as HTMLSelectElement).value;
          renderList();
        },
      },
      SORTS.map((s) => h('option', { value: s.value, selected: s.value === state.sort }, s.label)),
    );
    overviewEl = h('div', { class: 'overview', id: 'overview', 'aria-live': 'polite' });
    listEl = h('ul', { class: 'dataset-list', id: 'dataset-list', 'aria-label': 'Datasets' });
    compareBtn = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small',
        id: 'compare-go',
        'aria-describedby': 'compare-hint',
        onclick: () => {
          location.hash = compareHash(state.compare);
        },
      },
      'Compare selected',
    );
    replace(
      root,
      h(
        'div',
        { class: 'sidebar-head' },
        h('h2', null, 'Datasets'),
        h(
          'div',
          { class: 'sidebar-links' },
          h('a', { href: '#/measurements', class: 'btn btn-small', id: 'measurements-link' }, 'Measurements'),
          h('a', { href: '#/new', class: 'btn btn-primary btn-small', id: 'new-run-link' }, '+ New run'),
        ),
      ),
      overviewEl,
      h(
        'div',
        { class: 'list-controls' },
        h('div', { class: 'field' }, h('label', { for: 'dataset-filter' }, 'Filter'), filterInput),
        h('div', { class: 'field' }, h('label', { for: 'dataset-sort' }, 'Sort'), sortSel),
      ),
      h(
        'div',
        { class: 'compare-bar' },
        compareBtn,
        h('span', { class: 'hint', id: 'compare-hint', 'aria-live': 'polite' }),
      ),
      listEl,
    );
  }
  renderList();
}

function renderList(): void {
  if (!listEl || !overviewEl) return;
  renderCompareBar();
  const o = overview(state.datasets, state.user);
  replace(
    overviewEl,
    h(
      'dl',
      { class: 'counts' },
      count('Datasets', o.total),
      count('Pre-computed', o.precomputed),
      state.user ? count('Yours', o.yours) : null,
      count('Public', o.public),
      count('Available', o.available),
      count('Missing', o.missing),
      h('div', null, h('dt', null, 'Total size'), h('dd', null, fmtSize(o.totalBytes))),
    ),
  );
  overviewEl.hidden = state.datasetsError != null;
  if (state.datasetsError) {
    replace(listEl, h('li', { class: 'error-box', role: 'alert' }, `Cannot load the datasets: ${state.datasetsError}`));
    return;
  }
  const shown = filterAndSort(state.datasets, state.filter, state.sort);
  if (state.datasets.length === 0) {
    replace(listEl, h('li', { class: 'muted empty' }, 'No datasets yet.'));
    return;
  }
  if (shown.length === 0) {
    replace(listEl, h('li', { class: 'muted empty' }, `No dataset matches “${state.filter}”.`));
    return;
  }
  const current = /^#\/dataset\/(.+)$/.exec(location.hash)?.[1];
  replace(
    listEl,
    shown.map((d) => card(d, current != null && decodeURIComponent(current) === d.filename)),
  );
}

/** The compare button: enabled once enough datasets are ticked; its hint says how many. */
function renderCompareBar(): void {
  if (!compareBtn) return;
  const n = state.compare.length;
  compareBtn.disabled = n < MIN_COMPARED;
  compareBtn.textContent = n > 0 ? `Compare selected (${n})` : 'Compare selected';
  const hint = document.getElementById('compare-hint');
  if (hint) hint.textContent = n < MIN_COMPARED ? `Tick “Compare” on ${MIN_COMPARED} or more datasets.` : `${n} datasets ticked.`;
}

function count(label: string, n: number) {
  return h('div', null, h('dt', null, label), h('dd', null, String(n)));
}

function badgeClass(b: string): string {
  return `badge badge-${b.toLowerCase().replace(/[^a-z]/g, '')}`;
}

/** A compact card (about 100 px): title, badges, the key facts on one line, actions; the rest folds away. */
function card(d: Dataset, current: boolean) {
  const title = displayName(d);
  const ref = d.reference;
  const gridPts = d.grid_size != null ? d.grid_size ** 5 : null;
  const keyFacts = [
    `${fmtInt(d.n_parameters)} sets`,
    fmtFrequencies(d.n_frequencies, d.freq_min, d.freq_max, d.frequency_spacing),
    `best ${fmtNum(d.best_resnorm)}${d.metric ? ` (${d.metric})` : ''}`,
  ].join(' · ');
  return h(
    'li',
    {
      class: `dataset-card${current ? ' current' : ''}${state.highlight === d.filename ? ' highlight' : ''}`,
      'data-filename': d.filename,
      'aria-current': current ? 'true' : null,
    },
    h(
      'div',
      { class: 'card-head' },
      h('h3', { class: 'card-title', title: title !== d.filename ? d.filename : null }, title),
      h(
        'div',
        { class: 'card-actions' },
        h('a', { class: 'btn btn-small btn-primary', href: `#/dataset/${encodeURIComponent(d.filename)}`, 'aria-label': `View ${title}` }, 'View'),
        downloadButton(d, 'btn btn-small'),
      ),
    ),
    h(
      'div',
      { class: 'badges' },
      badges(d, state.user).map((b) => h('span', { class: badgeClass(b) }, b)),
      compareBox(d, title),
    ),
    h('p', { class: 'card-facts' }, keyFacts),
    h(
      'details',
      { class: 'card-more' },
      h('summary', null, 'Details', h('span', { class: 'sr-only' }, ` of ${title}`)),
      title !== d.filename ? h('div', { class: 'filename' }, d.filename) : null,
      h(
        'dl',
        { class: 'facts' },
        fact('Grid', d.grid_size != null ? `${d.grid_size} (${fmtInt(gridPts)} points)` : '—'),
        fact('Size', fmtSize(sizeBytes(d))),
        fact('Hash', h('code', null, d.short_hash ?? shortHash(d.file_hash))),
        fact('Owner', d.owner ?? '—'),
        fact('Created', fmtDate(d.created_at ?? d.modified)),
      ),
      h(
        'div',
        { class: 'reference', 'aria-label': 'Reference' },
        h('span', { class: 'ref-label' }, 'Reference: '),
        ref
          ? PARAM_NAMES.map((n) => h('span', { class: 'ref-param', 'data-param': n }, h('span', { class: 'pname' }, n), ' ', fmtParam(n, ref[n])))
          : h('span', { class: 'ref-source' }, referenceText(d)),
      ),
      d.description ? h('p', { class: 'description' }, d.description) : null,
    ),
  );
}

/** "Compare": ticks the dataset for the comparison view; a missing file cannot be compared. */
function compareBox(d: Dataset, title: string): HTMLElement {
  const box = h('input', {
    type: 'checkbox',
    class: 'compare-box',
    'data-compare': d.filename,
    checked: state.compare.includes(d.filename),
    disabled: !d.is_available,
    onchange: () => {
      state.compare = togglePick(state.compare, d.filename, box.checked);
      renderCompareBar();
    },
  });
  return h(
    'label',
    { class: 'compare-pick', title: d.is_available ? null : 'The file is missing' },
    box,
    ' Compare',
    h('span', { class: 'sr-only' }, ` ${title}`),
  );
}

function fact(label: string, value: string | Node) {
  return h('div', null, h('dt', null, label), h('dd', null, value));
}

/** Download: a plain link for anonymous visitors; with a key, fetch with the Authorization header. */
export function downloadButton(d: Dataset, cls: string): HTMLElement {
  const title = displayName(d);
  if (!d.is_available) return h('button', { type: 'button', class: cls, disabled: true, title: 'The file is missing' }, 'Download');
  if (!getKey()) {
    return h('a', { class: cls, href: api.downloadUrl(d.filename), download: d.filename, 'aria-label': `Download ${title}` }, 'Download');
  }
  const btn = h(
    'button',
    {
      type: 'button',
      class: cls,
      'aria-label': `Download ${title}`,
      onclick: async () => {
        btn.disabled = true;
        const old = btn.textContent;
        btn.textContent = 'Downloading…';
        try {
          await downloadFromServer(api.downloadUrl(d.filename), d.filename);
          btn.textContent = old;
        } catch (e) {
          btn.textContent = 'Download failed';
          btn.title = (e as Error).message;
        } finally {
          btn.disabled = false;
        }
      },
    },
    'Download',
  );
  return btn;
}
