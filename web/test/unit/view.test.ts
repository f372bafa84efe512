// The pure parts of the dataset view's components: paging, the chosen rows, axis labels, the reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageOffset, pageWindow } from '../../src/paging.ts';
import { Selection, rowFrom } from '../../src/selection.ts';
import { linearTickLabels, logTickLabel, paddedTicks, symmetricTicks } from '../../src/plots-math.ts';
import { gridText, referenceText } from '../../src/listing.ts';
import type { Dataset } from '../../src/api.ts';
import { refinedFacts, refinedOf } from '../../src/view-refined.ts';

test('paging_page_window: first and last rows, the ends, the last page', () => {
  assert.deepEqual(pageWindow(0, 10, 25), { first: 1, last: 10, atStart: true, atEnd: false, lastOffset: 20 });
  assert.deepEqual(pageWindow(20, 10, 25), { first: 21, last: 25, atStart: false, atEnd: true, lastOffset: 20 });
  assert.deepEqual(pageWindow(0, 10, 0), { first: 0, last: 0, atStart: true, atEnd: true, lastOffset: 0 });
  assert.equal(pageWindow(0, 10, 10).atEnd, true);
});

test('paging_page_offset: clamped into the list and moved to the start of its page', () => {
  assert.equal(pageOffset(-10, 10, 25), 0);
  assert.equal(pageOffset(37, 10, 25), 20);
  assert.equal(pageOffset(13, 10, 25), 10);
  assert.equal(pageOffset(5, 10, 0), 0);
});

test('selection: at most one row per colour, each keeping its colour', () => {
  const s = new Selection(['red', 'green']);
  const row = (rank: number) => rowFrom(rank, [100, 200, 1e-6, 300, 2e-6], rank);
  assert.equal(s.add(row(4)), true);
  assert.equal(s.add(row(9)), true);
  assert.equal(s.add(row(1)), false, 'full');
  assert.deepEqual(s.list().map((r) => r.rank), [4, 9]);
  assert.equal(s.colorOf(9), 'green');
  s.remove(4);
  assert.equal(s.colorOf(9), 'red');
  assert.equal(s.colorOf(4), null);
  assert.equal(s.add(row(9)), true, 'adding a chosen row again is no change');
  assert.equal(s.size, 1);
});

test('a row keeps the Rs the server sends for it, and has none when the run did not sweep Rs', () => {
  const swept = rowFrom(3, [1000, 100, 1e-6, 300, 1e-6], 5, null, null, 21.5);
  assert.equal(swept.rs, 21.5);
  assert.equal(rowFrom(3, [1000, 100, 1e-6, 300, 1e-6], 5, null, null, null).rs, null);
  assert.ok(!('rs' in rowFrom(3, [1000, 100, 1e-6, 300, 1e-6], 5)));
});

test('selection_row_from: TER and TEC from the circuit unless the server sends them', () => {
  const r = rowFrom(0, [1000, 100, 1e-6, 300, 1e-6], 5);
  assert.ok(Math.abs(r.ter - (1000 * 400) / 1400) < 1e-9);
  assert.ok(Math.abs(r.tec - 0.5e-6) < 1e-15);
  assert.equal(rowFrom(0, [1000, 100, 1e-6, 300, 1e-6], 5, 42, 7).ter, 42);
});

test('log_tick_label: powers of ten only, decimals up to 100 and k/M/G above, no exponent jump', () => {
  const ticks = [1e-3, 1e-2, 0.1, 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e9].map(logTickLabel);
  assert.deepEqual(ticks, ['0.001', '0.01', '0.1', '1', '10', '100', '1k', '10k', '100k', '1M', '10M', '1G']);
  assert.equal(logTickLabel(2e4), '');
  assert.equal(logTickLabel(null), '');
  assert.equal(logTickLabel(0), '');
  for (const t of ticks) assert.doesNotMatch(t, /e/);
});

test('reference_text: the measured file when the server names it, else what is known', () => {
  const d = { frequency_spacing: 'measured', reference: null } as unknown as Dataset;
  assert.equal(referenceText(d), 'measured spectrum (file not recorded)');
  assert.equal(referenceText(d, { type: 'measured', source: 'rpe.txt' }), 'measured spectrum from rpe.txt');
  assert.equal(referenceText({ ...d, reference_source: 'a.csv' } as Dataset), 'measured spectrum from a.csv');
  assert.equal(referenceText({ frequency_spacing: 'log' } as Dataset), 'not recorded in the file');
});

test('linear_tick_labels: as the locale writes them, until a tick is large; then every tick with k, M or G', () => {
  const plain = (v: number) => `<${v}>`;
  assert.deepEqual(linearTickLabels([0, 500, 1000, 1500], plain), ['<0>', '<500>', '<1000>', '<1500>']);
  assert.deepEqual(linearTickLabels([-50e6, 0, 50e6, 100e6, 150e6], plain), ['-50M', '0', '50M', '100M', '150M']);
  assert.deepEqual(linearTickLabels([0, 500e3, 1e6, 2.5e6, 1.25e9], plain), ['0', '500k', '1M', '2.5M', '1.25G']);
  assert.deepEqual(linearTickLabels([-0.5, 0, 0.5], plain), ['<-0.5>', '<0>', '<0.5>']);
});

test('refined_facts: the identified values with their errors first, one raw set with its Rsh interval, the edges', () => {
  const metadata = {
    refined: {
      metric: 'modulus',
      resnorm: 0.02252432,
      grid_resnorm: 0.3896463,
      params: { Rs: 19.0088, Rsh: 77037.4, Ra: 596.609, Ca: 4.67865e-6, Rb: 1.11613, Cb: 4.42526e-6 },
      ter: 593.1233,
      tec: 2.274213e-6,
      tau1: 2.7699e-3,
      tau2: 4.9391e-6,
      stderr: { Rs: 0.12, ter: 1.5, tec: 2.1e-8, tau1: 1e-5, tau2: null },
      rsh_interval: [593.475, 1e7],
      at_edge: ['Rsh at max'],
      status: 'ok',
      reasons: [],
      warnings: [],
    },
  };
  const r = refinedOf(metadata);
  assert.ok(r);
  const facts = Object.fromEntries(refinedFacts(r));
  assert.equal(facts.TER, '593.123 ± 1.5 Ω');
  assert.equal(facts.TEC, '2.27421 ± 0.021 µF');
  assert.equal(facts.Rs, '19.0088 ± 0.12 Ω');
  assert.equal(facts['τ1'], '2.7699 ± 0.01 ms');
  assert.equal(facts['τ2'], '0.0049391 ms', 'no error where the fit has none');
  assert.match(facts.Resnorm, /^0.0225243 \(modulus\), best grid row 0.389646$/);
  assert.match(facts['One parameter set'], /^Rsh 77037.4 Ω, Ra 596.609 Ω, Ca 4.67865 µF, Rb 1.11613 Ω, Cb 4.42526 µF \(Rsh equally good from 593.475 Ω to 1e7 Ω\)$/);
  assert.equal(facts['At the edge of its range'], 'Rsh at max');
  assert.deepEqual(refinedFacts(r).slice(0, 3).map(([k]) => k), ['TER', 'TEC', 'Rs']);
  assert.equal(refinedOf({}), null);
  assert.equal(refinedOf({ refined: null }), null);
});

test('grid_text: the series resistances a measured run swept multiply its points (issue 18, item 11)', () => {
  assert.equal(gridText(8), '8 per axis (32\u202f768 points)');
  assert.equal(gridText(8, { min: 2, max: 20, count: 5, unit: 'ohm', values: [2, 3.5, 6.3, 11, 20] }), '8 per axis × 5 values of Rs (163\u202f840 points)');
  assert.equal(gridText(5, { count: 1, values: [20] }), '5 per axis (3\u202f125 points), Rs 20 Ω');
  assert.equal(gridText(5, { count: 1, values: [0] }), '5 per axis (3\u202f125 points)');
  assert.equal(gridText(null), '—');
});

test('symmetric_ticks: a residual axis about 0 with five labelled ticks, however small the residuals (issue 18, item 9)', () => {
  // A 16HBE sweep's residuals are a few parts in a thousand: not the single label "0".
  const small = symmetricTicks([[0.0031, -0.0012], [-0.0042, null]]);
  assert.deepEqual(small.ticks, [-0.01, -0.005, 0, 0.005, 0.01]);
  assert.deepEqual(small.labels, ['-0.010', '-0.005', '0', '0.005', '0.010']);
  assert.deepEqual(symmetricTicks([[0.04, -0.05]]).labels, ['-0.10', '-0.05', '0', '0.05', '0.10']);
  const tiny = symmetricTicks([[3e-5]]);
  assert.deepEqual(tiny.labels, ['-4e-5', '-2e-5', '0', '2e-5', '4e-5']);
  assert.ok(tiny.range[1] >= 3e-5);
  assert.equal(symmetricTicks([[0, null]]).labels.length, 5);
});

test('padded_ticks: room around the data, labels across it, whole days (issue 18, item 8)', () => {
  // 16HBE's TEC/A about 0.6 µF/cm²: labelled ticks around it, not one far above.
  const tec = paddedTicks(0.55, 0.68);
  assert.ok(tec.range[0] < 0.55 && tec.range[1] > 0.68);
  assert.deepEqual(tec.labels, ['0.55', '0.60', '0.65']);
  const one = paddedTicks(0.6, 0.6);
  assert.ok(one.ticks.length >= 1 && one.range[0] < 0.6 && one.range[1] > 0.6);
  // Days: half a day either side, ticks on whole days only.
  const day = paddedTicks(3, 3, 1, 0.5);
  assert.deepEqual([day.range, day.labels], [[2.5, 3.5], ['3']]);
  assert.deepEqual(paddedTicks(3, 7, 1, 0.5).labels, ['3', '4', '5', '6', '7']);
  assert.deepEqual(paddedTicks(400, 2500).labels, ['500', '1000', '1500', '2000', '2500']);
});
