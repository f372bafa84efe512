import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limitsFromOpenApi, textTooLong, utf8Bytes } from '../../src/limits.ts';

const body = (properties: object) => ({ requestBody: { content: { 'application/json': { schema: { type: 'object', properties } } } } });

const text = (bytes: number) => ({ type: 'string', maxLength: bytes, 'x-max-bytes': bytes });

test('limits_from_openapi: the search limit, text limits in bytes, the run and fit grids and the spectrum frequencies as the document states them', () => {
  const doc = {
    paths: {
      '/api/search/{filename}': { post: body({ max_resnorm: { type: 'number' }, limit: { type: 'integer', minimum: 1, maximum: 10000 } }) },
      '/api/tags': { post: body({ label: text(200), category: text(100), notes: text(4000) }) },
      '/api/experiments': { post: body({ name: text(201), description: text(4001) }) },
      '/api/models/{name}/spectrum': { post: body({ params: { type: 'object' }, frequencies: { type: 'array', minItems: 1, maxItems: 1000 } }) },
    },
    components: {
      schemas: {
        ComputeRequest: { properties: { grid: { maximum: 60 }, description: text(2000) } },
        MeasurementFields: { properties: { sample: text(202), condition: text(203), notes: text(4000) } },
        FitRequest: { properties: { grid: { type: 'integer', minimum: 2, maximum: 12 } } },
      },
    },
  };
  assert.deepEqual(limitsFromOpenApi(doc), {
    searchLimit: 10000,
    tagLabel: 200,
    tagCategory: 100,
    tagNotes: 4000,
    runDescription: 2000,
    runGrid: 60,
    measurementSample: 202,
    measurementCondition: 203,
    experimentName: 201,
    fitGridMin: 2,
    fitGrid: 12,
    spectrumFrequencies: 1000,
  });
});

test('limits_from_openapi: maxLength alone counts characters, not bytes: no byte limit is taken from it', () => {
  const doc = { paths: { '/api/tags': { post: body({ notes: { type: 'string', maxLength: 4000 } }) } } };
  assert.equal(limitsFromOpenApi(doc).tagNotes, undefined);
});

test('text_too_long: counts bytes of UTF-8 as the server does', () => {
  assert.equal(utf8Bytes('abc'), 3);
  assert.equal(utf8Bytes('é'), 2);
  assert.equal(utf8Bytes('€'), 3);
  assert.equal(utf8Bytes('🧫'), 4);
  assert.equal(textTooLong('a'.repeat(10), 10), null);
  assert.equal(textTooLong('é'.repeat(5), 10), null);
  // Six characters, twelve bytes: within ten characters, over ten bytes.
  const msg = textTooLong('é'.repeat(6), 10);
  assert.ok(msg);
  assert.match(msg!, /At most 10 bytes of UTF-8: this is 12 \(6 characters/);
  assert.match(textTooLong('a'.repeat(11), 10)!, /this is 11\.$/);
  assert.equal(textTooLong('é'.repeat(100), undefined), null, 'an unknown limit is left to the server');
});

test('limits_from_openapi: a limit the document does not state stays unknown', () => {
  const doc = { paths: { '/api/tags': { post: body({ label: { type: 'string' } }) } } };
  const l = limitsFromOpenApi(doc);
  assert.equal(l.tagLabel, undefined);
  assert.equal(l.searchLimit, undefined);
  assert.equal(l.runDescription, undefined);
});

test('limits_from_openapi: no document, or nonsense values, give no limits', () => {
  assert.deepEqual(limitsFromOpenApi(null), limitsFromOpenApi({}));
  const bad = { paths: { '/api/search/{filename}': { post: body({ limit: { maximum: -5 } }) } } };
  assert.equal(limitsFromOpenApi(bad).searchLimit, undefined);
  const text = { paths: { '/api/search/{filename}': { post: body({ limit: { maximum: '100' } }) } } };
  assert.equal(limitsFromOpenApi(text).searchLimit, undefined);
});
