// Downloads made in the page: a table as CSV, a file the server makes (fetched with the key).

import { authHeaders } from './api';
import { tableToCsv, UTF8_BOM } from './csv';
import { h } from './dom';

/** A file the server makes (CSV of fits), fetched with the key and handed to the browser as a download. */
export async function downloadFromServer(url: string, filename: string): Promise<void> {
  const res = await fetch(url, { headers: authHeaders() });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  saveBlob(await res.blob(), filename);
}

/** Hands a blob to the browser as a download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The browser has the blob once the click is handled; a minute is ample.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A button that downloads what a table shows as CSV. */
export function csvButton(table: HTMLTableElement, filename: string, id: string, label = 'Download table as CSV', extra: Record<string, string> = {}): HTMLElement {
  return h(
    'button',
    { type: 'button', class: 'btn btn-small', id, ...extra, onclick: () => saveBlob(new Blob([UTF8_BOM + tableToCsv(table)], { type: 'text/csv;charset=utf-8' }), filename) },
    label,
  );
}

/**
 * The two CSVs of a table of fits, each button saying what its file holds and a line below saying
 * how they differ (issue 18, item 7): the server's has every fitted value with its standard error,
 * as `eisgrid fit --summary` writes it; the table's has the columns shown (`tableHolds`).
 */
export function fitsCsvActions(serverUrl: string, table: HTMLTableElement, baseName: string, tableId: string, tableHolds: string): HTMLElement {
  const hint = `${tableId}-hint`;
  const server = h(
    'button',
    { type: 'button', class: 'btn btn-small', id: 'fits-csv', 'aria-describedby': hint, onclick: () => void downloadFromServer(serverUrl, `${baseName}.fits.csv`) },
    'CSV of the fits with standard errors',
  );
  // The line goes below the buttons, not beside them: in the flex row it stretched them tall.
  return h(
    'div',
    null,
    h('div', { class: 'table-actions' }, server, csvButton(table, `${baseName}.table.csv`, tableId, 'CSV of this table', { 'aria-describedby': hint })),
    h(
      'p',
      { class: 'hint', id: hint },
      `With standard errors: per file and sweep, Rs, TER, TEC, τ1 and τ2 (and per area) each with its error, the parameters, the Rsh interval, status and reasons, in SI units (F, s) as eisgrid fit --summary writes them; no insert or day. This table: ${tableHolds}.`,
    ),
  );
}
