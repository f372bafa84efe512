// Tables as CSV (RFC 4180): a cell with a comma, a quote or a line break is quoted, quotes doubled.
// Pure; unit-tested.

export type Cell = string | number | null | undefined;

function cell(v: Cell): string {
  if (v == null || (typeof v === 'number' && !Number.isFinite(v))) return '';
  const s = typeof v === 'number' ? String(v) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/**
 * An HTML table's header and body as CSV: what the reader sees, one line per row. Cells marked
 * data-no-csv (tick boxes, buttons) are left out; a header cell's data-title, when set, is its name.
 */
export function tableToCsv(table: HTMLTableElement): string {
  const text = (el: Element) => ((el as HTMLElement).dataset.title ?? el.textContent ?? '').trim();
  const kept = (cells: NodeListOf<Element>) => [...cells].filter((c) => !c.hasAttribute('data-no-csv'));
  const header = kept(table.querySelectorAll('thead th')).map(text);
  const rows = [...table.querySelectorAll('tbody tr')].map((tr) => kept(tr.querySelectorAll('td')).map(text));
  return toCsv(header, rows);
}
