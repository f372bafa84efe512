// Rows of a dataset's ranking, and the rows chosen for the plots: at most one per plot colour,
// each keeping its colour while it stays chosen. Pure; unit-tested.

import { paramsFromArray, ter, tec, type Params } from './circuit';

export interface Row {
  rank: number;
  resnorm: number | null;
  params: Params;
  ter: number;
  tec: number;
  /** The row's series resistance when its run swept Rs (a measured reference); else absent. */
  rs?: number | null;
}

/** A row from the API's parameter array; TER, TEC and Rs from the server when it sends them. */
export function rowFrom(
  rank: number,
  p: (number | null)[],
  resnorm: number | null,
  terV?: number | null,
  tecV?: number | null,
  rs?: number | null,
): Row {
  const params = paramsFromArray(p);
  const row: Row = { rank, resnorm, params, ter: terV ?? ter(params), tec: tecV ?? tec(params) };
  if (rs !== undefined) row.rs = rs;
  return row;
}

export class Selection {
  private readonly rows = new Map<number, Row>();

  constructor(private readonly colors: readonly string[]) {}

  get max(): number {
    return this.colors.length;
  }

  get size(): number {
    return this.rows.size;
  }

  has(rank: number): boolean {
    return this.rows.has(rank);
  }

  /** False when the selection is full (the row is not added). */
  add(row: Row): boolean {
    if (this.rows.has(row.rank)) return true;
    if (this.rows.size >= this.max) return false;
    this.rows.set(row.rank, row);
    return true;
  }

  remove(rank: number): void {
    this.rows.delete(rank);
  }

  list(): Row[] {
    return [...this.rows.values()];
  }

  /** The colour of a chosen row: its place in the order of choosing. */
  colorOf(rank: number): string | null {
    const i = [...this.rows.keys()].indexOf(rank);
    return i < 0 ? null : this.colors[i];
  }
}
