import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnDecimals, fmtFixed, fmtDate, fmtDuration, fmtFreq, fmtFreqRange, fmtInt, fmtMicroF, fmtNum, fmtOhm, fmtSize, shortHash, fmtFrequencies } from '../../src/format.ts';
import { fmtParam } from '../../src/units.ts';

test('fmtNum: significant digits, trailing zeros dropped, exponents for extremes, nulls', () => {
  assert.equal(fmtNum(273.0052361820095), '273.005');
  assert.equal(fmtNum(1778.2794189453125), '1778.28');
  assert.equal(fmtNum(10000), '10000');
  assert.equal(fmtNum(50), '50');
  assert.equal(fmtNum(0.5), '0.5');
  assert.equal(fmtNum(0), '0');
  assert.equal(fmtNum(1e-7), '1e-7');
  assert.equal(fmtNum(2.505e-5), '2.505e-5');
  assert.equal(fmtNum(1e7), '1e7');
  assert.equal(fmtNum(-3.5), '−3.5');
  assert.equal(fmtNum(null), '—');
  assert.equal(fmtNum(NaN), '—');
  assert.equal(fmtNum(Infinity), '∞');
});

test('units: ohms and capacitances in µF', () => {
  assert.equal(fmtOhm(5005), '5005 Ω');
  assert.equal(fmtMicroF(25.05e-6), '25.05 µF');
  assert.equal(fmtMicroF(1.05737126e-5), '10.5737 µF');
  assert.equal(fmtParam('Ca', 5e-5), '50 µF');
  assert.equal(fmtParam('Rsh', 10), '10 Ω');
});

test('frequencies', () => {
  assert.equal(fmtFreq(0.1), '0.1 Hz');
  assert.equal(fmtFreq(1e5), '100 kHz');
  assert.equal(fmtFreq(1e6), '1 MHz');
  assert.equal(fmtFreq(1e-4), '1e-4 Hz');
  assert.equal(fmtFreqRange(0.1, 1e5), '0.1 Hz – 100 kHz');
  assert.equal(fmtFrequencies(100, 0.1, 1e5, 'log'), '100 points, 0.1 Hz – 100 kHz');
  assert.equal(fmtFrequencies(100, 0.1, 1e5, null), '100 points, 0.1 Hz – 100 kHz');
  assert.equal(fmtFrequencies(100, 0.1, 1e5, undefined), '100 points, 0.1 Hz – 100 kHz');
  assert.equal(fmtFrequencies(100, 10, 1e3, 'linear'), '100 points, 10 Hz – 1 kHz, linear');
  assert.equal(fmtFrequencies(40, 1, 1e3, 'measured'), '40 points, 1 Hz – 1 kHz, measured');
});

test('sizes in B, KB, MB, GB', () => {
  assert.equal(fmtSize(512), '512 B');
  assert.equal(fmtSize(2048), '2.00 KB');
  assert.equal(fmtSize(2374439), '2.26 MB');
  assert.equal(fmtSize(5 * 1024 ** 3), '5.00 GB');
  assert.equal(fmtSize(150 * 1024 ** 2), '150 MB');
  assert.equal(fmtSize(null), '—');
});

test('integers, hashes, durations', () => {
  assert.equal(fmtInt(3125), '3\u202f125');
  assert.equal(fmtInt(9765625), '9\u202f765\u202f625');
  assert.equal(fmtInt(12), '12');
  assert.equal(shortHash('abcdef0123456789abcdef'), 'abcdef012345');
  assert.equal(shortHash(null), '—');
  assert.equal(fmtDuration(42), '42 s');
  assert.equal(fmtDuration(185), '3 min 5 s');
});

test('fmt_date: a date without a time stays a date (issue 18, item 12); a timestamp shows its minutes in UTC', () => {
  assert.equal(fmtDate('2024-08-29'), '2024-08-29');
  assert.equal(fmtDate('2024-08-29T13:05:42Z'), '2024-08-29 13:05');
  assert.equal(fmtDate(''), '—');
  assert.equal(fmtDate('not a date'), 'not a date');
});

test('column_decimals and fmt_fixed: one precision down a column, set by its largest value (issue 18, item 12)', () => {
  const d = columnDecimals([289.764, 28.1, null, 1234.5678], 5);
  assert.equal(d, 1);
  assert.deepEqual([289.764, 28.1, 1234.5678].map((v) => fmtFixed(v, d)), ['289.8', '28.1', '1234.6']);
  assert.equal(columnDecimals([0.67008, 0.65875], 5), 5);
  assert.equal(columnDecimals([0.02355, 0.1], 4), 4);
  assert.equal(columnDecimals([1e7], 5), 0);
  assert.equal(columnDecimals([null, 0], 5), 0);
  assert.equal(columnDecimals([1e-15], 5), 9);
  assert.equal(fmtFixed(-0.5, 2), '−0.50');
  assert.equal(fmtFixed(null, 2), '—');
});
