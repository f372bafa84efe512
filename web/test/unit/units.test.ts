// Issue 22: a parameter's unit and the scaling of its value have one source on the page (units.ts),
// so the dataset view, the fit tables and the model view show the same parameter alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PARAM_UNITS } from '../../src/circuit.ts';
import { fmtNum } from '../../src/format.ts';
import { fmtInUnit, fmtParam, parameterTitle, shownValue } from '../../src/units.ts';
import { modelParameterHeads } from '../../src/view-results.ts';

const SRC = path.join(import.meta.dirname, '..', '..', 'src');

test('one_unit_per_parameter: the dataset view, the fit tables and the model view show Qa and Ca in one unit and scale', () => {
  // The units as the server names them: GET /api/models and a dataset's param_units agree (model descriptors).
  const cases = [
    { name: 'Qa', unit: 'S.s^alpha', si: 2.5e-6, shown: 'µS·s^α', value: 2.5 },
    { name: 'Ca', unit: PARAM_UNITS.Ca, si: 3.2e-6, shown: 'µF', value: 3.2 },
  ];
  for (const c of cases) {
    // The dataset view heads a model's column with the name and the shown unit (param_names, param_units)...
    const [[headName, headUnit]] = modelParameterHeads([c.name], [c.unit]);
    assert.deepEqual([headName, headUnit], [c.name, c.shown], c.name);
    // ...as the measurement's and the experiment's fit tables title theirs.
    assert.equal(parameterTitle({ name: c.name, unit: c.unit }), `${headName} [${headUnit}]`, c.name);
    // Both tables scale the value the same way; the model view writes it with the same unit.
    assert.ok(Math.abs(shownValue(c.si, c.unit)! - c.value) < 1e-12, c.name);
    assert.equal(fmtInUnit(c.si, c.unit), `${fmtNum(c.value)} ${c.shown}`, c.name);
  }
  // rc's own views (the dataset's reference, its best rows, the refined result) say Ca the same way.
  assert.equal(fmtParam('Ca', 3.2e-6), '3.2 µF');
  assert.equal(fmtParam('Ca', 3.2e-6), fmtInUnit(3.2e-6, 'farad'));
  assert.equal(shownValue(null, 'farad'), null);
});

test('no_unit_tables: no page file but units.ts spells how a parameter unit of the server reads', () => {
  // A second table of unit texts (the dataset view's "S·s^α" beside the fit table's "µS·s^α") is
  // how the two came to differ.
  const forbidden = [/S·s/, /['"]S\.s\^alpha['"]/, /['"]farad['"]\s*[:?]/, /\.C[ab]\s*\*\s*1e6/];
  const hits: string[] = [];
  for (const file of fs.readdirSync(SRC).filter((f) => f.endsWith('.ts') && f !== 'units.ts')) {
    fs.readFileSync(path.join(SRC, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (forbidden.some((re) => re.test(line))) hits.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(hits, []);
});
