// What every end-to-end test file shares: a REAL `eisgrid serve` with a real catalog in a temporary
// data directory, and Debian's headless Chromium driven by playwright-core. No mock server: each file
// computes the datasets it names with the eisgrid command line, creates the users, and starts the
// server on a free loopback port of its own, so no file depends on what another one wrote.
//
// Environment:
//   EISGRID_CLI           the eisgrid binary (default ../build/release/src/cli/eisgrid from web/)
//   CHROMIUM              the browser (default /usr/bin/chromium)
//   EISGRID_E2E_REQUIRED  1: fail, instead of skipping, when the binary has no `serve` command
//   EISGRID_SCREENSHOTS   a directory: a PNG of each state the page's acceptance names goes there (none when unset)

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { frequencyGrid, spectrum } from '../../src/circuit.ts';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.resolve(WEB, process.env.EISGRID_CLI ?? '../build/release/src/cli/eisgrid');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const DIST = path.join(WEB, 'dist');
const SHOTS = process.env.EISGRID_SCREENSHOTS ? path.resolve(WEB, process.env.EISGRID_SCREENSHOTS) : null;
export const SAMPLE = 'sample_grid_5_test.npz';
export const PRIVATE = 'bob_private_grid_3.npz';
export const NOSPECTRA = 'alice_no_spectra_grid_3.npz';
export const MISSING = 'alice_missing_grid_2.npz';
export const MEASURED = 'alice_measured_grid_3.npz';
export const MEASURED_CSV = 'insert_7_day_3.csv';
// A cpe dataset (SPEC 12) of its own user, with stored spectra for its best 3 rows only.
export const CPE = 'carol_cpe_grid_2.npz';
// Two small runs of different reference circuits, compared in one plot.
export const COMPARE = [
  { file: 'alice_compare_a_grid_3.npz', ref: 'Rsh=3000,Ra=400,Ca=2e-6,Rb=1200,Cb=9e-6' },
  { file: 'alice_compare_b_grid_3.npz', ref: 'Rsh=6000,Ra=900,Ca=5e-6,Rb=2500,Cb=20e-6' },
];
export const EXTRA = 19; // alice's small datasets, so that she sees about 25 in the list
const T = 20_000;
const FIXTURES = path.resolve(WEB, '../tests/data');
export const NOVA = path.join(FIXTURES, 'measured/nova');

function unavailable(): string | null {
  if (!fs.existsSync(CLI)) return `no eisgrid binary at ${CLI} (build it, or set EISGRID_CLI)`;
  // CLI11 answers `eisgrid serve --help` with the top-level help when there is no such command: read the list.
  const r = spawnSync(CLI, ['--help'], { encoding: 'utf8', timeout: 10_000 });
  if (!/^\s+serve\b/m.test(r.stdout ?? '')) return `${CLI} has no 'serve' command yet: the HTTP server is not built into it`;
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  return null;
}

const skipReason = unavailable();
if (skipReason) {
  const banner = `\n${'!'.repeat(78)}\n!! END-TO-END TESTS SKIPPED: ${skipReason}\n${'!'.repeat(78)}\n`;
  if (process.env.EISGRID_E2E_REQUIRED === '1') throw new Error(`EISGRID_E2E_REQUIRED=1 but ${skipReason}`);
  console.error(banner);
}

export function run(args: string[]): string {
  const r = spawnSync(CLI, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`eisgrid ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

function lastLine(s: string): string {
  const lines = s.trim().split('\n');
  return lines[lines.length - 1].trim();
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

const AXE = path.join(WEB, 'node_modules/axe-core/axe.min.js');

/** Accessibility check with axe-core (WCAG 2 A and AA rules): the violations of serious or critical impact. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated rather than added as a <script>: the page's Content-Security-Policy refuses inline scripts.
  await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  const result = await page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')) }));
  });
  return result.filter((v: any) => v.impact === 'serious' || v.impact === 'critical').map((v: any) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.join(', ')}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Uncaught errors of the pages this file opened. */
export const pageErrors: string[] = [];

/**
 * A test of the page. It carries the skip reason itself (node 20 cancels, rather than skips, the
 * tests of a skipped describe), and fails when a page threw an uncaught error while it ran.
 */
export const it = (name: string, fn: () => Promise<void> | void) =>
  test(name, { skip: skipReason ? `SKIPPED: ${skipReason}` : false }, async () => {
    const seen = pageErrors.length;
    await fn();
    assert.deepEqual(pageErrors.slice(seen), [], 'uncaught errors in the page');
  });

/**
 * The datasets a file may ask for, besides the public sample (grid 5, pre-computed) that every
 * server holds. Each is computed into the data directory before the server starts.
 */
const DATASETS = {
  /** carol's cpe grid with stored spectra for its best 3 rows only. */
  cpe: (data: string) =>
    run(['compute', '--model', 'cpe', '--grid', '2', '--spectra', '3', '--rs', '20', '--points', '30', '--output', CPE, '--data', data, '--user', 'carol', '-q']),
  /** bob's private grid. */
  private: (data: string) => run(['compute', '--grid', '3', '--output', PRIVATE, '--data', data, '--user', 'bob', '-q']),
  /** alice's grid without stored spectra, at linearly spaced frequencies. */
  nospectra: (data: string) => run(['compute', '--grid', '3', '--spectra', '0', '--preset', 'linear', '--output', NOSPECTRA, '--data', data, '--user', 'alice', '-q']),
  /** A dataset whose file went missing: the catalog still lists it. */
  missing: (data: string) => {
    run(['compute', '--grid', '2', '--output', MISSING, '--data', data, '--user', 'alice', '-q']);
    fs.rmSync(path.join(data, 'npz', 'user_generated', MISSING));
  },
  /** A dataset swept against a measured spectrum (the circuit's, written as a file). */
  measured: (data: string, tmp: string) => run(['compute', '--grid', '3', '--reference', path.join(tmp, MEASURED_CSV), '--output', MEASURED, '--data', data, '--user', 'alice', '-q']),
  /** alice's two runs of different reference circuits. */
  compare: (data: string) => {
    for (const c of COMPARE) run(['compute', '--grid', '3', '--preset', 'fast', '--ref', c.ref, '--output', c.file, '--data', data, '--user', 'alice', '-q']);
  },
  /** alice's small datasets, so that she sees about 25 in the list. */
  extra: (data: string) => {
    for (let i = 0; i < EXTRA; i++) run(['compute', '--grid', '2', '--output', `alice_extra_${i}.npz`, '--data', data, '--user', 'alice', '-q']);
  },
};
export type DatasetName = keyof typeof DATASETS;

/** The measured spectrum of a circuit, with a small wobble, as a CSV file of frequency, real and imaginary parts. */
function writeMeasuredCsv(file: string): void {
  const rows = frequencyGrid(1, 1e5, 40, 'log').map((f, i) => {
    const [re, im] = spectrum({ Rsh: 800, Ra: 300, Ca: 3e-6, Rb: 900, Cb: 8e-6 }, [f])[0];
    return `${f},${re * (1 + 0.002 * Math.sin(i))},${im}`;
  });
  fs.writeFileSync(file, `frequency,real,imaginary\n${rows.join('\n')}\n`);
}

export interface App {
  /** http://127.0.0.1:PORT, once the server runs. */
  base: string;
  /** The temporary directory: the data directory, the browser's profile, MEASURED_CSV. */
  tmp: string;
  data: string;
  /** The API keys of alice, bob and carol. */
  keys: Record<string, string>;
  server: ChildProcess | null;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  api(p: string, key?: string, init?: RequestInit): Promise<{ status: number; json: any }>;
  newPage(): Promise<Page>;
  signIn(page: Page, user: string): Promise<void>;
  /** A screenshot for the integrator's note, only when EISGRID_SCREENSHOTS names a directory. */
  shot(page: Page, name: string, fullPage?: boolean): Promise<void>;
}

/**
 * The server and the browser of one test file, set up before its tests and removed after them;
 * call it inside the file's describe. The public sample and `datasets` are computed first.
 */
export function startApp(datasets: DatasetName[] = []): App {
  let serverLog = '';
  // Launched while the datasets are computed: under load the browser takes seconds to start.
  let browser: Promise<BrowserContext> | null = null;
  let ctx: BrowserContext | null = null;
  let port = 0;

  const app: App = {
    base: '',
    tmp: '',
    data: '',
    keys: {},
    server: null,

    async startServer() {
      serverLog = '';
      const server = spawn(CLI, ['serve', '--port', String(port), '--data', app.data, '--web', DIST], { stdio: ['ignore', 'pipe', 'pipe'] });
      app.server = server;
      server.stdout!.on('data', (d) => (serverLog += d));
      server.stderr!.on('data', (d) => (serverLog += d));
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (server.exitCode != null) throw new Error(`eisgrid serve exited (${server.exitCode}): ${serverLog}`);
        try {
          const r = await fetch(`${app.base}/api/health`);
          if (r.ok) break;
        } catch {
          /* not yet listening */
        }
        if (Date.now() > deadline) throw new Error(`eisgrid serve did not answer on ${app.base} within 30 s: ${serverLog}`);
        await sleep(200);
      }
    },

    async stopServer() {
      const server = app.server!;
      server.kill('SIGTERM');
      await Promise.race([new Promise((r) => server.once('exit', r)), sleep(10_000)]);
    },

    async api(p, key, init = {}) {
      const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
      if (key) headers.Authorization = `Bearer ${key}`;
      const res = await fetch(app.base + p, { ...init, headers });
      return { status: res.status, json: (await res.json()) as any };
    },

    async newPage() {
      const page = await ctx!.newPage();
      page.setDefaultTimeout(T);
      page.on('pageerror', (e) => {
        console.error(`page error: ${e.message}`);
        pageErrors.push(e.message);
      });
      return page;
    },

    async signIn(page, user) {
      await page.fill('#api-key', app.keys[user]);
      await page.click('#signin button[type=submit]');
      try {
        await page.waitForFunction((u) => document.getElementById('who')?.textContent?.includes(`Signed in as ${u}`), user);
      } catch (e) {
        // What the page said and what the server logged, so that a failure here can be told apart from a slow machine.
        const said = await page.textContent('#auth').catch(() => '(no #auth)');
        throw new Error(`${user} not signed in: the page says "${said}"; the server's last lines:\n${serverLog.split('\n').slice(-15).join('\n')}`, { cause: e });
      }
    },

    async shot(page, name, fullPage = false) {
      if (!SHOTS) return;
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, name), fullPage });
    },
  };

  before(async () => {
    if (skipReason) return;
    assert.ok(fs.existsSync(path.join(DIST, 'index.html')), `no ${DIST}/index.html: run "npm run build" before "npm test"`);
    app.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eisgrid-web-e2e-'));
    app.data = path.join(app.tmp, 'data');
    fs.mkdirSync(app.data);
    browser = chromium.launchPersistentContext(path.join(app.tmp, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1366, height: 768 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    browser.catch(() => {}); // a failed launch is reported where it is awaited, below
    writeMeasuredCsv(path.join(app.tmp, MEASURED_CSV));
    run(['compute', '--grid', '5', '--into', 'precomputed', '--output', SAMPLE, '--data', app.data, '-q']);
    for (const u of ['alice', 'bob', 'carol']) app.keys[u] = lastLine(run(['user', 'add', u, '--data', app.data]));
    for (const d of datasets) DATASETS[d](app.data, app.tmp);

    // The files run side by side (package.json), and another one may bind the free port first: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      app.base = `http://127.0.0.1:${port}`;
      try {
        await app.startServer();
        break;
      } catch (e) {
        app.server?.kill('SIGKILL');
        if (attempt === 3) throw e;
      }
    }

    // A page served with another type is downloaded by the browser instead of shown: say so plainly.
    const index = await fetch(`${app.base}/`);
    const type = index.headers.get('content-type') ?? '';
    assert.ok(
      type.startsWith('text/html'),
      `eisgrid serve answers GET / with Content-Type "${type}", so browsers download the page instead of showing it (the server must send text/html for index.html)`,
    );

    ctx = await browser;
  });

  after(async () => {
    await (await browser?.catch(() => null))?.close().catch(() => {});
    const server = app.server;
    if (server && server.exitCode == null) {
      server.kill('SIGTERM');
      await Promise.race([new Promise((r) => server.once('exit', r)), sleep(5000)]);
      if (server.exitCode == null) server.kill('SIGKILL');
    }
    if (app.tmp) fs.rmSync(app.tmp, { recursive: true, force: true });
  });

  return app;
}
