import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limitsFromOpenApi } from '../../src/limits.ts';

const body = (properties: object) => ({ requestBody: { content: { 'application/json': { schema: { type: 'object', properties } } } } });

test('limits_from_openapi: the search limit, tag field lengths, run description and grid as the document states them', () => {
  const doc = {
    paths: {
      '/api/search/{filename}': { post: body({ max_resnorm: { type: 'number' }, limit: { type: 'integer', minimum: 1, maximum: 10000 } }) },
      '/api/tags': { post: body({ label: { type: 'string', maxLength: 200 }, category: { type: 'string', maxLength: 100 }, notes: { type: 'string', maxLength: 4000 } }) },
    },
    components: { schemas: { ComputeRequest: { properties: { grid: { maximum: 60 }, description: { type: 'string', maxLength: 2000 } } } } },
  };
  assert.deepEqual(limitsFromOpenApi(doc), { searchLimit: 10000, tagLabel: 200, tagCategory: 100, tagNotes: 4000, runDescription: 2000, runGrid: 60 });
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
