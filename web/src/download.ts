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
export function csvButton(table: HTMLTableElement, filename: string, id: string): HTMLElement {
  return h(
    'button',
    { type: 'button', class: 'btn btn-small', id, onclick: () => saveBlob(new Blob([UTF8_BOM + tableToCsv(table)], { type: 'text/csv;charset=utf-8' }), filename) },
    'Download table as CSV',
  );
}
