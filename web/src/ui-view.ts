// The view of one dataset: summary, paged best results with TER and TEC, search by resnorm,
// Nyquist and Bode plots of selected rows against the reference, tags.

import type { Dataset, Tag } from './api';
import { api, ApiError, getKey } from './api';
import { frequencyGrid, paramsFromArray, spectrum, ter, tec, tau, PARAM_NAMES, type Params } from './circuit';
import { h, replace } from './dom';
import { fmtDate, fmtFrequencies, fmtInt, fmtMicroF, fmtMs, fmtNum, fmtOhm, fmtParam, fmtSize } from './format';
import { badges, displayName, sizeBytes } from './listing';
import { bodePlot, nyquistPlot, REFERENCE_COLOR, SERIES_COLORS, type PlotHandle, type PlotSeries } from './plots';
import { state } from './state';
import { downloadButton } from './ui-list';
import { parseNumber, parseInteger } from './validate';

export const MAX_SELECTED = SERIES_COLORS.length;

export interface Row {
  rank: number;
  resnorm: number | null;
  params: Params;
  ter: number;
  tec: number;
}

interface ViewState {
  filename: string;
  dataset: Dataset | null;
  nTotal: number;
  nSpectra: number;
  spacing: 'log' | 'linear';
  offset: number;
  pageSize: number;
  rows: Row[];
  search: { maxResnorm: number; rows: Row[]; count: number; totalSearched: number } | null;
  selected: Map<number, Row>;
  plots: PlotHandle[];
  token: number;
}

let view: ViewState | null = null;
let resizeObs: ResizeObserver | null = null;

export function rowFrom(rank: number, p: (number | null)[], resnorm: number | null, terV?: number | null, tecV?: number | null): Row {
  const params = paramsFromArray(p);
  return {
    rank,
    resnorm,
    params,
    ter: terV ?? ter(params),
    tec: tecV ?? tec(params),
  };
}

export function renderDatasetView(root: HTMLElement, filename: string): void {
  for (const p of view?.plots ?? []) p.destroy();
  resizeObs?.disconnect();
  const dataset = state.datasets.find((d) => d.filename === filename) ?? null;
  view = {
    filename,
    dataset,
    nTotal: dataset?.n_parameters ?? 0,
    nSpectra: dataset?.n_spectra ?? 0,
    spacing: dataset?.frequency_spacing === 'linear' ? 'linear' : 'log',
    offset: 0,
    pageSize: 10,
    rows: [],
    search: null,
    selected: new Map(),
    plots: [],
    token: (view?.token ?? 0) + 1,
  };
  const v = view;
  const title = dataset ? displayName(dataset) : filename;
  document.title = `${title} · eisgrid`;

  const tableWrap = h('div', { class: 'table-wrap', id: 'results-table-wrap' });
  const pager = h('div', { class: 'pager', id: 'pager' });
  const resultsMsg = h('p', { class: 'results-msg', id: 'results-msg', role: 'status', 'aria-live': 'polite' });
  const searchErr = h('span', { class: 'field-error', id: 'search-error', role: 'alert' });
  const searchInput = h('input', {
    type: 'text',
    inputmode: 'decimal',
    id: 'search-max',
    name: 'max_resnorm',
    placeholder: 'e.g. 400',
    'aria-describedby': 'search-error',
  });
  const clearBtn = h('button', { type: 'button', class: 'btn', id: 'search-clear', disabled: true }, 'Show all');
  const plotsSection = h('div', { class: 'plots', id: 'plots' });
  const tagsSection = h('div', { class: 'tags', id: 'tags' });

  const searchForm = h(
    'form',
    {
      class: 'search-form',
      id: 'search-form',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        const max = parseNumber(searchInput.value);
        if (max == null || max < 0) {
          searchErr.textContent = 'Enter a maximum resnorm: a number of 0 or more.';
          searchInput.setAttribute('aria-invalid', 'true');
          searchInput.focus();
          return;
        }
        searchErr.textContent = '';
        searchInput.removeAttribute('aria-invalid');
        try {
          const r = await api.search(filename, max, 10000);
          if (v !== view) return;
          const d = r.data;
          v.search = {
            maxResnorm: max,
            count: d.count,
            totalSearched: d.total_searched,
            rows: d.indices.map((rank, i) => rowFrom(rank, d.parameters[i], d.resnorms[i])),
          };
          v.offset = 0;
          clearBtn.disabled = false;
          renderTable();
        } catch (e) {
          searchErr.textContent = (e as Error).message;
        }
      },
    },
    h('label', { for: 'search-max' }, 'Maximum resnorm'),
    searchInput,
    h('button', { type: 'submit', class: 'btn btn-primary' }, 'Search'),
    clearBtn,
    searchErr,
  );
  clearBtn.addEventListener('click', () => {
    v.search = null;
    v.offset = 0;
    clearBtn.disabled = true;
    searchInput.value = '';
    searchErr.textContent = '';
    void loadPage();
  });

  replace(
    root,
    h(
      'article',
      { class: 'dataset-view', 'data-filename': filename },
      h(
        'header',
        { class: 'view-head' },
        h('div', null, h('h2', { id: 'view-title' }, title), title !== filename ? h('div', { class: 'filename' }, filename) : null),
        h('div', { class: 'view-actions' }, dataset ? downloadButton(dataset, 'btn btn-primary') : null, h('a', { class: 'btn', href: '#/' }, 'Close')),
      ),
      dataset ? summary(dataset) : h('p', { class: 'error-box', role: 'alert' }, `No dataset named ${filename} is visible to you.`),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'best-h' },
        h('h3', { id: 'best-h' }, 'Best results'),
        h(
          'p',
          { class: 'hint' },
          'Tick rows to plot them against the reference (up to ',
          String(MAX_SELECTED),
          '). TER = Rsh(Ra+Rb)/(Rsh+Ra+Rb), TEC = CaCb/(Ca+Cb), τa = RaCa, τb = RbCb.',
        ),
        searchForm,
        resultsMsg,
        tableWrap,
        pager,
      ),
      h('section', { class: 'panel', 'aria-labelledby': 'spectra-h' }, h('h3', { id: 'spectra-h' }, 'Spectra'), plotsSection),
      h('section', { class: 'panel', 'aria-labelledby': 'tags-h' }, h('h3', { id: 'tags-h' }, 'Tags'), tagsSection),
    ),
  );
  if (!dataset) return;

  function pageRows(): Row[] {
    if (v.search) return v.search.rows.slice(v.offset, v.offset + v.pageSize);
    return v.rows;
  }

  function total(): number {
    return v.search ? v.search.rows.length : v.nTotal;
  }

  async function loadPage(): Promise<void> {
    const token = v.token;
    resultsMsg.textContent = 'Loading…';
    try {
      const r = await api.best(filename, v.pageSize, v.offset);
      if (view !== v || token !== v.token) return;
      const d = r.data;
      v.nTotal = d.n_total;
      const base = d.offset ?? v.offset;
      v.rows = d.parameters.map((p, i) => rowFrom(base + i, p, d.resnorms[i], d.ter?.[i], d.tec?.[i]));
      renderTable();
    } catch (e) {
      resultsMsg.textContent = '';
      replace(tableWrap, h('p', { class: 'error-box', role: 'alert' }, `Cannot load the best results: ${(e as Error).message}`));
    }
  }

  function renderTable(): void {
    // Re-rendering replaces the controls: keep the keyboard focus on the same control.
    const active = document.activeElement as HTMLElement | null;
    const focusKey = active && (tableWrap.contains(active) || pager.contains(active)) ? active.dataset.focusKey ?? null : null;
    renderTableInner();
    if (focusKey) {
      const again = root.querySelector(`[data-focus-key="${focusKey}"]`) as HTMLElement | null;
      if (again && !(again as HTMLButtonElement).disabled) again.focus();
      else (root.querySelector('#page-info') as HTMLElement | null)?.focus();
    }
  }

  function renderTableInner(): void {
    const rows = pageRows();
    const n = total();
    if (v.search) {
      const s = v.search;
      resultsMsg.textContent = `${fmtInt(s.count)} of ${fmtInt(s.totalSearched)} parameter sets have a resnorm ≤ ${fmtNum(s.maxResnorm)}${
        s.count > s.rows.length ? ` (showing the best ${fmtInt(s.rows.length)})` : ''
      }.`;
    } else {
      resultsMsg.textContent = '';
    }
    const headers: [string, string][] = [
      ['Rank', ''],
      ['Resnorm', dataset?.metric ?? ''],
      ['Rsh', 'Ω'],
      ['Ra', 'Ω'],
      ['Ca', 'µF'],
      ['Rb', 'Ω'],
      ['Cb', 'µF'],
      ['TER', 'Ω'],
      ['TEC', 'µF'],
      ['τa', 'ms'],
      ['τb', 'ms'],
    ];
    const table = h(
      'table',
      { class: 'results', id: 'results-table' },
      h('caption', { class: 'sr-only' }, `Best results of ${title}`),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Plot'),
          headers.map(([name, unit]) => h('th', { scope: 'col', class: 'num' }, name, unit ? h('span', { class: 'unit' }, ` [${unit}]`) : null)),
          h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')),
        ),
      ),
      h(
        'tbody',
        null,
        rows.length === 0 ? h('tr', null, h('td', { colspan: 13, class: 'muted' }, v.search ? 'No parameter set is that close.' : 'No rows.')) : null,
        rows.map((r) => {
          const checked = v.selected.has(r.rank);
          const cb = h('input', {
            type: 'checkbox',
            checked,
            'aria-label': `Plot rank ${r.rank}`,
            'data-rank': r.rank,
            'data-focus-key': `plot-${r.rank}`,
            onchange: () => toggle(r, cb),
          });
          return h(
            'tr',
            { 'data-rank': r.rank, class: checked ? 'selected' : null },
            h('td', { class: 'plot-cell' }, cb, checked ? h('span', { class: 'swatch', style: `background:${colorOf(r.rank)}` }) : null),
            h('td', { class: 'num', 'data-col': 'rank' }, String(r.rank)),
            h('td', { class: 'num', 'data-col': 'resnorm' }, fmtNum(r.resnorm)),
            h('td', { class: 'num', 'data-col': 'Rsh' }, fmtNum(r.params.Rsh)),
            h('td', { class: 'num', 'data-col': 'Ra' }, fmtNum(r.params.Ra)),
            h('td', { class: 'num', 'data-col': 'Ca' }, fmtNum(r.params.Ca * 1e6)),
            h('td', { class: 'num', 'data-col': 'Rb' }, fmtNum(r.params.Rb)),
            h('td', { class: 'num', 'data-col': 'Cb' }, fmtNum(r.params.Cb * 1e6)),
            h('td', { class: 'num', 'data-col': 'TER' }, fmtNum(r.ter)),
            h('td', { class: 'num', 'data-col': 'TEC' }, fmtNum(r.tec * 1e6)),
            h('td', { class: 'num derived', 'data-col': 'tau_a' }, fmtNum(r.params.Ra * r.params.Ca * 1e3, 4)),
            h('td', { class: 'num derived', 'data-col': 'tau_b' }, fmtNum(r.params.Rb * r.params.Cb * 1e3, 4)),
            h(
              'td',
              null,
              h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-small btn-link',
                  'aria-label': `Tag rank ${r.rank}`,
                  'data-focus-key': `tag-${r.rank}`,
                  onclick: () => startTag(r.rank),
                },
                'Tag',
              ),
            ),
          );
        }),
      ),
    );
    replace(tableWrap, table);
    renderPager(n);
  }

  function renderPager(n: number): void {
    const first = n === 0 ? 0 : v.offset + 1;
    const last = Math.min(v.offset + v.pageSize, n);
    const go = (off: number) => {
      v.offset = Math.max(0, Math.min(off, Math.max(0, n - 1)));
      v.offset -= v.offset % v.pageSize;
      if (v.search) renderTable();
      else void loadPage();
    };
    const sizeSel = h(
      'select',
      {
        id: 'page-size',
        onchange: () => {
          v.pageSize = Number(sizeSel.value);
          go(0);
        },
      },
      [10, 20, 50, 100].map((s) => h('option', { value: s, selected: s === v.pageSize }, String(s))),
    );
    const atStart = v.offset === 0;
    const atEnd = v.offset + v.pageSize >= n;
    replace(
      pager,
      h('button', { type: 'button', class: 'btn btn-small', disabled: atStart, onclick: () => go(0), 'aria-label': 'First page', 'data-focus-key': 'first' }, '« First'),
      h('button', { type: 'button', class: 'btn btn-small', disabled: atStart, onclick: () => go(v.offset - v.pageSize), id: 'page-prev', 'data-focus-key': 'prev' }, '‹ Previous'),
      h('span', { class: 'page-info', id: 'page-info', tabindex: -1, 'aria-live': 'polite' }, `Rows ${fmtInt(first)}–${fmtInt(last)} of ${fmtInt(n)}`),
      h('button', { type: 'button', class: 'btn btn-small', disabled: atEnd, onclick: () => go(v.offset + v.pageSize), id: 'page-next', 'data-focus-key': 'next' }, 'Next ›'),
      h(
        'button',
        { type: 'button', class: 'btn btn-small', disabled: atEnd, onclick: () => go((Math.ceil(n / v.pageSize) - 1) * v.pageSize), 'aria-label': 'Last page', 'data-focus-key': 'last' },
        'Last »',
      ),
      h('label', { for: 'page-size', class: 'page-size-label' }, 'Rows per page'),
      sizeSel,
    );
  }

  function colorOf(rank: number): string {
    const i = [...v.selected.keys()].indexOf(rank);
    return SERIES_COLORS[i % SERIES_COLORS.length];
  }

  function toggle(r: Row, cb: HTMLInputElement): void {
    if (cb.checked) {
      if (v.selected.size >= MAX_SELECTED) {
        cb.checked = false;
        resultsMsg.textContent = `At most ${MAX_SELECTED} rows can be plotted at once; untick one first.`;
        return;
      }
      v.selected.set(r.rank, r);
    } else {
      v.selected.delete(r.rank);
    }
    renderTable();
    void renderPlots();
  }

  let plotToken = 0;
  async function renderPlots(): Promise<void> {
    const my = ++plotToken;
    const sel = [...v.selected.values()];
    const withSpectra = sel.filter((r) => r.rank < v.nSpectra).map((r) => r.rank);
    let freqs: number[] | null = null;
    let refRows: (number | null)[][] | null = null;
    const stored = new Map<number, (number | null)[][]>();
    let note = '';
    if (v.nSpectra > 0) {
      try {
        // Rank 0 when nothing stored is selected: for the frequencies and the reference spectrum.
        const r = await api.spectrum(filename, withSpectra.length > 0 ? withSpectra : [0]);
        freqs = r.data.frequencies;
        refRows = r.data.reference;
        r.data.indices.forEach((rank, i) => stored.set(rank, r.data.spectra[i]));
      } catch (e) {
        note = `Stored spectra not available (${(e as Error).message}); computed from the circuit model instead.`;
      }
    } else {
      note = 'This dataset stores no spectra; the plotted ones are computed from the circuit model.';
    }
    if (my !== plotToken || view !== v) return;
    if (!freqs && dataset && dataset.freq_min && dataset.freq_max && dataset.n_frequencies) {
      freqs = frequencyGrid(dataset.freq_min, dataset.freq_max, dataset.n_frequencies, v.spacing);
    }
    if (!freqs) {
      replace(plotsSection, h('p', { class: 'error-box', role: 'alert' }, 'This dataset has no frequencies to plot.'));
      return;
    }
    if (!refRows && dataset?.reference) refRows = spectrum(dataset.reference, freqs);
    const series: PlotSeries[] = [];
    if (refRows) series.push({ label: 'Reference', color: REFERENCE_COLOR, dash: [6, 4], width: 2.5, rows: refRows });
    let computed = 0;
    sel.forEach((row, i) => {
      let rows = stored.get(row.rank);
      if (!rows) {
        rows = spectrum(row.params, freqs!);
        computed++;
      }
      series.push({ label: `Rank ${row.rank} (${fmtNum(row.resnorm, 5)})`, color: SERIES_COLORS[i % SERIES_COLORS.length], rows });
    });
    if (computed > 0 && !note) note = `${computed} of the plotted rows have no stored spectrum; theirs are computed from the circuit model.`;

    for (const p of v.plots) p.destroy();
    v.plots = [];
    const nyq = h('div', { class: 'plot plot-nyquist', id: 'plot-nyquist', 'data-series': series.length, role: 'img', 'aria-label': `Nyquist plot of ${series.length} spectra` });
    const mag = h('div', { class: 'plot plot-bode-mag', id: 'plot-bode-mag', 'data-series': series.length, role: 'img', 'aria-label': `Bode magnitude plot of ${series.length} spectra` });
    const ph = h('div', { class: 'plot plot-bode-phase', id: 'plot-bode-phase', 'data-series': series.length, role: 'img', 'aria-label': `Bode phase plot of ${series.length} spectra` });
    const legend = h(
      'ul',
      { class: 'legend', id: 'plot-legend', 'aria-label': 'Plotted spectra' },
      series.map((s) =>
        h('li', { class: 'legend-item' }, h('span', { class: `legend-line${s.dash ? ' dashed' : ''}`, style: `border-color:${s.color}` }), s.label),
      ),
    );
    replace(
      plotsSection,
      legend,
      sel.length === 0 ? h('p', { class: 'hint' }, 'No rows selected: tick rows in the table to compare them with the reference.') : null,
      note ? h('p', { class: 'hint' }, note) : null,
      h(
        'div',
        { class: 'plot-grid' },
        h('figure', { class: 'plot-fig' }, h('figcaption', null, 'Nyquist: −Im Z against Re Z (equal axes)'), nyq),
        h(
          'div',
          { class: 'bode' },
          h('figure', { class: 'plot-fig' }, h('figcaption', null, 'Bode: |Z| against frequency'), mag),
          h('figure', { class: 'plot-fig' }, h('figcaption', null, 'Bode: phase against frequency'), ph),
        ),
      ),
    );
    const sizes = () => {
      const grid = plotsSection.querySelector('.plot-grid') as HTMLElement;
      const w = grid.clientWidth;
      const wide = w >= 760;
      const nyqW = wide ? Math.floor(w * 0.46) : w;
      const bodeW = wide ? w - nyqW - 16 : w;
      return { nyqW, bodeW };
    };
    const { nyqW, bodeW } = sizes();
    v.plots.push(nyquistPlot(nyq, series, nyqW, Math.min(nyqW, 420)));
    v.plots.push(bodePlot(mag, 'magnitude', freqs, series, bodeW, 200));
    v.plots.push(bodePlot(ph, 'phase', freqs, series, bodeW, 200));
    resizeObs?.disconnect();
    let lastW = plotsSection.clientWidth;
    resizeObs = new ResizeObserver(() => {
      if (plotsSection.clientWidth === lastW) return;
      lastW = plotsSection.clientWidth;
      const s = sizes();
      v.plots[0]?.resize(s.nyqW);
      v.plots[1]?.resize(s.bodeW);
      v.plots[2]?.resize(s.bodeW);
    });
    resizeObs.observe(plotsSection);
  }

  // Tags
  const tagRank = h('input', { type: 'number', id: 'tag-rank', name: 'rank', min: 0, step: 1, value: 0, 'aria-describedby': 'tag-rank-error' });
  const tagLabel = h('input', { type: 'text', id: 'tag-label', name: 'label', maxlength: 200, required: true, 'aria-describedby': 'tag-label-error' });
  const tagCategory = h('input', { type: 'text', id: 'tag-category', name: 'category', maxlength: 100, list: 'tag-categories' });
  const tagNotes = h('textarea', { id: 'tag-notes', name: 'notes', rows: 2, maxlength: 2000 });
  const tagMsg = h('p', { class: 'form-msg', id: 'tag-msg', role: 'alert' });
  const tagList = h('div', { id: 'tag-list' });
  const rankErr = h('span', { class: 'field-error', id: 'tag-rank-error' });
  const labelErr = h('span', { class: 'field-error', id: 'tag-label-error' });

  function startTag(rank: number): void {
    tagRank.value = String(rank);
    tagLabel.focus();
    tagLabel.scrollIntoView({ block: 'center' });
  }

  const tagForm = h(
    'form',
    {
      class: 'tag-form',
      id: 'tag-form',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        rankErr.textContent = '';
        labelErr.textContent = '';
        tagMsg.textContent = '';
        tagMsg.className = 'form-msg';
        const rank = parseInteger(tagRank.value);
        let bad = false;
        if (rank == null || rank >= v.nTotal) {
          rankErr.textContent = `Rank must be a whole number from 0 to ${Math.max(0, v.nTotal - 1)}.`;
          bad = true;
        }
        if (!tagLabel.value.trim()) {
          labelErr.textContent = 'Give the tag a label.';
          bad = true;
        }
        if (bad) return;
        if (!getKey()) {
          tagMsg.className = 'form-msg error';
          tagMsg.textContent = 'Sign in with an API key to tag rows.';
          return;
        }
        try {
          await api.addTag({
            filename,
            rank: rank!,
            label: tagLabel.value.trim(),
            category: tagCategory.value.trim() || undefined,
            notes: tagNotes.value.trim() || undefined,
          });
          tagMsg.className = 'form-msg ok';
          tagMsg.textContent = `Tagged rank ${rank}.`;
          tagLabel.value = '';
          tagNotes.value = '';
          await loadTags();
        } catch (e) {
          tagMsg.className = 'form-msg error';
          tagMsg.textContent = (e as Error).message;
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'tag-rank' }, 'Rank'), tagRank, rankErr),
    h('div', { class: 'field' }, h('label', { for: 'tag-label' }, 'Label'), tagLabel, labelErr),
    h('div', { class: 'field' }, h('label', { for: 'tag-category' }, 'Category'), tagCategory),
    h(
      'datalist',
      { id: 'tag-categories' },
      ['candidate', 'good fit', 'poor fit', 'physiological', 'unphysiological', 'reference'].map((c) => h('option', { value: c })),
    ),
    h('div', { class: 'field field-wide' }, h('label', { for: 'tag-notes' }, 'Notes'), tagNotes),
    h('div', { class: 'field field-submit' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add tag')),
    tagMsg,
  );

  async function loadTags(): Promise<void> {
    try {
      const r = await api.tags(filename);
      if (view !== v) return;
      renderTags(r.tags ?? []);
    } catch (e) {
      replace(tagList, h('p', { class: 'error-box', role: 'alert' }, `Cannot load the tags: ${(e as Error).message}`));
    }
  }

  function renderTags(tags: Tag[]): void {
    if (tags.length === 0) {
      replace(tagList, h('p', { class: 'muted' }, 'No tags on this dataset yet.'));
      return;
    }
    replace(
      tagList,
      h(
        'table',
        { class: 'tag-table', id: 'tag-table' },
        h('caption', { class: 'sr-only' }, 'Tags on this dataset'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Rank', 'Label', 'Category', 'Notes', 'Resnorm', 'TER [Ω]', 'TEC [µF]', 'Created', ''].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          null,
          tags.map((t) => {
            const p = t.parameters;
            return h(
              'tr',
              { 'data-tag-id': String(t.id) },
              h('td', { class: 'num' }, String(t.rank)),
              h('td', null, t.label, t.is_reference ? h('span', { class: 'badge badge-public' }, 'Reference') : null),
              h('td', null, t.category ?? ''),
              h('td', { class: 'notes' }, t.notes ?? ''),
              h('td', { class: 'num' }, fmtNum(t.resnorm)),
              h('td', { class: 'num' }, p ? fmtNum(ter(p)) : '—'),
              h('td', { class: 'num' }, p ? fmtNum(tec(p) * 1e6) : '—'),
              h('td', null, fmtDate(t.created_at)),
              h(
                'td',
                { class: 'tag-actions' },
                p
                  ? h(
                      'button',
                      {
                        type: 'button',
                        class: 'btn btn-small btn-link',
                        'aria-label': `Plot tagged rank ${t.rank}`,
                        onclick: () => {
                          if (v.selected.has(t.rank) || v.selected.size >= MAX_SELECTED) return;
                          v.selected.set(t.rank, rowFrom(t.rank, [p.Rsh, p.Ra, p.Ca, p.Rb, p.Cb], t.resnorm));
                          renderTable();
                          void renderPlots();
                        },
                      },
                      'Plot',
                    )
                  : null,
                t.mine
                  ? h(
                      'button',
                      {
                        type: 'button',
                        class: 'btn btn-small btn-link danger',
                        'aria-label': `Delete tag ${t.label}`,
                        onclick: async () => {
                          try {
                            await api.deleteTag(t.id);
                            await loadTags();
                          } catch (e) {
                            tagMsg.className = 'form-msg error';
                            tagMsg.textContent =
                              e instanceof ApiError && (e.status === 403 || e.status === 404) ? 'You can delete only your own tags.' : (e as Error).message;
                          }
                        },
                      },
                      'Delete',
                    )
                  : null,
              ),
            );
          }),
        ),
      ),
    );
  }

  replace(
    tagsSection,
    getKey() ? null : h('p', { class: 'hint' }, 'Anyone can read tags on public datasets; sign in to add your own.'),
    tagForm,
    tagList,
  );

  // Start: metadata (for frequency spacing and n_spectra), the first page with the best row selected, tags.
  void (async () => {
    try {
      const info = await api.load(filename);
      if (view !== v) return;
      if (info.dataset_info?.n_spectra != null) v.nSpectra = info.dataset_info.n_spectra;
      if (info.metadata?.frequency_spacing === 'linear') v.spacing = 'linear';
    } catch {
      /* best-results below reports errors */
    }
    await loadPage();
    if (view !== v) return;
    if (v.rows.length > 0) v.selected.set(v.rows[0].rank, v.rows[0]);
    renderTable();
    await renderPlots();
  })();
  void loadTags();
}

function summary(d: Dataset): HTMLElement {
  const ref = d.reference;
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
      f('Grid', d.grid_size != null ? `${d.grid_size} per axis (${fmtInt(d.grid_size ** 5)} points)` : '—'),
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
      : null,
    d.description ? h('p', { class: 'description' }, d.description) : null,
  );
}

function f(label: string, value: string | Node) {
  return h('div', null, h('dt', null, label), h('dd', null, value));
}


