// Filtering, sorting, badges and counts of the dataset list. Pure; unit-tested.

import type { Dataset } from './api';
import { fmtInt, fmtOhm } from './format';

export const SORTS: { value: string; label: string }[] = [
  { value: 'newest', label: 'Newest first' },
  { value: 'oldest', label: 'Oldest first' },
  { value: 'name', label: 'Name (A–Z)' },
  { value: 'size', label: 'Size (largest first)' },
  { value: 'grid', label: 'Grid size (largest first)' },
  { value: 'resnorm', label: 'Best resnorm (lowest first)' },
];

export function displayName(d: Dataset): string {
  return d.name && d.name.trim() ? d.name : d.filename;
}

function time(d: Dataset): number {
  const t = Date.parse(d.created_at ?? d.modified ?? '');
  return Number.isNaN(t) ? 0 : t;
}

function nullsLast(a: number | null | undefined, b: number | null | undefined, dir: 1 | -1): number {
  const an = a == null || !Number.isFinite(a);
  const bn = b == null || !Number.isFinite(b);
  if (an && bn) return 0;
  if (an) return 1;
  if (bn) return -1;
  return dir * ((a as number) - (b as number));
}

export function filterAndSort(list: Dataset[], filter: string, sort: string): Dataset[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const out = list.filter((d) => {
    if (words.length === 0) return true;
    const hay = [d.filename, d.name, d.owner, d.description, d.metric, d.type, d.short_hash, badges(d, null).join(' ')]
      .filter(Boolean)
      .join(' ')
      .toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const cmpName = (a: Dataset, b: Dataset) => displayName(a).localeCompare(displayName(b)) || a.filename.localeCompare(b.filename);
  const cmp: Record<string, (a: Dataset, b: Dataset) => number> = {
    newest: (a, b) => time(b) - time(a),
    oldest: (a, b) => time(a) - time(b),
    name: cmpName,
    size: (a, b) => nullsLast(a.size_bytes, b.size_bytes, -1),
    grid: (a, b) => nullsLast(a.grid_size, b.grid_size, -1),
    resnorm: (a, b) => nullsLast(a.best_resnorm, b.best_resnorm, 1),
  };
  const f = cmp[sort] ?? cmp.newest;
  // Stable: ties keep the server's order (newest first).
  return out
    .map((d, i) => ({ d, i }))
    .sort((a, b) => f(a.d, b.d) || a.i - b.i)
    .map((x) => x.d);
}

/** Badges: Pre-computed; Yours or Public (or Private, for an own dataset others cannot see); Available or Missing. */
export function badges(d: Dataset, user: string | null): string[] {
  const out: string[] = [];
  if (d.type === 'precomputed' || d.directory === 'precomputed') out.push('Pre-computed');
  if (user != null && d.owner === user) out.push('Yours');
  if (d.is_public) out.push('Public');
  out.push(d.is_available ? 'Available' : 'Missing');
  return out;
}

export interface Overview {
  total: number;
  precomputed: number;
  yours: number;
  public: number;
  available: number;
  missing: number;
  totalBytes: number;
}

export function overview(list: Dataset[], user: string | null): Overview {
  const o: Overview = { total: list.length, precomputed: 0, yours: 0, public: 0, available: 0, missing: 0, totalBytes: 0 };
  for (const d of list) {
    if (d.type === 'precomputed' || d.directory === 'precomputed') o.precomputed++;
    if (user != null && d.owner === user) o.yours++;
    if (d.is_public) o.public++;
    if (d.is_available) o.available++;
    else o.missing++;
    o.totalBytes += d.size_bytes ?? 0;
  }
  return o;
}

/** Size in bytes, from size_bytes or else size_mb. */
export function sizeBytes(d: Dataset): number | null {
  if (d.size_bytes != null) return d.size_bytes;
  if (d.size_mb != null) return Math.round(d.size_mb * 1024 * 1024);
  return null;
}

/**
 * The reference of a dataset swept without a model circuit: "measured spectrum from FILE" when the
 * server names the file (the list's reference_source, or the metadata's reference.source), else
 * "measured spectrum" for measured frequencies, else "not recorded in the file".
 */
export function referenceText(d: Dataset, metadataReference?: unknown): string {
  const m = metadataReference as { type?: unknown; source?: unknown } | null | undefined;
  const source = (typeof m?.source === 'string' && m.source) || d.reference_source || null;
  const measured = m?.type === 'measured' || d.frequency_spacing === 'measured' || d.reference_source != null;
  if (measured) return source ? `measured spectrum from ${source}` : 'measured spectrum (file not recorded)';
  return 'not recorded in the file';
}

/**
 * The grid a dataset swept: points per axis, and the series resistances Rs when the run swept
 * several (a measured reference does), which multiply the points (metadata "series_resistance").
 */
export function gridText(gridSize: number | null, seriesResistance?: unknown): string {
  if (gridSize == null) return '—';
  const rs = seriesResistance as { count?: unknown; values?: unknown } | null | undefined;
  const count = typeof rs?.count === 'number' && rs.count > 0 ? rs.count : 1;
  const points = gridSize ** 5 * count;
  if (count === 1) {
    const value = Array.isArray(rs?.values) && typeof rs.values[0] === 'number' ? rs.values[0] : null;
    return `${gridSize} per axis (${fmtInt(points)} points)${value != null && value > 0 ? `, Rs ${fmtOhm(value)}` : ''}`;
  }
  return `${gridSize} per axis × ${count} values of Rs (${fmtInt(points)} points)`;
}
