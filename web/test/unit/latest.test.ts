import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Latest, STALE } from '../../src/latest.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('latest_take: the only request gets its value', async () => {
  const l = new Latest();
  assert.equal(await l.take(Promise.resolve(7)), 7);
});

test('latest_take: a request overtaken by a later one is dropped, even when it answers last', async () => {
  const l = new Latest();
  const first = deferred<string>();
  const second = deferred<string>();
  const a = l.take(first.promise);
  const b = l.take(second.promise);
  second.resolve('new');
  first.resolve('old');
  assert.equal(await b, 'new');
  assert.equal(await a, STALE);
});

test('latest_take: the error of a stale request is dropped, that of a current one is thrown', async () => {
  const l = new Latest();
  const first = deferred<number>();
  const a = l.take(first.promise);
  const b = l.take(Promise.reject(new Error('current')));
  first.reject(new Error('old'));
  assert.equal(await a, STALE);
  await assert.rejects(b, /current/);
});

test('latest_close: closing the view makes pending and later requests of its parts stale', async () => {
  const view = new Latest();
  const part = view.child();
  const pending = deferred<number>();
  const p = part.take(pending.promise);
  view.close();
  pending.resolve(1);
  assert.equal(await p, STALE);
  assert.equal(await part.take(Promise.resolve(2)), STALE);
  assert.equal(view.isOpen(), false);
  assert.equal(part.isOpen(), false);
});

test('latest_child: parts of one view do not overtake each other', async () => {
  const view = new Latest();
  const tags = view.child();
  const rows = view.child();
  const t = deferred<string>();
  const pt = tags.take(t.promise);
  const pr = rows.take(Promise.resolve('rows'));
  t.resolve('tags');
  assert.equal(await pr, 'rows');
  assert.equal(await pt, 'tags');
});
