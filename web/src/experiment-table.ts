// The experiment's table of fits: one row per sweep in the chosen model's columns, sortable, with
// a box per row that picks it for the comparison, and its CSV (the server's and the table's own).

import type { Fit, Measurement, ModelInfo } from './api-measured';
import { measuredApi } from './api-measured';
import { fitsCsvActions } from './download';
import { h, replace, scrollRegion } from './dom';
import { columnDecimals, fmtDate, fmtFitStatus, fmtFixed } from './format';
import { sortRows } from './measured-math';
import { parametersOf } from './models';
import { parameterTitle, shownValue } from './units';

/** A fit of one sweep with its measurement: a row of the table. */
export interface Row {
  fit: Fit;
  m: Measurement;
}

interface Column {
  title: string;
  key: (r: Row) => number | string | null;
  /** The cell's text; a column with `sig` instead writes its numbers with one precision (below). */
  cell?: (r: Row) => string;
  /** Significant digits of the column's largest value; every value gets the same decimals. */
  sig?: number;
  num?: boolean;
  /** A fitted value: left empty for a sweep whose data are invalid, where it means nothing. */
  fitted?: boolean;
  /** The number at full precision in the column's unit, for the CSV and the shown cell, when `key` is in another unit. */
  value?: (r: Row) => number | null;
  /** The cell's class besides `num`: `nowrap` keeps a date on one line, `file` lets a long name break. */
  cls?: string;
}

/** An insert is named by the measurement's sample, else by its file. */
export const insertOf = (m: Measurement) => m.sample ?? m.file_name;

const FIRST_COLUMNS: Column[] = [
  { title: 'File', key: (r) => r.m.file_name, cell: (r) => r.m.file_name, cls: 'file' },
  { title: 'Insert', key: (r) => insertOf(r.m), cell: (r) => insertOf(r.m) },
  { title: 'Day', key: (r) => r.m.day, cell: (r) => (r.m.day != null ? String(r.m.day) : ''), num: true },
  { title: 'Sweep', key: (r) => r.fit.sweep, cell: (r) => String(r.fit.sweep), num: true },
  { title: 'Start', key: (r) => r.fit.start_time, cell: (r) => fmtDate(r.fit.start_time), cls: 'nowrap' },
  { title: 'Status', key: (r) => r.fit.status, cell: (r) => fmtFitStatus(r.fit.status) },
  { title: 'TER [Ω]', fitted: true, key: (r) => r.fit.ter, sig: 5, num: true },
  { title: 'TEC [µF]', fitted: true, key: (r) => r.fit.tec, value: (r) => (r.fit.tec == null ? null : r.fit.tec * 1e6), sig: 5, num: true },
  { title: 'TER·A [Ω·cm²]', fitted: true, key: (r) => r.fit.ter_ohm_cm2, sig: 5, num: true },
  { title: 'TEC/A [µF/cm²]', fitted: true, key: (r) => r.fit.tec_uf_per_cm2, sig: 5, num: true },
];
const LAST_COLUMNS: Column[] = [
  { title: 'Resnorm', fitted: true, key: (r) => r.fit.resnorm, sig: 4, num: true },
  { title: 'At the edge of its range', key: (r) => r.fit.at_edge.join(', '), cell: (r) => r.fit.at_edge.join(', '), cls: 'edge' },
];

/** The table's columns for a model: the fit's quantities, then its parameters as GET /api/models names them. */
function columnsFor(info: ModelInfo | undefined, rows: Row[]): Column[] {
  const params = parametersOf(
    info,
    rows.map((r) => r.fit),
  ).map((p): Column => {
    const pick = (r: Row) => r.fit.params[p.name] ?? null;
    return { title: parameterTitle(p), fitted: true, key: pick, value: (r) => shownValue(pick(r), p.unit), sig: 5, num: true };
  });
  return [...FIRST_COLUMNS, ...params, ...LAST_COLUMNS];
}

/** A column's number for a row, in the column's unit. */
const numberOf = (c: Column, r: Row): number | null => {
  const v = (c.value ?? c.key)(r);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

export interface TablePart {
  element: HTMLElement;
  /** The rows, as fitted with `model` (described by `info`: the columns of its parameters). */
  show(rows: Row[], model: string, info: ModelInfo | undefined): void;
  /** Draws the table again (after a rename: its caption and CSV name the experiment). */
  render(): void;
  /** The rows ticked for the comparison. */
  chosen(): Row[];
}

/** The table of experiment `id`; `experimentName` is read at each drawing, `chosenChanged` told when a box is ticked. */
export function tablePart(id: number, experimentName: () => string, chosenChanged: () => void): TablePart {
  const element = h('div', { id: 'experiment-fits' });
  let rows: Row[] = [];
  let columns: Column[] = [];
  let model = 'rc';
  let sort: { col: number; dir: 1 | -1 } = { col: 1, dir: 1 };
  const chosen = new Set<string>();
  const keyOf = (r: Row) => `${r.fit.measurement}:${r.fit.sweep}`;

  function render(): void {
    if (rows.length === 0) {
      replace(element, h('p', { class: 'muted' }, 'Not fitted yet.'));
      return;
    }
    const col = columns[sort.col];
    const sorted = sortRows(rows, col.key, sort.dir);
    // One precision per column, set by the values shown (an invalid sweep's are not).
    const shown = rows.filter((r) => r.fit.status !== 'invalid_data');
    const decimals = columns.map((c) => (c.sig != null ? columnDecimals(shown.map((r) => numberOf(c, r)), c.sig) : 0));
    const table = h(
      'table',
      { class: 'results', id: 'experiment-table' },
      h('caption', { class: 'sr-only' }, `Fits of ${experimentName()}, sorted by ${col.title}`),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col', 'data-no-csv': true }, 'Compare'),
          columns.map((c, i) =>
            h(
              'th',
              {
                scope: 'col',
                class: c.num ? 'num' : null,
                'data-title': c.title,
                'aria-sort': i === sort.col ? (sort.dir === 1 ? 'ascending' : 'descending') : null,
              },
              h(
                'button',
                {
                  type: 'button',
                  class: 'sort-btn',
                  'data-sort': i,
                  onclick: () => {
                    sort = { col: i, dir: i === sort.col ? (-sort.dir as 1 | -1) : 1 };
                    render();
                    (element.querySelector(`[data-sort="${i}"]`) as HTMLElement | null)?.focus();
                  },
                },
                c.title,
                i === sort.col ? (sort.dir === 1 ? ' ▲' : ' ▼') : '',
              ),
            ),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        sorted.map((r) => {
          const cb = h('input', {
            type: 'checkbox',
            checked: chosen.has(keyOf(r)),
            'aria-label': `Compare ${r.m.file_name} sweep ${r.fit.sweep}`,
            onchange: () => {
              if (cb.checked) chosen.add(keyOf(r));
              else chosen.delete(keyOf(r));
              chosenChanged();
            },
          });
          return h(
            'tr',
            { 'data-measurement': r.fit.measurement, 'data-sweep': r.fit.sweep, 'data-status': r.fit.status },
            h('td', { 'data-no-csv': true }, cb),
            columns.map((c, i) => {
              // The CSV takes a number at full precision, the table shows it rounded.
              const cls = [c.num ? 'num' : '', c.cls ?? ''].join(' ').trim() || null;
              if (c.fitted && r.fit.status === 'invalid_data') return h('td', { class: cls, title: 'Invalid data: no fitted value means anything' }, '—');
              const value = c.num ? numberOf(c, r) : null;
              const text = c.sig != null ? fmtFixed(value, decimals[i]) : (c.cell?.(r) ?? '');
              // A parameter at the edge of its range is marked (issue 18, item 12).
              const shownText = c.cls === 'edge' && text ? h('mark', { class: 'at-edge' }, text) : text;
              return h('td', { class: cls, 'data-value': value == null ? null : String(value) }, shownText);
            }),
          );
        }),
      ),
    );
    const csv = fitsCsvActions(
      measuredApi.fitsCsvUrl('experiments', id, model),
      table,
      experimentName(),
      'experiment-table-csv',
      `file, insert, day, start and status with TER, TEC, per area, the parameters of ${model} in the units of their headers and the resnorm at full precision, without errors`,
    );
    replace(element, csv, scrollRegion(`Fits of ${experimentName()}`, table));
  }


  return {
    element,
    show: (shown, m, info) => {
      rows = shown;
      model = m;
      columns = columnsFor(info, rows);
      if (sort.col >= columns.length) sort = { col: 1, dir: 1 };
      render();
    },
    render,
    chosen: () => rows.filter((r) => chosen.has(keyOf(r))),
  };
}
