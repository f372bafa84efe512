// Paging of a ranked list. Pure; unit-tested.

export interface PageWindow {
  /** 1-based first and last row shown; 0 and 0 for an empty list. */
  first: number;
  last: number;
  atStart: boolean;
  atEnd: boolean;
  /** Offset of the last page. */
  lastOffset: number;
}

export function pageWindow(offset: number, pageSize: number, total: number): PageWindow {
  return {
    first: total === 0 ? 0 : offset + 1,
    last: Math.min(offset + pageSize, total),
    atStart: offset === 0,
    atEnd: offset + pageSize >= total,
    lastOffset: Math.max(0, (Math.ceil(total / pageSize) - 1) * pageSize),
  };
}

/** A requested offset clamped into the list and moved to the start of its page. */
export function pageOffset(requested: number, pageSize: number, total: number): number {
  const o = Math.max(0, Math.min(requested, Math.max(0, total - 1)));
  return o - (o % pageSize);
}
