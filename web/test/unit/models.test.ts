import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parametersOf } from '../../src/models.ts';
import { parameterTitle, shownUnit } from '../../src/units.ts';
import type { Fit } from '../../src/api-measured.ts';

const SRC = path.join(import.meta.dirname, '..', '..', 'src');

test('shown_unit: the units of GET /api/models as the page shows them, an unknown one as it came', () => {
  assert.deepEqual(shownUnit('ohm'), { text: 'Ω', scale: 1 });
  assert.deepEqual(shownUnit('farad'), { text: 'µF', scale: 1e6 });
  assert.deepEqual(shownUnit('S.s^alpha'), { text: 'µS·s^α', scale: 1e6 });
  assert.deepEqual(shownUnit('henry'), { text: 'henry', scale: 1 });
  assert.equal(parameterTitle({ name: 'Rsh', unit: 'ohm' }), 'Rsh [Ω]');
  assert.equal(parameterTitle({ name: 'x', unit: '1' }), 'x');
});

test("parameters_of: the server's list; for a model it does not list, the names the fits carry", () => {
  const info = { name: 'm', formula: '', parameters: [{ name: 'Rs', unit: 'ohm', axis: 'log' as const, range: [0, 1] as [number, number] }] };
  assert.deepEqual(parametersOf(info, []), info.parameters);
  const fit = { params: { Rs: 1, X: 2 } } as unknown as Fit;
  assert.deepEqual(parametersOf(undefined, [fit]), [
    { name: 'Rs', unit: '' },
    { name: 'X', unit: '' },
  ]);
  assert.deepEqual(parametersOf(undefined, []), []);
});

// Issue 22: a model is one descriptor and its kernel on the server; the page takes its names, units
// and spectra from the API. A model name or parameter name of the non-ideal models in the page's
// source means per-model code came back. (The rc dataset views may keep circuit.ts for rc.)
test('no_per_model_code: the page source names no model and no parameter of cpe or rc_electrode', () => {
  const forbidden = [/\bcpe\b/, /rc_electrode/, /alpha_/, /\bQ(a|b|el)\b/, /jwPower|cpeMembrane|fittedModelRows/];
  const hits: string[] = [];
  for (const file of fs.readdirSync(SRC).filter((f) => f.endsWith('.ts'))) {
    fs.readFileSync(path.join(SRC, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (forbidden.some((re) => re.test(line))) hits.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.ok(fs.readdirSync(SRC).length > 10, `scanned ${SRC}`);
  assert.deepEqual(hits, []);
});
