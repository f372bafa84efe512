// End-to-end test of tags on a dataset of another circuit model than rc (SPEC 12): a user tags a
// row of a cpe dataset on the page, against a REAL `eisgrid serve` and catalog, in Debian's headless
// Chromium; the tag table shows the cpe model's own parameter names and units (from GET /api/models)
// and the file's values, and its Plot button selects the row. Environment as app.test.ts.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { fmtNum } from '../../src/format.ts';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.resolve(WEB, process.env.EISGRID_CLI ?? '../build/release/src/cli/eisgrid');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const DIST = path.join(WEB, 'dist');
const CPE = 'dora_cpe_grid_2.npz';
const T = 20_000;

function unavailable(): string | null {
  if (!fs.existsSync(CLI)) return `no eisgrid binary at ${CLI} (build it, or set EISGRID_CLI)`;
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  if (!fs.existsSync(path.join(DIST, 'index.html'))) return `no ${DIST}/index.html (run "npm run build")`;
  return null;
}
const skipReason = unavailable();
if (skipReason && process.env.EISGRID_E2E_REQUIRED === '1') throw new Error(`EISGRID_E2E_REQUIRED=1 but ${skipReason}`);
// Each test carries the skip reason itself (node 20 cancels, rather than skips, the tests of a skipped describe).
const it = (name: string, fn: () => Promise<void>) => test(name, { skip: skipReason ? `SKIPPED: ${skipReason}` : false }, fn);

function eisgrid(args: string[]): string {
  const r = spawnSync(CLI, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`eisgrid ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

describe('tags of a cpe dataset on the page', () => {
  let tmp = '';
  let base = '';
  let key = '';
  let server: ChildProcess | null = null;
  let log = '';
  let ctx: BrowserContext | null = null;

  before(async () => {
    if (skipReason) return;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eisgrid-web-tags-'));
    const data = path.join(tmp, 'data');
    key = eisgrid(['user', 'add', 'dora', '--data', data]).trim().split('\n').pop()!.trim();
    eisgrid(['compute', '--model', 'cpe', '--grid', '2', '--spectra', '3', '--points', '30', '--output', CPE, '--data', data, '--user', 'dora', '-q']);
    base = `http://127.0.0.1:${await freePort()}`;
    server = spawn(CLI, ['serve', '--port', base.split(':').pop()!, '--data', data, '--web', DIST], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d) => (log += d));
    server.stderr!.on('data', (d) => (log += d));
    const deadline = Date.now() + 30_000;
    while (!(await fetch(`${base}/api/health`).then((r) => r.ok).catch(() => false))) {
      if (server.exitCode != null || Date.now() > deadline) throw new Error(`eisgrid serve did not answer on ${base}: ${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    ctx = await chromium.launchPersistentContext(path.join(tmp, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1366, height: 768 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  after(async () => {
    await ctx?.close().catch(() => {});
    if (server && server.exitCode == null) {
      server.kill('SIGTERM');
      await Promise.race([new Promise((r) => server!.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
      if (server.exitCode == null) server.kill('SIGKILL');
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("a cpe row is tagged and its tag shows the model's own parameters, units and values", async () => {
    const page = await ctx!.newPage();
    page.setDefaultTimeout(T);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`);
    await page.fill('#api-key', key);
    await page.click('#signin button[type=submit]');
    await page.waitForFunction(() => document.getElementById('who')?.textContent?.includes('Signed in as dora'));
    await page.goto(`${base}/#/dataset/${CPE}`);
    await page.locator('#results-table tbody tr[data-rank="2"]').waitFor();
    await page.click('#results-table tbody tr[data-rank="2"] button:has-text("Tag")');
    await page.fill('#tag-label', 'cpe candidate');
    await page.click('#tag-form button[type=submit]');
    const row = page.locator('#tag-table tbody tr', { hasText: 'cpe candidate' });
    await row.waitFor();

    // The model's parameters after Rs, named and with units as GET /api/models gives them.
    const heads = (await page.locator('#tag-table thead th').allTextContents()).map((s) => s.trim());
    for (const h of ['Rsh [Ω]', 'Qa [µS·s^α]', 'alpha_a', 'Qb [µS·s^α]', 'alpha_b', 'TER [Ω]', 'TEC [µF]']) assert.ok(heads.includes(h), `no column "${h}": ${heads.join(' | ')}`);
    assert.ok(!heads.includes('Ca [µF]'), `an rc column on a cpe tag: ${heads.join(' | ')}`);

    // The values are the file's row (the API's best results), Q in µS·s^α, TER and TEC the model's.
    const best = (await (await fetch(`${base}/api/best-results/${CPE}?n=3`, { headers: { Authorization: `Bearer ${key}` } })).json()) as any;
    const names: string[] = best.data.param_names;
    const values: number[] = best.data.parameters[2];
    const tags = (await (await fetch(`${base}/api/tags?filename=${CPE}`, { headers: { Authorization: `Bearer ${key}` } })).json()) as any;
    assert.equal(tags.tags.length, 1);
    assert.equal(tags.tags[0].model, 'cpe');
    assert.deepEqual(Object.keys(tags.tags[0].params).sort(), [...names].sort());
    for (const [k, name] of names.entries()) {
      assert.equal(tags.tags[0].params[name], values[k], name);
      const scale = name.startsWith('Q') ? 1e6 : 1;
      assert.equal((await row.locator(`td[data-col="${name}"]`).textContent())?.trim(), fmtNum(values[k] * scale), name);
    }
    assert.equal((await row.locator('td[data-col="TER"]').textContent())?.trim(), fmtNum(best.data.ter[2]));
    assert.equal((await row.locator('td[data-col="TEC"]').textContent())?.trim(), fmtNum(best.data.tec[2] * 1e6));

    // Plot selects the tagged row as a row of the ranking.
    await row.locator('button:has-text("Plot")').click();
    await page.locator('#results-table tbody tr[data-rank="2"].selected').waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });
});
