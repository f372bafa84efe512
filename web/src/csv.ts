// Tables as CSV (RFC 4180): a cell with a comma, a quote or a line break is quoted, quotes doubled.
// A text cell that a spreadsheet would run as a formula (it starts with = + - @, a tab or a
// carriage return) gets a leading ' unless the whole cell is a number, as OWASP advises: a sample
// named "=1+1" is the caller's text, not a formula. The CLI and the API follow the same rule
// (src/base/csv.hpp). Pure; unit-tested.

export type Cell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
// A decimal number and nothing else ("-1.5e3"), which a spreadsheet reads as that number.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function cell(v: Cell): string {
  if (v == null || (typeof v === 'number' && !Number.isFinite(v))) return '';
  let s = typeof v === 'number' ? String(v) : v;
  if (FORMULA_START.test(s) && !DECIMAL.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** What the page shows for a missing value; a spreadsheet wants an empty cell. */
const MISSING = '—';

/**
 * The byte-order mark that makes spreadsheets read a CSV as UTF-8, so that Ω and µ in its
 * headers show as themselves.
 */
export const UTF8_BOM = '\uFEFF';

/**
 * An HTML table's header and body as CSV: what the reader sees, one line per row, except that a
 * cell's data-value (a number at full precision) is written instead of its rounded text and a
 * missing value is an empty cell. Cells marked data-no-csv (tick boxes, buttons) are left out; a
 * header cell's data-title, when set, is its name.
 */
export function tableToCsv(table: HTMLTableElement): string {
  const text = (el: Element) => {
    const e = el as HTMLElement;
    const shown = (e.dataset.title ?? e.dataset.value ?? el.textContent ?? '').trim();
    return shown === MISSING ? '' : shown;
  };
  const kept = (cells: NodeListOf<Element>) => [...cells].filter((c) => !c.hasAttribute('data-no-csv'));
  const header = kept(table.querySelectorAll('thead th')).map(text);
  const rows = [...table.querySelectorAll('tbody tr')].map((tr) => kept(tr.querySelectorAll('td')).map(text));
  return toCsv(header, rows);
}
