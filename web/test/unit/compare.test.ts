import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareHash, parseCompareHash, togglePick } from '../../src/compare.ts';

test('compare: the address lists the names, and reads back as the same names', () => {
  const names = ['a_grid_5.npz', 'b grid,3.npz', 'c%d.npz'];
  const hash = compareHash(names);
  assert.ok(hash.startsWith('#/compare/'));
  assert.equal(hash.split(',').length, 3, 'a comma inside a name is encoded, not a separator');
  assert.deepEqual(parseCompareHash(hash), names);
});

test('compare: another address is not a comparison; repeated, empty and broken names are dropped', () => {
  assert.equal(parseCompareHash('#/dataset/a.npz'), null);
  assert.equal(parseCompareHash('#/compare'), null);
  assert.deepEqual(parseCompareHash('#/compare/'), []);
  assert.deepEqual(parseCompareHash('#/compare/a.npz,,a.npz,%E0%A4%A,b.npz'), ['a.npz', 'b.npz']);
});

test('compare: ticking adds at the end, unticking removes, ticking twice keeps one', () => {
  let picks = togglePick([], 'a', true);
  picks = togglePick(picks, 'b', true);
  assert.deepEqual(picks, ['a', 'b']);
  assert.deepEqual(togglePick(picks, 'a', true), ['b', 'a']);
  assert.deepEqual(togglePick(picks, 'a', false), ['b']);
  assert.deepEqual(togglePick(picks, 'z', false), ['a', 'b']);
});
