import { test } from 'node:test';
import assert from 'node:assert/strict';
import { areaError, dayError, DEFAULT_FORM, fieldOfServerMessage, parseInteger, parseNumber, sampleDayFromName, validateRunForm, type RunFormInput } from '../../src/validate.ts';
import { PRESETS } from '../../src/presets.ts';

const form = (over: Partial<RunFormInput> = {}, ref: Partial<RunFormInput['ref']> = {}): RunFormInput => ({
  ...structuredClone(DEFAULT_FORM),
  ...over,
  ref: { ...DEFAULT_FORM.ref, ...ref },
});

test('the defaults are valid and convert µF to F', () => {
  const v = validateRunForm(form());
  assert.ok(v.ok);
  if (!v.ok) return;
  assert.deepEqual(v.request, {
    grid: 5,
    preset: 'standard',
    ref: { Rsh: 5005, Ra: 5005, Ca: 25.05e-6, Rb: 5005, Cb: 25.05e-6 },
    metric: 'mae',
    keep: 1000,
  });
});

test('grid size: whole number from 2', () => {
  for (const g of ['1', '0', '-3', '2.5', 'abc', '', '61']) {
    const v = validateRunForm(form({ grid: g }));
    assert.ok(!v.ok && v.errors.grid, `grid ${g}`);
  }
  assert.ok(validateRunForm(form({ grid: '2' })).ok);
});

test('reference parameters must be positive numbers', () => {
  const v = validateRunForm(form({}, { Ca: '-2', Rsh: 'x', Rb: '0' }));
  assert.ok(!v.ok);
  if (v.ok) return;
  assert.match(v.errors.Ca!, /above 0 µF/);
  assert.match(v.errors.Rsh!, /number/);
  assert.match(v.errors.Rb!, /above 0 Ω/);
  assert.equal(v.errors.Ra, undefined);
});

test('custom frequency range', () => {
  const ok = validateRunForm(form({ preset: 'custom', fmin: '1', fmax: '1e4', points: '50', spacing: 'linear' }));
  assert.ok(ok.ok);
  if (ok.ok) {
    assert.equal(ok.request.preset, undefined);
    assert.equal(ok.request.fmin, 1);
    assert.equal(ok.request.fmax, 1e4);
    assert.equal(ok.request.points, 50);
    assert.equal(ok.request.spacing, 'linear');
  }
  const bad = validateRunForm(form({ preset: 'custom', fmin: '100', fmax: '10', points: '1' }));
  assert.ok(!bad.ok && bad.errors.fmax && bad.errors.points);
  const zero = validateRunForm(form({ preset: 'custom', fmin: '0' }));
  assert.ok(!zero.ok && zero.errors.fmin);
  // A preset ignores the custom fields, even bad ones.
  assert.ok(validateRunForm(form({ preset: 'fast', fmin: 'junk' })).ok);
});

test('keep, metric, output name', () => {
  const all = validateRunForm(form({ keep: 'all' }));
  assert.ok(all.ok && all.request.keep === 'all');
  assert.ok(!validateRunForm(form({ keep: '0' })).ok);
  assert.ok(!validateRunForm(form({ keep: 'some' })).ok);
  assert.ok(!validateRunForm(form({ metric: 'mse' })).ok);
  const named = validateRunForm(form({ output: 'rpe_run-1.npz' }));
  assert.ok(named.ok && named.request.output === 'rpe_run-1.npz');
  for (const o of ['../x.npz', 'a b.npz', 'x.txt', 'x']) {
    const v = validateRunForm(form({ output: o }));
    assert.ok(!v.ok && v.errors.output, o);
  }
});

test('presets are the seven known ones', () => {
  assert.deepEqual(
    PRESETS.map((p) => [p.name, p.fmin, p.fmax, p.points, p.spacing]),
    [
      ['standard', 0.1, 1e5, 100, 'log'],
      ['high_res', 0.01, 1e6, 500, 'log'],
      ['fast', 1, 1e4, 50, 'log'],
      ['low_freq', 1e-3, 1e2, 200, 'log'],
      ['linear', 10, 1e3, 100, 'linear'],
      ['ultra_wide', 1e-4, 1e7, 1000, 'log'],
      ['mid_range', 10, 1e5, 250, 'log'],
    ],
  );
});

test('number parsing is strict', () => {
  assert.equal(parseNumber('25.05'), 25.05);
  assert.equal(parseNumber(' 1e-3 '), 1e-3);
  assert.equal(parseNumber('1,5'), null);
  assert.equal(parseNumber('0x10'), null);
  assert.equal(parseNumber(''), null);
  assert.equal(parseInteger('12'), 12);
  assert.equal(parseInteger('1.0'), null);
});

test('server messages are attached to the field they name', () => {
  assert.equal(fieldOfServerMessage('grid must be at most 30'), 'grid');
  assert.equal(fieldOfServerMessage('output: a file named x.npz already exists'), 'output');
  assert.equal(fieldOfServerMessage('ref.Ca must be positive'), 'Ca');
  assert.equal(fieldOfServerMessage('something else went wrong'), null);
});

test('validate_run_form: the description limit is the server one, and unknown means the server decides', () => {
  const long = 'x'.repeat(2500);
  const limited = validateRunForm(form({ description: long }), { maxDescription: 2000 });
  assert.equal(limited.ok, false);
  if (!limited.ok) assert.match(limited.errors.description ?? "", /At most 2000 bytes of UTF-8: this is 2500/);
  // Bytes, as the server counts: 1500 "é" are 1500 characters but 3000 bytes.
  assert.equal(validateRunForm(form({ description: 'é'.repeat(1500) }), { maxDescription: 2000 }).ok, false);
  assert.ok(validateRunForm(form({ description: long })).ok);
  assert.ok(validateRunForm(form({ description: 'short' }), { maxDescription: 2000 }).ok);
});

test('sample_day_from_name: the insert and day of NOVA names, nothing from other names (issue 18, item 10)', () => {
  assert.deepEqual(sampleDayFromName('16HBE_TW01_d3_endohm1_freq'), { sample: 'TW01', day: 3 });
  assert.deepEqual(sampleDayFromName('RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq'), { sample: 'TW1-1', day: 1 });
  assert.deepEqual(sampleDayFromName('16HBEmedia_8TWclean_d1_chamber1_channel1_freq'), { sample: null, day: 1 });
  assert.deepEqual(sampleDayFromName('16HBEmedia_disconnect_freq.txt'), { sample: null, day: null });
  assert.deepEqual(sampleDayFromName('TW3_d12.txt'), { sample: 'TW3', day: 12 });
});

test('day_error and area_error: a message for "d7" and "1,12" that says what to type; none for empty or right', () => {
  assert.equal(dayError('d7'), 'A day is a whole number: 7, not “d7”.');
  assert.match(dayError('three') ?? '', /whole number/);
  assert.equal(dayError(''), null);
  assert.equal(dayError(' 7 '), null);
  assert.equal(areaError('1,12'), 'An area is written with a point: 1.12, not “1,12”.');
  assert.match(areaError('0') ?? '', /above 0/);
  assert.equal(areaError(''), null);
  assert.equal(areaError('1.12'), null);
});
