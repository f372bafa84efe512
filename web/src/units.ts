// How a parameter's unit, as the server names it (GET /api/models' `unit`, a dataset's
// `param_units`: "ohm", "farad", "S.s^alpha", "1"), reads on the page, and the factor from its SI
// value to the number shown. The one place for both: the dataset view, the fit tables, the model
// view and the comparison show a parameter alike.

import { PARAM_UNITS, type ParamName } from './circuit';
import { fmtNum } from './format';

export interface ShownUnit {
  text: string;
  scale: number;
}

/** Capacitances and CPE coefficients in micro units, as the page shows TEC; a dimensionless exponent without a unit. */
const SHOWN_UNITS: Record<string, ShownUnit> = {
  ohm: { text: 'Ω', scale: 1 },
  farad: { text: 'µF', scale: 1e6 },
  'S.s^alpha': { text: 'µS·s^α', scale: 1e6 },
  '1': { text: '', scale: 1 },
};

/** An unknown unit is shown as it came, unscaled. */
export function shownUnit(unit: string): ShownUnit {
  return SHOWN_UNITS[unit] ?? { text: unit, scale: 1 };
}

/** "Ca [µF]", or the bare name for a parameter without a unit. */
export function parameterTitle(p: { name: string; unit: string }): string {
  const u = shownUnit(p.unit).text;
  return u ? `${p.name} [${u}]` : p.name;
}

/** An SI value as the number shown in its unit's column; null stays null. */
export function shownValue(v: number | null | undefined, unit: string): number | null {
  return v == null ? null : v * shownUnit(unit).scale;
}

/** "2.5 µF": an SI value in its shown unit, with `sig` significant digits; a value without a unit bare. */
export function fmtInUnit(v: number | null | undefined, unit: string, sig = 6): string {
  const u = shownUnit(unit).text;
  return `${fmtNum(shownValue(v, unit), sig)}${u ? ` ${u}` : ''}`;
}

/** One of rc's parameters by name: Rsh, Ra, Rb in Ω; Ca, Cb in µF. */
export function fmtParam(name: ParamName, v: number | null | undefined, sig = 6): string {
  return fmtInUnit(v, PARAM_UNITS[name], sig);
}
