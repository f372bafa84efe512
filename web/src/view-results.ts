// The best-results part of the dataset view: search by resnorm, the paged table with TER and TEC,
// the pager, and the tick boxes that choose rows for the plots.

import { api } from './api';
import { h, replace, scrollRegion } from './dom';
import { fmtInt, fmtNum } from './format';
import { STALE } from './latest';
import { pageOffset, pageWindow } from './paging';
import { rowFrom, type Row } from './selection';
import { csvButton } from './download';
import { parseNumber } from './validate';
import { PARAM_NAMES, PARAM_UNITS } from './circuit';
import { shownUnit, shownValue } from './units';
import type { ViewContext } from './view-context';

const PAGE_SIZES = [10, 20, 50, 100];
const RC_NAMES = 'Rsh,Ra,Ca,Rb,Cb';

export interface ResultsPart {
  element: HTMLElement;
  /** Loads the first page; resolves to its rows. */
  start(): Promise<Row[]>;
  render(): void;
  /** Put a rank into the tag form (set by the tags part). */
  onTag: (rank: number) => void;
  /** The number of ranked rows. */
  total(): number;
}

export function resultsPart(ctx: ViewContext): ResultsPart {
  const { filename, dataset } = ctx;
  const pages = ctx.latest.child();
  const searches = ctx.latest.child();
  let nTotal = dataset.n_parameters ?? 0;
  let offset = 0;
  let pageSize = PAGE_SIZES[0];
  let rows: Row[] = [];
  // Whether the rows carry Rs (the run swept it): the table gets an Rs column.
  let withRs = false;
  // Another model's parameter names and units (param_names), and each shown row's values in that
  // order; null for rc, whose table has its own columns (capacitances in µF, time constants).
  let model: { names: string[]; units: string[] } | null = null;
  const values = new Map<number, (number | null)[]>();
  const keepModel = (names: string[] | undefined, units: string[] | undefined) => {
    model = names && names.join() !== RC_NAMES ? { names, units: units ?? [] } : null;
  };
  let search: { maxResnorm: number; rows: Row[]; count: number; totalSearched: number } | null = null;

  const tableWrap = scrollRegion('Best results', null, { id: 'results-table-wrap' });
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
  const csvSlot = h('div', { class: 'table-actions' });

  const part: ResultsPart = {
    element: h('div'),
    start,
    render: renderTable,
    onTag: () => {},
    total: () => nTotal,
  };

  async function runSearch(ev: Event): Promise<void> {
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
      const limits = await ctx.limits;
      const r = await searches.take(api.search(filename, max, limits.searchLimit));
      if (r === STALE) return;
      const d = r.data;
      const withModel = d as typeof d & { param_names?: string[]; ter?: (number | null)[]; tec?: (number | null)[] };
      keepModel(withModel.param_names, model?.units);
      d.indices.forEach((rank, i) => values.set(rank, d.parameters[i]));
      search = {
        maxResnorm: max,
        count: d.count,
        totalSearched: d.total_searched,
        // TER and TEC from the server: the model's own (older servers send none; rc's then).
        rows: d.indices.map((rank, i) => rowFrom(rank, d.parameters[i], d.resnorms[i], withModel.ter?.[i], withModel.tec?.[i])),
      };
      offset = 0;
      clearBtn.disabled = false;
      renderTable();
    } catch (e) {
      searchErr.textContent = (e as Error).message;
    }
  }

  clearBtn.addEventListener('click', () => {
    search = null;
    offset = 0;
    clearBtn.disabled = true;
    searchInput.value = '';
    searchErr.textContent = '';
    void loadPage();
  });

  part.element = h(
    'div',
    null,
    h(
      'form',
      { class: 'search-form', id: 'search-form', onsubmit: runSearch },
      h('label', { for: 'search-max' }, 'Maximum resnorm'),
      searchInput,
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Search'),
      clearBtn,
      searchErr,
    ),
    resultsMsg,
    csvSlot,
    tableWrap,
    pager,
  );

  async function start(): Promise<Row[]> {
    await loadPage();
    return rows;
  }

  async function loadPage(): Promise<void> {
    resultsMsg.textContent = 'Loading…';
    try {
      const r = await pages.take(api.best(filename, pageSize, offset));
      if (r === STALE) return;
      const d = r.data;
      nTotal = d.n_total;
      const base = d.offset ?? offset;
      withRs = Array.isArray(d.series_resistance);
      keepModel(d.param_names, d.param_units);
      d.parameters.forEach((p, i) => values.set(base + i, p));
      rows = d.parameters.map((p, i) => rowFrom(base + i, p, d.resnorms[i], d.ter?.[i], d.tec?.[i], withRs ? d.series_resistance?.[i] ?? null : undefined));
      renderTable();
    } catch (e) {
      resultsMsg.textContent = '';
      replace(tableWrap, h('p', { class: 'error-box', role: 'alert' }, `Cannot load the best results: ${(e as Error).message}`));
    }
  }

  const shownRows = (): Row[] => (search ? search.rows.slice(offset, offset + pageSize) : rows);
  const shownTotal = (): number => (search ? search.rows.length : nTotal);

  function renderTable(): void {
    // Re-rendering replaces the controls: keep the keyboard focus on the same control.
    const active = document.activeElement as HTMLElement | null;
    const focusKey = active && (tableWrap.contains(active) || pager.contains(active)) ? (active.dataset.focusKey ?? null) : null;
    if (search) {
      const s = search;
      resultsMsg.textContent = `${fmtInt(s.count)} of ${fmtInt(s.totalSearched)} parameter sets have a resnorm ≤ ${fmtNum(s.maxResnorm)}${
        s.count > s.rows.length ? ` (showing the best ${fmtInt(s.rows.length)})` : ''
      }.`;
    } else {
      resultsMsg.textContent = '';
    }
    const t = table(shownRows());
    replace(tableWrap, t);
    replace(csvSlot, csvButton(t, `${filename.replace(/\.npz$/, '')}.rows_${offset + 1}-${offset + pageSize}.csv`, 'results-csv'));
    renderPager(shownTotal());
    if (focusKey) {
      const again = part.element.querySelector(`[data-focus-key="${focusKey}"]`) as HTMLButtonElement | null;
      if (again && !again.disabled) again.focus();
      else (part.element.querySelector('#page-info') as HTMLElement | null)?.focus();
    }
  }

  function table(shown: Row[]): HTMLTableElement {
    const empty = search ? 'No parameter set is that close.' : 'This dataset holds no ranked rows.';
    return h(
      'table',
      { class: 'results', id: 'results-table' },
      h('caption', { class: 'sr-only' }, `Best results of ${ctx.title}`),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col', 'data-no-csv': true }, 'Plot'),
          model ? modelHeads(dataset.metric, withRs, model.names, model.units) : resultHeads(dataset.metric, withRs),
          h('th', { scope: 'col', 'data-no-csv': true }, h('span', { class: 'sr-only' }, 'Actions')),
        ),
      ),
      h(
        'tbody',
        null,
        shown.length === 0
          ? h('tr', null, h('td', { colspan: (model ? model.names.length + 6 : 13) + (withRs ? 1 : 0), class: 'muted' }, empty))
          : null,
        shown.map(rowElement),
      ),
    );
  }

  function rowElement(r: Row): HTMLElement {
    const checked = ctx.selection.has(r.rank);
    const color = ctx.selection.colorOf(r.rank);
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
      h('td', { class: 'plot-cell', 'data-no-csv': true }, cb, color ? h('span', { class: 'swatch', style: `background:${color}` }) : null),
      model ? modelCells(r, withRs, values.get(r.rank) ?? [], model.names, model.units) : resultCells(r, withRs),
      h(
        'td',
        { 'data-no-csv': true },
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-small btn-link',
            'aria-label': `Tag rank ${r.rank}`,
            'data-focus-key': `tag-${r.rank}`,
            onclick: () => part.onTag(r.rank),
          },
          'Tag',
        ),
      ),
    );
  }

  function toggle(r: Row, cb: HTMLInputElement): void {
    if (cb.checked && !ctx.selection.add(r)) {
      cb.checked = false;
      resultsMsg.textContent = `At most ${ctx.selection.max} rows can be plotted at once; untick one first.`;
      return;
    }
    if (!cb.checked) ctx.selection.remove(r.rank);
    ctx.selectionChanged();
  }

  function renderPager(n: number): void {
    const w = pageWindow(offset, pageSize, n);
    const go = (requested: number) => {
      offset = pageOffset(requested, pageSize, n);
      if (search) renderTable();
      else void loadPage();
    };
    const sizeSel = h(
      'select',
      {
        id: 'page-size',
        onchange: () => {
          pageSize = Number(sizeSel.value);
          go(0);
        },
      },
      PAGE_SIZES.map((s) => h('option', { value: s, selected: s === pageSize }, String(s))),
    );
    const btn = (label: string, to: number, disabled: boolean, attrs: Record<string, unknown>) =>
      h('button', { type: 'button', class: 'btn btn-small', disabled, onclick: () => go(to), ...attrs }, label);
    replace(
      pager,
      btn('« First', 0, w.atStart, { 'aria-label': 'First page', 'data-focus-key': 'first' }),
      btn('‹ Previous', offset - pageSize, w.atStart, { id: 'page-prev', 'data-focus-key': 'prev' }),
      h('span', { class: 'page-info', id: 'page-info', tabindex: -1, 'aria-live': 'polite' }, `Rows ${fmtInt(w.first)}–${fmtInt(w.last)} of ${fmtInt(n)}`),
      btn('Next ›', offset + pageSize, w.atEnd, { id: 'page-next', 'data-focus-key': 'next' }),
      btn('Last »', w.lastOffset, w.atEnd, { 'aria-label': 'Last page', 'data-focus-key': 'last' }),
      h('label', { for: 'page-size', class: 'page-size-label' }, 'Rows per page'),
      sizeSel,
    );
  }

  return part;
}

/** A header's name and its unit as shown (empty for none). */
type Head = [string, string];

const headCells = (heads: Head[]): HTMLElement[] =>
  heads.map(([name, unit]) => h('th', { scope: 'col', class: 'num' }, name, unit ? h('span', { class: 'unit' }, ` [${unit}]`) : null));

/** Rank, resnorm (with the metric) and Rs when the run swept it (a measured reference): the columns every model's rows start with. */
const leadHeads = (metric: string | null, withRs: boolean): Head[] => [['Rank', ''], ['Resnorm', metric ?? ''], ...(withRs ? ([['Rs', shownUnit('ohm').text]] as Head[]) : [])];

/**
 * The header cells of a ranked row: rank, resnorm (with the metric), Rs when the run swept it (a
 * measured reference), parameters, TER, TEC, τ.
 */
export function resultHeads(metric: string | null, withRs = false): HTMLElement[] {
  return headCells([
    ...leadHeads(metric, withRs),
    ...PARAM_NAMES.map((n): Head => [n, shownUnit(PARAM_UNITS[n]).text]),
    ['TER', shownUnit('ohm').text],
    ['TEC', shownUnit('farad').text],
    ['τa', 'ms'],
    ['τb', 'ms'],
  ]);
}

/** The cells of a ranked row, in the order of resultHeads, each named by data-col. */
export function resultCells(r: Row, withRs = false): HTMLElement[] {
  const cell = (col: string, text: string, cls = 'num') => h('td', { class: cls, 'data-col': col }, text);
  return [
    cell('rank', String(r.rank)),
    cell('resnorm', fmtNum(r.resnorm)),
    ...(withRs ? [cell('Rs', r.rs == null ? '—' : fmtNum(r.rs))] : []),
    ...PARAM_NAMES.map((n) => cell(n, fmtNum(shownValue(r.params[n], PARAM_UNITS[n])))),
    cell('TER', fmtNum(r.ter)),
    cell('TEC', fmtNum(shownValue(r.tec, 'farad'))),
    cell('tau_a', fmtNum(r.params.Ra * r.params.Ca * 1e3, 4), 'num derived'),
    cell('tau_b', fmtNum(r.params.Rb * r.params.Cb * 1e3, 4), 'num derived'),
  ];
}

/** The names and shown units of a model's parameters (param_names, param_units) as the dataset view heads their columns. */
export function modelParameterHeads(names: string[], units: string[]): Head[] {
  return names.map((n, k): Head => [n, units[k] == null ? '' : shownUnit(units[k]).text]);
}

/** The header cells of a row of a model other than rc: its parameters by name and unit (param_names), then TER and TEC. */
export function modelHeads(metric: string | null, withRs: boolean, names: string[], units: string[]): HTMLElement[] {
  return headCells([...leadHeads(metric, withRs), ...modelParameterHeads(names, units), ['TER', shownUnit('ohm').text], ['TEC', shownUnit('farad').text]]);
}

/** The cells of such a row, in the order of modelHeads, each named by data-col; each value in its column's shown unit. */
export function modelCells(r: Row, withRs: boolean, values: (number | null)[], names: string[], units: string[]): HTMLElement[] {
  const cell = (col: string, text: string) => h('td', { class: 'num', 'data-col': col }, text);
  return [
    cell('rank', String(r.rank)),
    cell('resnorm', fmtNum(r.resnorm)),
    ...(withRs ? [cell('Rs', r.rs == null ? '—' : fmtNum(r.rs))] : []),
    ...names.map((n, k) => cell(n, fmtNum(units[k] == null ? (values[k] ?? null) : shownValue(values[k], units[k])))),
    cell('TER', fmtNum(r.ter)),
    cell('TEC', fmtNum(shownValue(r.tec, 'farad'))),
  ];
}
