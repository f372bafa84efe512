// The refined best result of a dataset swept against a measured spectrum (metadata "refined",
// written by `eisgrid compute --reference` and `eisgrid fit --save`): the identified values with
// their standard errors, the verdict, the parameters at the edge of their range and any warning.
// The raw parameters are one set of a family (SPEC 10), so they come after the identified values.

import { h } from './dom';
import { PARAM_NAMES } from './circuit';
import { fmtNum, fmtOhm } from './format';
import { fmtParam } from './units';

/** What the metadata holds under "refined"; every number may be null (not finite). */
export interface Refined {
  metric?: string;
  resnorm?: number | null;
  grid_resnorm?: number | null;
  params?: Record<string, number | null>;
  ter?: number | null;
  tec?: number | null;
  tau1?: number | null;
  tau2?: number | null;
  stderr?: Record<string, number | null>;
  rsh_interval?: (number | null)[];
  at_edge?: string[];
  status?: string;
  reasons?: string[];
  warnings?: string[];
}

/** The metadata's "refined" if it is an object, else null (a model reference has none). */
export function refinedOf(metadata: Record<string, unknown> | undefined): Refined | null {
  const r = metadata?.refined;
  return r != null && typeof r === 'object' && !Array.isArray(r) ? (r as Refined) : null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** "593.123 ± 1.5 Ω": a value in `unit` (after scaling by `scale`) with its standard error when there is one. */
function withError(value: unknown, error: unknown, unit: string, scale = 1): string {
  const v = num(value);
  const e = num(error);
  return `${fmtNum(v == null ? null : v * scale)}${e == null ? '' : ` ± ${fmtNum(e * scale, 3)}`} ${unit}`;
}

/** The refined result as label and text pairs, in the order shown. */
export function refinedFacts(r: Refined): [string, string][] {
  const se = r.stderr ?? {};
  const facts: [string, string][] = [
    ['TER', withError(r.ter, se.ter, 'Ω')],
    ['TEC', withError(r.tec, se.tec, 'µF', 1e6)],
    ['Rs', withError(r.params?.Rs, se.Rs, 'Ω')],
    ['τ1', withError(r.tau1, se.tau1, 'ms', 1e3)],
    ['τ2', withError(r.tau2, se.tau2, 'ms', 1e3)],
    ['Resnorm', `${fmtNum(num(r.resnorm))}${r.metric ? ` (${r.metric})` : ''}, best grid row ${fmtNum(num(r.grid_resnorm))}`],
  ];
  const p = r.params ?? {};
  const raw = PARAM_NAMES.map((n) => `${n} ${fmtParam(n, num(p[n]))}`).join(', ');
  const [lo, hi] = r.rsh_interval ?? [];
  facts.push(['One parameter set', num(lo) != null && num(hi) != null ? `${raw} (Rsh equally good from ${fmtOhm(num(lo))} to ${fmtOhm(num(hi))})` : raw]);
  if (r.at_edge && r.at_edge.length > 0) facts.push(['At the edge of its range', r.at_edge.join('; ')]);
  return facts;
}

/** The panel, or null when the dataset has no refined result. */
export function refinedPanel(r: Refined | null): HTMLElement | null {
  if (!r) return null;
  const status = r.status ?? 'not judged';
  return h(
    'section',
    { class: 'panel refined', id: 'refined', 'aria-labelledby': 'refined-h' },
    h('h3', { id: 'refined-h' }, 'Refined best result ', h('span', { class: `badge badge-status-${status.replace(/[^a-z_]/g, '')}` }, status)),
    h('p', { class: 'hint' }, 'The best grid rows refined as eisgrid fit refines them: TER, TEC, Rs and the time constants are what the spectrum determines.'),
    h('dl', { class: 'facts facts-wide' }, refinedFacts(r).map(([label, text]) => h('div', null, h('dt', null, label), h('dd', null, text)))),
    (r.reasons ?? []).length > 0 ? h('ul', { class: 'refined-reasons' }, (r.reasons ?? []).map((t) => h('li', null, t))) : null,
    (r.warnings ?? []).length > 0
      ? h('ul', { class: 'error-box refined-warnings', role: 'alert' }, (r.warnings ?? []).map((t) => h('li', null, t)))
      : null,
  );
}
