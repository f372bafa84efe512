import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frequencyGrid, impedance, spectrum, tau, tec, ter, paramsFromArray } from '../../src/circuit.ts';

const ref = { Rsh: 5005, Ra: 5005, Ca: 25.05e-6, Rb: 5005, Cb: 25.05e-6 };

test('impedance matches the SPEC check value at 1 Hz', () => {
  const z = impedance(ref, 1);
  assert.ok(Math.abs(z.re - 3121.44011) < 1e-4, `re ${z.re}`);
  assert.ok(Math.abs(z.im - -819.64432) < 1e-4, `im ${z.im}`);
});

test('Z tends to TER at low frequency and to 0 at high frequency', () => {
  assert.ok(Math.abs(impedance(ref, 1e-9).re - ter(ref)) < 1e-3);
  assert.ok(Math.hypot(impedance(ref, 1e12).re, impedance(ref, 1e12).im) < 1e-3);
});

test('TER, TEC and time constants', () => {
  assert.ok(Math.abs(ter(ref) - (5005 * 10010) / 15015) < 1e-9);
  assert.ok(Math.abs(tec(ref) - 12.525e-6) < 1e-15);
  const p = { Rsh: 1e4, Ra: 1778.27941, Ca: 1.05737126e-5, Rb: 1778.27941, Cb: 5e-5 };
  assert.ok(Math.abs(ter(p) - 2623.4967) < 1e-3);
  assert.ok(Math.abs(tec(p) - 8.72797e-6) < 1e-10);
  assert.ok(Math.abs(tau(ref).a - 5005 * 25.05e-6) < 1e-12);
});

test('spectrum rows are real, imag, magnitude, phase in degrees', () => {
  const [row] = spectrum(ref, [1]);
  assert.equal(row.length, 4);
  assert.ok(Math.abs(row[2] - Math.hypot(3121.44011, 819.64432)) < 1e-3);
  assert.ok(Math.abs(row[3] - (Math.atan2(-819.64432, 3121.44011) * 180) / Math.PI) < 1e-6);
  assert.ok(row[3] < 0);
});

test('frequency grids include both ends', () => {
  const g = frequencyGrid(0.1, 1e5, 100);
  assert.equal(g.length, 100);
  assert.ok(Math.abs(g[0] - 0.1) < 1e-12 && Math.abs(g[99] - 1e5) < 1e-6);
  assert.ok(Math.abs(g[1] / g[0] - g[99] / g[98]) < 1e-9);
  const l = frequencyGrid(10, 1000, 100, 'linear');
  assert.equal(l[0], 10);
  assert.equal(l[99], 1000);
  assert.ok(Math.abs(l[1] - l[0] - 10) < 1e-9);
});

test('paramsFromArray keeps the Rsh, Ra, Ca, Rb, Cb order and maps null to NaN', () => {
  assert.deepEqual(paramsFromArray([1, 2, 3, 4, 5]), { Rsh: 1, Ra: 2, Ca: 3, Rb: 4, Cb: 5 });
  assert.ok(Number.isNaN(paramsFromArray([null, 2, 3, 4, 5]).Rsh));
});
