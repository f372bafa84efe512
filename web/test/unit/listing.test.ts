import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Dataset } from '../../src/api.ts';
import { badges, displayName, filterAndSort, overview, sizeBytes } from '../../src/listing.ts';
import { equalAxesBounds, equalAxesRanges } from '../../src/plots-math.ts';

function ds(over: Partial<Dataset>): Dataset {
  return {
    filename: 'a.npz', full_path: 'npz/user_generated/a.npz', directory: 'user_generated', type: 'user_generated',
    size_mb: 1, size_bytes: 1048576, modified: '2026-01-01T00:00:00Z', loaded: false, name: null, owner: 'alice',
    is_public: false, is_available: true, grid_size: 5, n_parameters: 3125, n_frequencies: 100, n_spectra: 3125,
    freq_min: 0.1, freq_max: 1e5, best_resnorm: 273, metric: 'mae', file_hash: 'ab'.repeat(32), short_hash: 'abababababab',
    reference: null, description: null, created_at: '2026-01-01T00:00:00Z', ...over,
  };
}

const list = [
  ds({ filename: 'sample_grid_5_test.npz', type: 'precomputed', directory: 'precomputed', owner: null, is_public: true, created_at: '2026-01-01T00:00:00Z', size_bytes: 2e6, best_resnorm: 273 }),
  ds({ filename: 'mine.npz', owner: 'alice', created_at: '2026-02-01T00:00:00Z', size_bytes: 5e6, best_resnorm: 10, grid_size: 10 }),
  ds({ filename: 'gone.npz', name: 'Old run', owner: 'alice', is_available: false, created_at: '2025-12-01T00:00:00Z', size_bytes: null, best_resnorm: null }),
];

test('badges', () => {
  assert.deepEqual(badges(list[0], 'alice'), ['Pre-computed', 'Public', 'Available']);
  assert.deepEqual(badges(list[1], 'alice'), ['Yours', 'Available']);
  assert.deepEqual(badges(list[2], 'alice'), ['Yours', 'Missing']);
  assert.deepEqual(badges(list[1], null), ['Available']);
});

test('overview counts', () => {
  const o = overview(list, 'alice');
  assert.equal(o.total, 3);
  assert.equal(o.precomputed, 1);
  assert.equal(o.yours, 2);
  assert.equal(o.public, 1);
  assert.equal(o.available, 2);
  assert.equal(o.missing, 1);
});

test('sorting, nulls last', () => {
  const names = (s: string) => filterAndSort(list, '', s).map((d) => d.filename);
  assert.deepEqual(names('newest'), ['mine.npz', 'sample_grid_5_test.npz', 'gone.npz']);
  assert.deepEqual(names('oldest'), ['gone.npz', 'sample_grid_5_test.npz', 'mine.npz']);
  assert.deepEqual(names('size'), ['mine.npz', 'sample_grid_5_test.npz', 'gone.npz']);
  assert.deepEqual(names('resnorm'), ['mine.npz', 'sample_grid_5_test.npz', 'gone.npz']);
  assert.deepEqual(names('grid'), ['mine.npz', 'sample_grid_5_test.npz', 'gone.npz']);
  assert.deepEqual(names('name'), ['mine.npz', 'gone.npz', 'sample_grid_5_test.npz'].sort((a, b) => displayName(list.find((d) => d.filename === a)!).localeCompare(displayName(list.find((d) => d.filename === b)!))));
});

test('filtering by words in name, file name, owner, badges', () => {
  assert.deepEqual(filterAndSort(list, 'sample', 'newest').map((d) => d.filename), ['sample_grid_5_test.npz']);
  assert.deepEqual(filterAndSort(list, 'old RUN', 'newest').map((d) => d.filename), ['gone.npz']);
  assert.deepEqual(filterAndSort(list, 'missing', 'newest').map((d) => d.filename), ['gone.npz']);
  assert.equal(filterAndSort(list, 'alice', 'newest').length, 2);
  assert.equal(filterAndSort(list, 'nothing-like-this', 'newest').length, 0);
});

test('display name and size', () => {
  assert.equal(displayName(list[2]), 'Old run');
  assert.equal(displayName(list[1]), 'mine.npz');
  assert.equal(sizeBytes(ds({ size_bytes: null, size_mb: 2 })), 2 * 1048576);
});

test('equal axes: one unit per pixel on both axes, data inside', () => {
  const r = equalAxesRanges(0, 3000, 0, 1500, 400, 400);
  const xu = (r.x[1] - r.x[0]) / 400;
  const yu = (r.y[1] - r.y[0]) / 400;
  assert.ok(Math.abs(xu - yu) < 1e-9);
  assert.ok(r.x[0] <= 0 && r.x[1] >= 3000 && r.y[0] <= 0 && r.y[1] >= 1500);
  const wide = equalAxesRanges(0, 100, 0, 100, 800, 200);
  assert.ok(Math.abs((wide.x[1] - wide.x[0]) / 800 - (wide.y[1] - wide.y[0]) / 200) < 1e-9);
});

test('equal axes: the room a wide spectrum leaves goes above its data, not below zero', () => {
  // A measured spectrum: Re Z 20..3000 Ω, −Im Z 0..300 Ω, in a plot as tall as it is wide.
  const b = equalAxesBounds([[20, 1500, 3000]], [[0.5, 300, 2]]);
  assert.ok(b.y[0] < 0 && b.y[0] > -0.05 * 3000, `a little room below zero only: ${b.y[0]}`);
  assert.ok(b.x[0] < 0 && b.x[1] > 3000 && b.y[1] > 300);
  const r = equalAxesRanges(b.x[0], b.x[1], b.y[0], b.y[1], 400, 400);
  assert.equal(r.y[0], b.y[0], 'the y axis starts at the padded minimum, not centred far below it');
  assert.ok(r.y[1] >= b.y[1]);
  assert.ok(Math.abs((r.x[1] - r.x[0]) - (r.y[1] - r.y[0])) < 1e-9, 'still one Ω per pixel on both axes');
  // A tall one: the slack goes to the right of x0.
  const tall = equalAxesRanges(0, 100, 0, 1000, 400, 400);
  assert.equal(tall.x[0], 0);
  assert.ok(tall.x[1] >= 1000);
  // Data below zero (an inductive tail) is kept, with the same padding.
  const neg = equalAxesBounds([[10, 200]], [[-50, 80]]);
  assert.ok(neg.y[0] < -50 && neg.y[1] > 80);
  // Nothing finite: a unit square around zero, not NaN.
  const none = equalAxesBounds([[null, NaN]], [[]]);
  assert.ok([...none.x, ...none.y].every(Number.isFinite));
});
