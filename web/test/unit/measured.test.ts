import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toCsv } from '../../src/csv.ts';
import { courseLeftOut, insertJitter, modelComparison, relativeResiduals, sortRows, sweepRows, timeCourse } from '../../src/measured-math.ts';
import { DEFAULT_FORM, measuredRequest, runIntro, validateRunForm } from '../../src/validate.ts';

test('csv: quotes cells with commas, quotes and line breaks; empty for missing numbers', () => {
  const csv = toCsv(['file', 'TER [Ω]', 'note'], [
    ['a,b.txt', 593.12, 'say "hi"'],
    ['c', null, 'two\nlines'],
    ['d', NaN, ''],
  ]);
  assert.equal(csv, 'file,TER [Ω],note\r\n"a,b.txt",593.12,"say ""hi"""\r\nc,,"two\nlines"\r\nd,,\r\n');
});

test('csv: a text cell that a spreadsheet would run as a formula gets a leading quote; numbers do not', () => {
  const csv = toCsv(['sample', 'note', 'n'], [
    ['=1+1', '+SUM(1+1)', -3],
    ['@A1', '-2+3', '-1.5e3'],
    ['\tx', '=HYPERLINK("http://x","a,b")', 1e-7],
    ['-', 'a=1', '+12'],
  ]);
  assert.equal(
    csv,
    "sample,note,n\r\n'=1+1,'+SUM(1+1),-3\r\n'@A1,'-2+3,-1.5e3\r\n'\tx,\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\",1e-7\r\n'-,a=1,+12\r\n",
  );
});

test('sweep_rows: magnitude and phase from the parts (capacitive: negative phase)', () => {
  const [r] = sweepRows([3], [-4]);
  assert.equal(r[2], 5);
  assert.ok(Math.abs(r[3] - (Math.atan2(-4, 3) * 180) / Math.PI) < 1e-12);
  assert.ok(r[3] < 0);
});

test('relative_residuals: (model − data)/|data| per part, zero for a perfect model', () => {
  const data = [[3, -4]];
  const r = relativeResiduals(data, [[3.5, -4]]);
  assert.deepEqual(r, { real: [0.1], imag: [0] });
  assert.deepEqual(relativeResiduals(data, data), { real: [0], imag: [0] });
});

test('time_course: one line per insert in time order, by day when every point has one', () => {
  const c = timeCourse([
    { insert: 'TW01', time: null, day: 3, ter: 300, tec: 0.7, terErr: 4, tecErr: 0.01 },
    { insert: 'TW02', time: null, day: 1, ter: 200, tec: 0.6, terErr: null, tecErr: null },
    { insert: 'TW01', time: null, day: 1, ter: 250, tec: 0.8, terErr: null, tecErr: null },
  ]);
  assert.equal(c.axis, 'day');
  assert.deepEqual([...c.lines.keys()], ['TW01', 'TW02']);
  assert.deepEqual(c.lines.get('TW01')!.map((p) => [p.x, p.ter]), [[1, 250], [3, 300]]);
  assert.deepEqual(c.lines.get('TW01')!.map((p) => [p.terErr, p.tecErr]), [[null, null], [4, 0.01]]);
});

test('course_left_out: invalid sweeps, sweeps without a value, and against the day those without one, each with why', () => {
  const sweeps = [
    { name: 'a sweep 0', status: 'ok', day: 3, ter: 500 },
    { name: 'b sweep 1', status: 'invalid_data', day: 3, ter: 9e5 },
    { name: 'c sweep 0', status: 'poor_fit', day: 3, ter: null },
    { name: 'd sweep 0', status: 'ok', day: null, ter: 400 },
  ];
  assert.deepEqual(courseLeftOut(sweeps, 'day'), ['b sweep 1 (invalid data)', 'c sweep 0 (no fitted value)', 'd sweep 0 (no day set)']);
  assert.deepEqual(courseLeftOut(sweeps, 'time'), ['b sweep 1 (invalid data)', 'c sweep 0 (no fitted value)']);
});

test('insert_jitter: inserts of one day side by side, centred on it, within a third of a day', () => {
  assert.equal(insertJitter(0, 1), 0);
  const four = [0, 1, 2, 3].map((i) => insertJitter(i, 4));
  assert.equal(new Set(four).size, 4);
  assert.ok(Math.abs(four.reduce((a, b) => a + b, 0)) < 1e-12);
  assert.ok(Math.max(...four.map(Math.abs)) <= 0.15 + 1e-12);
});

test('time_course: by days since the first sweep when days are missing but times are known', () => {
  const c = timeCourse([
    { insert: 'a', time: '2024-08-30T10:00:00Z', day: null, ter: 2, tec: 1, terErr: null, tecErr: null },
    { insert: 'a', time: '2024-08-29T10:00:00Z', day: null, ter: 1, tec: 1, terErr: null, tecErr: null },
  ]);
  assert.equal(c.axis, 'time');
  assert.deepEqual(c.lines.get('a')!.map((p) => p.x), [0, 1]);
  // Neither for every point: by day, dropping points without one.
  const mixed = timeCourse([
    { insert: 'a', time: null, day: 2, ter: 1, tec: 1, terErr: null, tecErr: null },
    { insert: 'b', time: null, day: null, ter: 1, tec: 1, terErr: null, tecErr: null },
  ]);
  assert.equal(mixed.axis, 'day');
  assert.deepEqual([...mixed.lines.keys()], ['a']);
});

test('sort_rows: numbers and text either way, missing values last, ties in order', () => {
  const rows = [{ k: 3 }, { k: null }, { k: 1 }, { k: 3 }, { k: 2 }];
  assert.deepEqual(sortRows(rows, (r) => r.k, 1).map((r) => r.k), [1, 2, 3, 3, null]);
  assert.deepEqual(sortRows(rows, (r) => r.k, -1).map((r) => r.k), [3, 3, 2, 1, null]);
  const tied = sortRows(rows, (r) => r.k, 1).filter((r) => r.k === 3);
  assert.equal(tied[0], rows[0]);
  assert.deepEqual(sortRows([{ s: 'TW10' }, { s: 'TW02' }], (r) => r.s, 1).map((r) => r.s), ['TW02', 'TW10']);
});

test('measured_request: a run against a stored measurement sends no circuit, frequencies or metric', () => {
  const v = validateRunForm({ ...structuredClone(DEFAULT_FORM), output: 'x.npz', description: 'rpe' });
  assert.ok(v.ok);
  if (!v.ok) return;
  assert.deepEqual(measuredRequest(v.request, 4, 2), { grid: 5, keep: v.request.keep, reference: { measurement: 4, sweep: 2 }, output: 'x.npz', description: 'rpe' });
});

test('run_intro: the run form says what the sweep is against, the circuit or the chosen measurement', () => {
  const circuit = runIntro(null);
  assert.match(circuit, /model spectrum of the reference circuit/);
  const measured = runIntro({ file: 'RPE_TW1_freq', sweep: 2 });
  assert.doesNotMatch(measured, /reference circuit|model spectrum/);
  assert.match(measured, /sweep 2 of the measurement RPE_TW1_freq/);
  assert.match(measured, /Rs/);
});

test('model_comparison: delta AIC from the lowest, null without an AIC', () => {
  const rows = modelComparison([{ aic: -448.5 }, { aic: -502.25 }, { aic: null }]);
  assert.deepEqual(
    rows.map((r) => r.deltaAic),
    [53.75, 0, null],
  );
});
