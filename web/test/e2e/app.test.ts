// End-to-end tests of the page against a REAL `eisgrid serve` with a real catalog, in Debian's
// headless Chromium driven by playwright-core. No mock server: the setup computes a sample dataset
// with the eisgrid command line, creates users, and starts the server on a free loopback port.
//
// Environment:
//   EISGRID_CLI           the eisgrid binary (default ../build/release/src/cli/eisgrid from web/)
//   CHROMIUM              the browser (default /usr/bin/chromium)
//   EISGRID_E2E_REQUIRED  1: fail, instead of skipping, when the binary has no `serve` command
//   EISGRID_SCREENSHOTS   a directory: a PNG of each state the page's acceptance names goes there (none when unset)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { fmtFixed, fmtNum } from '../../src/format.ts';
import { frequencyGrid, spectrum, ter, tec } from '../../src/circuit.ts';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.resolve(WEB, process.env.EISGRID_CLI ?? '../build/release/src/cli/eisgrid');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const DIST = path.join(WEB, 'dist');
const SHOTS = process.env.EISGRID_SCREENSHOTS ? path.resolve(WEB, process.env.EISGRID_SCREENSHOTS) : null;
const SAMPLE = 'sample_grid_5_test.npz';
const PRIVATE = 'bob_private_grid_3.npz';
const RUN = 'e2e_run_grid_5.npz';
const NOSPECTRA = 'alice_no_spectra_grid_3.npz';
const MISSING = 'alice_missing_grid_2.npz';
const MEASURED = 'alice_measured_grid_3.npz';
const MEASURED_CSV = 'insert_7_day_3.csv';
// A cpe dataset (SPEC 12) of its own user, with stored spectra for its best 3 rows only.
const CPE = 'carol_cpe_grid_2.npz';
// Two small runs of different reference circuits, compared in one plot.
const COMPARE = [
  { file: 'alice_compare_a_grid_3.npz', ref: 'Rsh=3000,Ra=400,Ca=2e-6,Rb=1200,Cb=9e-6' },
  { file: 'alice_compare_b_grid_3.npz', ref: 'Rsh=6000,Ra=900,Ca=5e-6,Rb=2500,Cb=20e-6' },
];
const EXTRA = 19; // alice's small datasets, so that she sees about 25 in the list
const T = 20_000;
const FIXTURES = path.resolve(WEB, '../tests/data');
const NOVA = path.join(FIXTURES, 'measured/nova');
const RPE = 'RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq';
const HBE = [1, 2, 3, 4].map((i) => `16HBE_TW0${i}_d3_endohm1_freq`);
const DISCONNECTED = '16HBEmedia_disconnect_freq.txt';
const CLEAN = '16HBEmedia_8TWclean_d1_chamber1_channel1_freq';
const MANY_COPIES = 100; // of the RPE file in one upload: 300 sweeps, seconds of fitting
const INSERT_AREA = 1.12; // cm², the Corning 3460 Transwells of the NOVA files
const FIT_TIMEOUT = 180_000;

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

function run(args: string[]): string {
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
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated rather than added as a <script>: the page's Content-Security-Policy refuses inline scripts.
  await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  const result = await page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')) }));
  });
  return result.filter((v: any) => v.impact === 'serious' || v.impact === 'critical').map((v: any) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.join(', ')}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Each test carries the skip reason itself (node 20 cancels, rather than skips, the tests of a skipped describe).
const it = (name: string, fn: () => Promise<void> | void) => test(name, { skip: skipReason ? `SKIPPED: ${skipReason}` : false }, fn);

describe('eisgrid web page against a real eisgrid server', () => {
  let tmp = '';
  let data = '';
  let server: ChildProcess | null = null;
  let serverLog = '';
  let base = '';
  let ctx: BrowserContext | null = null;
  const keys: Record<string, string> = {};
  let port = 0;

  async function startServer(): Promise<void> {
    serverLog = '';
    server = spawn(CLI, ['serve', '--port', String(port), '--data', data, '--web', DIST], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d) => (serverLog += d));
    server.stderr!.on('data', (d) => (serverLog += d));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (server.exitCode != null) throw new Error(`eisgrid serve exited (${server.exitCode}): ${serverLog}`);
      try {
        const r = await fetch(`${base}/api/health`);
        if (r.ok) break;
      } catch {
        /* not yet listening */
      }
      if (Date.now() > deadline) throw new Error(`eisgrid serve did not answer on ${base} within 30 s: ${serverLog}`);
      await sleep(200);
    }
  }

  async function stopServer(): Promise<void> {
    server!.kill('SIGTERM');
    await Promise.race([new Promise((r) => server!.once('exit', r)), sleep(10_000)]);
  }

  async function api(p: string, key?: string, init: RequestInit = {}) {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
    if (key) headers.Authorization = `Bearer ${key}`;
    const res = await fetch(base + p, { ...init, headers });
    return { status: res.status, json: (await res.json()) as any };
  }

  async function newPage(): Promise<Page> {
    const page = await ctx!.newPage();
    page.setDefaultTimeout(T);
    page.on('pageerror', (e) => {
      console.error(`page error: ${e.message}`);
      pageErrors.push(e.message);
    });
    return page;
  }
  const pageErrors: string[] = [];

  async function signIn(page: Page, user: string): Promise<void> {
    await page.fill('#api-key', keys[user]);
    await page.click('#signin button[type=submit]');
    await page.waitForFunction((u) => document.getElementById('who')?.textContent?.includes(`Signed in as ${u}`), user);
  }

  /** A screenshot for the integrator's note, only when EISGRID_SCREENSHOTS names a directory. */
  async function shot(page: Page, name: string, fullPage = false): Promise<void> {
    if (!SHOTS) return;
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, name), fullPage });
  }

  before(async () => {
    if (skipReason) return;
    assert.ok(fs.existsSync(path.join(DIST, 'index.html')), `no ${DIST}/index.html: run "npm run build" before "npm test"`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eisgrid-web-e2e-'));
    data = path.join(tmp, 'data');
    fs.mkdirSync(data);
    run(['compute', '--grid', '5', '--into', 'precomputed', '--output', SAMPLE, '--data', data, '-q']);
    for (const u of ['alice', 'bob']) keys[u] = lastLine(run(['user', 'add', u, '--data', data]));
    keys.carol = lastLine(run(['user', 'add', 'carol', '--data', data]));
    run(['compute', '--model', 'cpe', '--grid', '2', '--spectra', '3', '--rs', '20', '--points', '30', '--output', CPE, '--data', data, '--user', 'carol', '-q']);
    run(['compute', '--grid', '3', '--output', PRIVATE, '--data', data, '--user', 'bob', '-q']);
    run(['compute', '--grid', '3', '--spectra', '0', '--preset', 'linear', '--output', NOSPECTRA, '--data', data, '--user', 'alice', '-q']);
    // A dataset whose file went missing: the catalog still lists it.
    run(['compute', '--grid', '2', '--output', MISSING, '--data', data, '--user', 'alice', '-q']);
    fs.rmSync(path.join(data, 'npz', 'user_generated', MISSING));
    // A dataset swept against a measured spectrum (the circuit's, written as a file).
    const csv = path.join(tmp, MEASURED_CSV);
    const rows = frequencyGrid(1, 1e5, 40, 'log').map((f, i) => {
      const [re, im] = spectrum({ Rsh: 800, Ra: 300, Ca: 3e-6, Rb: 900, Cb: 8e-6 }, [f])[0];
      return `${f},${re * (1 + 0.002 * Math.sin(i))},${im}`;
    });
    fs.writeFileSync(csv, `frequency,real,imaginary\n${rows.join('\n')}\n`);
    run(['compute', '--grid', '3', '--reference', csv, '--output', MEASURED, '--data', data, '--user', 'alice', '-q']);
    for (const c of COMPARE) run(['compute', '--grid', '3', '--preset', 'fast', '--ref', c.ref, '--output', c.file, '--data', data, '--user', 'alice', '-q']);
    for (let i = 0; i < EXTRA; i++) run(['compute', '--grid', '2', '--output', `alice_extra_${i}.npz`, '--data', data, '--user', 'alice', '-q']);

    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    await startServer();

    // A page served with another type is downloaded by the browser instead of shown: say so plainly.
    const index = await fetch(`${base}/`);
    const type = index.headers.get('content-type') ?? '';
    assert.ok(
      type.startsWith('text/html'),
      `eisgrid serve answers GET / with Content-Type "${type}", so browsers download the page instead of showing it (the server must send text/html for index.html)`,
    );

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
      await Promise.race([new Promise((r) => server!.once('exit', r)), sleep(5000)]);
      if (server.exitCode == null) server.kill('SIGKILL');
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the page is served by eisgrid and reports the API online', async () => {
    const page = await newPage();
    await page.goto(base + '/');
    await page.waitForSelector('#api-status.status-online');
    assert.match((await page.textContent('#api-status')) ?? '', /online/);
    assert.match((await page.textContent('#who')) ?? '', /Anonymous/);
    await page.close();
  });

  it('the list shows the sample dataset with its circuit parameters', async () => {
    const page = await newPage();
    await page.goto(base + '/');
    const card = page.locator(`#dataset-list [data-filename="${SAMPLE}"]`);
    await card.waitFor();
    const text = (await card.textContent()) ?? '';
    for (const s of ['Pre-computed', 'Public', 'Available', 'Rsh', '5005 Ω', '25.05 µF', '3\u202f125', '273.005', '0.1 Hz – 100 kHz']) {
      assert.ok(text.includes(s), `card lacks "${s}": ${text}`);
    }
    assert.equal(await card.locator('.ref-param').count(), 5);
    const o = (await page.textContent('#overview')) ?? '';
    assert.match(o, /Datasets\s*1/);
    // Filter: a word that matches nothing empties the list; the file name brings it back.
    await page.fill('#dataset-filter', 'no-such-dataset');
    await page.waitForSelector('#dataset-list .empty');
    await page.fill('#dataset-filter', 'sample');
    await card.waitFor();
    await shot(page, 'list.png');
    await page.close();
  });

  it("the view's best row matches the API", async () => {
    const page = await newPage();
    await page.goto(base + '/');
    await page.click(`#dataset-list [data-filename="${SAMPLE}"] a:has-text("View")`);
    const row = page.locator('#results-table tbody tr[data-rank="0"]');
    await row.waitFor();
    const { status, json } = await api(`/api/best-results/${SAMPLE}?n=1&offset=0`);
    assert.equal(status, 200);
    const [Rsh, Ra, Ca, Rb, Cb] = json.data.parameters[0];
    const p = { Rsh, Ra, Ca, Rb, Cb };
    const expected: Record<string, string> = {
      rank: '0',
      resnorm: fmtNum(json.data.resnorms[0]),
      Rsh: fmtNum(Rsh),
      Ra: fmtNum(Ra),
      Ca: fmtNum(Ca * 1e6),
      Rb: fmtNum(Rb),
      Cb: fmtNum(Cb * 1e6),
      TER: fmtNum(json.data.ter?.[0] ?? ter(p)),
      TEC: fmtNum((json.data.tec?.[0] ?? tec(p)) * 1e6),
    };
    for (const [col, want] of Object.entries(expected)) {
      const got = (await row.locator(`td[data-col="${col}"]`).textContent())?.trim();
      assert.equal(got, want, `column ${col}`);
    }
    // The SPEC's test vector: best 273.005236 at (1e4, 1778.28, 10.5737 µF, 1778.28, 50 µF).
    assert.equal(expected.resnorm, '273.005');
    assert.match((await page.textContent('#page-info')) ?? '', /of 3\u202f125/);
    // Paging with n/offset: the next page starts at rank 10.
    await page.click('#page-next');
    await page.locator('#results-table tbody tr[data-rank="10"]').waitFor();
    const second = await api(`/api/best-results/${SAMPLE}?n=1&offset=10`);
    assert.equal(
      (await page.locator('#results-table tbody tr[data-rank="10"] td[data-col="resnorm"]').textContent())?.trim(),
      fmtNum(second.json.data.resnorms[0]),
    );
    await page.close();
  });

  it('the plots render the reference and the selected rows', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/dataset/${SAMPLE}`);
    // The best row is selected on opening: reference + 1 series in each of the three plots.
    for (const id of ['plot-nyquist', 'plot-bode-mag', 'plot-bode-phase']) {
      await page.waitForSelector(`#${id}[data-series="2"] canvas`);
    }
    assert.equal(await page.locator('#plot-legend li').count(), 2);
    await page.check('#results-table input[data-rank="1"]');
    await page.waitForSelector('#plot-nyquist[data-series="3"] canvas');
    await page.check('#results-table input[data-rank="3"]');
    for (const id of ['plot-nyquist', 'plot-bode-mag', 'plot-bode-phase']) {
      await page.waitForSelector(`#${id}[data-series="4"] canvas`);
    }
    assert.equal(await page.locator('#plot-legend li').count(), 4);
    // Something was drawn: the Nyquist canvas has the reference's dark pixels and a series colour.
    const colours = await page.evaluate(() => {
      const c = document.querySelector('#plot-nyquist canvas') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<string>();
      for (let i = 0; i < d.length; i += 4 * 7) if (d[i + 3] > 200) seen.add(`${d[i] >> 4},${d[i + 1] >> 4},${d[i + 2] >> 4}`);
      return seen.size;
    });
    assert.ok(colours >= 4, `Nyquist canvas looks empty (${colours} colours)`);
    // Equal axes: one ohm spans the same number of pixels on both axes.
    const nyq = await page.evaluate(() => {
      const el = document.querySelector('#plot-nyquist') as HTMLElement;
      return { x: Number(el.dataset.ohmPerPxX), y: Number(el.dataset.ohmPerPxY) };
    });
    assert.ok(nyq.x > 0 && Math.abs(nyq.x / nyq.y - 1) < 1e-6, `Nyquist axes are not equal: ${JSON.stringify(nyq)} Ω per pixel`);
    // The app shell: the document itself never scrolls at 1366×768; the list and the view do.
    assert.deepEqual(
      await page.evaluate(() => [document.documentElement.scrollHeight, window.innerHeight]),
      [768, 768],
      'the document is taller than the window',
    );
    await shot(page, 'dataset-view.png');
    await page.locator('#plots').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'dataset-plots.png');
    // Unticking brings it back down.
    await page.uncheck('#results-table input[data-rank="1"]');
    await page.waitForSelector('#plot-bode-phase[data-series="3"] canvas');
    // Keyboard: Space on a focused checkbox plots the row and the focus stays on it.
    await page.focus('#results-table input[data-rank="2"]');
    await page.keyboard.press('Space');
    await page.waitForSelector('#plot-nyquist[data-series="4"] canvas');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.rank), '2');
    await page.close();
  });

  it('a dataset without stored spectra is plotted from the circuit model', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    // Its card says the frequencies are linearly spaced (the linear preset, 10 Hz – 1 kHz).
    const card = page.locator(`#dataset-list [data-filename="${NOSPECTRA}"]`);
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /10 Hz – 1 kHz, linear/);
    await page.goto(`${base}/#/dataset/${NOSPECTRA}`);
    for (const id of ['plot-nyquist', 'plot-bode-mag', 'plot-bode-phase']) {
      await page.waitForSelector(`#${id}[data-series="2"] canvas`);
    }
    assert.match((await page.textContent('#plots')) ?? '', /computed from the circuit model/);
    await page.check('#results-table input[data-rank="1"]');
    await page.waitForSelector('#plot-nyquist[data-series="3"] canvas');
    await page.close();
  });

  it("a cpe dataset's view shows its model's parameters and the server's spectra", async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'carol');
    await page.goto(`${base}/#/dataset/${CPE}`);
    await page.locator('#results-table tbody tr[data-rank="0"]').waitFor();
    const heads = (await page.locator('#results-table thead th').allTextContents()).map((t) => t.trim());
    for (const want of ['Rs [Ω]', 'Rsh [Ω]', 'Qa [µS·s^α]', 'alpha_a', 'Qb [µS·s^α]', 'alpha_b', 'TER [Ω]', 'TEC [µF]']) {
      assert.ok(heads.includes(want), `no column "${want}" in ${heads.join(' | ')}`);
    }
    assert.ok(!heads.some((t) => t.startsWith('Ca') || t.startsWith('τa')), `rc's columns on a cpe dataset: ${heads.join(' | ')}`);
    // The cells are the API's values, by name.
    const best = (await api(`/api/best-results/${CPE}?n=10`, keys.carol)).json.data;
    assert.deepEqual(best.param_names, ['Rsh', 'Ra', 'Qa', 'alpha_a', 'Rb', 'Qb', 'alpha_b']);
    const row = page.locator('#results-table tbody tr[data-rank="4"]');
    assert.equal((await row.locator('[data-col="alpha_a"]').textContent())?.trim(), fmtNum(best.parameters[4][3]));
    assert.equal((await row.locator('[data-col="Qb"]').textContent())?.trim(), fmtNum(best.parameters[4][5] * 1e6), 'Qb in µS·s^α, as the fit tables show it');
    assert.equal((await row.locator('[data-col="TER"]').textContent())?.trim(), fmtNum(best.ter[4]));
    assert.equal((await row.locator('[data-col="TEC"]').textContent())?.trim(), fmtNum(best.tec[4] * 1e6));
    assert.equal((await row.locator('[data-col="Rs"]').textContent())?.trim(), fmtNum(20));
    assert.match((await page.textContent('#best-hint')) ?? '', /cpe model/);
    // Rank 4 has no stored spectrum: the page asks the server, which computes it with the cpe impedance.
    const asked = page.waitForResponse((r) => r.url().includes(`/api/spectrum/${CPE}`) && (r.request().postData() ?? '').includes('4'));
    await page.check('#results-table input[data-rank="4"]');
    const answer = (await (await asked).json()).data;
    assert.deepEqual(answer.indices, [0, 4]);
    assert.deepEqual(answer.stored, [true, false]);
    assert.equal(answer.model, 'cpe');
    assert.equal(answer.spectra[1].length, 30);
    await page.waitForSelector('#plot-nyquist[data-series="3"] canvas');
    assert.match((await page.textContent('#plots')) ?? '', /1 of the plotted rows have no stored spectrum/);
    await page.close();
  });

  it("compared beside an rc dataset, a cpe dataset's best row shows its own parameters, not rc's columns", async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'carol');
    await page.goto(`${base}/#/compare/${CPE},${SAMPLE}`);
    const cpeRow = page.locator(`#compare-ds-table tbody tr[data-filename="${CPE}"]`);
    await cpeRow.locator('[data-col="parameters"]').waitFor();
    const best = (await api(`/api/best-results/${CPE}?n=1`, keys.carol)).json.data;
    const text = (await cpeRow.locator('[data-col="parameters"]').textContent()) ?? '';
    for (const name of best.param_names) assert.match(text, new RegExp(`\\b${name} `), `no ${name} in "${text}"`);
    assert.match(text, new RegExp(`alpha_a ${fmtNum(best.parameters[0][3]).replace(/[.+]/g, '\\$&')}`));
    assert.equal((await cpeRow.locator('[data-col="TER"]').textContent())?.trim(), fmtNum(best.ter[0]));
    assert.equal(await cpeRow.locator('[data-col="Ca"]').count(), 0, "rc's Ca column filled from a cpe row");
    // The rc dataset keeps rc's columns.
    const rcRow = page.locator(`#compare-ds-table tbody tr[data-filename="${SAMPLE}"]`);
    assert.equal(await rcRow.locator('[data-col="Ca"]').count(), 1);
    await page.close();
  });

  it('the run form sweeps the model chosen from the server\'s list', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/new`);
    await signIn(page, 'carol');
    await page.waitForSelector('#run-model option[value="cpe"]', { state: 'attached' });
    await page.selectOption('#run-model', 'cpe');
    await page.fill('#run-grid', '2');
    assert.match((await page.textContent('[data-field="grid"]')) ?? '', /128 grid points \(g⁷\)/);
    await page.fill('#run-output', 'carol_cpe_run.npz');
    await page.click('#run-submit');
    await page.waitForSelector('#jobs .job[data-state="done"]', { timeout: 90_000 });
    const listed = (await api('/api/datasets', keys.carol)).json.datasets.find((d: any) => d.filename === 'carol_cpe_run.npz');
    assert.equal(listed?.model, 'cpe');
    const job = (await api('/api/jobs', keys.carol)).json.jobs.find((j: any) => j.output === 'carol_cpe_run.npz');
    assert.equal(job?.request?.model, 'cpe');
    // A model the grid sweep cannot take: the server's refusal, which names the way out.
    await page.selectOption('#run-model', 'rc_electrode');
    await page.fill('#run-output', 'carol_electrode.npz');
    await page.click('#run-submit');
    await page.waitForSelector('#run-form-msg:has-text("eisgrid fit --model rc_electrode")');
    await page.close();
  });

  it('keyboard: a dataset opens with Enter and the focus moves to the view', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.focus(`#dataset-list [data-filename="${SAMPLE}"] a:has-text("View")`);
    await page.keyboard.press('Enter');
    await page.locator('#results-table tbody tr[data-rank="0"]').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('.view-actions') != null), true, 'Tab goes on to the view');
    await page.close();
  });

  it('search by maximum resnorm', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/dataset/${SAMPLE}`);
    await page.locator('#results-table tbody tr[data-rank="0"]').waitFor();
    const { json } = await api(`/api/search/${SAMPLE}`, undefined, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ max_resnorm: 300, limit: 1000 }),
    });
    await page.fill('#search-max', '300');
    await page.click('#search-form button[type=submit]');
    await page.waitForFunction(() => /resnorm ≤ 300/.test(document.getElementById('results-msg')?.textContent ?? ''));
    assert.equal(await page.locator('#results-table tbody tr[data-rank]').count(), json.data.count);
    assert.equal(json.data.count, 2); // the best set and its mirror image
    await page.fill('#search-max', 'lots');
    await page.click('#search-form button[type=submit]');
    await page.waitForSelector('#search-error:has-text("number")');
    await page.close();
  });

  it('a signed-in user tags a row and sees it in the list of tags', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/dataset/${SAMPLE}`);
    await page.locator('#results-table tbody tr[data-rank="0"]').waitFor();
    // Anonymous: told to sign in.
    await page.fill('#tag-label', 'best fit');
    await page.click('#tag-form button[type=submit]');
    await page.waitForSelector('#tag-msg:has-text("Sign in")');
    await signIn(page, 'alice');
    await page.locator('#results-table tbody tr[data-rank="0"]').waitFor();
    await page.click('#results-table tbody tr[data-rank="1"] button:has-text("Tag")');
    await page.fill('#tag-label', 'mirror of the best');
    await page.fill('#tag-category', 'candidate');
    await page.fill('#tag-notes', 'Ra/Ca and Rb/Cb swapped');
    await page.click('#tag-form button[type=submit]');
    const tagRow = page.locator('#tag-table tbody tr', { hasText: 'mirror of the best' });
    await tagRow.waitFor();
    const t = (await tagRow.textContent()) ?? '';
    assert.ok(t.includes('candidate') && t.includes('Ra/Ca and Rb/Cb swapped'), t);
    assert.equal((await tagRow.locator('td').first().textContent())?.trim(), '1');
    await page.locator('#tags').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(page, 'tags.png');
    const { json } = await api(`/api/tags?filename=${SAMPLE}`, keys.alice);
    assert.ok(json.tags.some((x: any) => x.label === 'mirror of the best' && x.rank === 1 && x.mine === true));
    assert.equal(await tagRow.locator('button:has-text("Delete")').count(), 1);
    // Another user sees the tag on the public dataset but is not offered to delete it.
    await page.click('#sign-out');
    await signIn(page, 'bob');
    await page.goto(`${base}/#/dataset/${SAMPLE}`);
    const bobsView = page.locator('#tag-table tbody tr', { hasText: 'mirror of the best' });
    await bobsView.waitFor();
    assert.equal(await bobsView.locator('button:has-text("Delete")').count(), 0);
    assert.equal(await bobsView.locator('button:has-text("Plot")').count(), 1);
    await page.close();
  });

  it('a tag note over the server\'s limit in bytes of UTF-8 is refused on the page, next to the field, before any request', async () => {
    // The limit as the server states it (its own constant, in bytes).
    const { json: doc } = await api('/api/openapi.json');
    const max = doc.paths['/api/tags'].post.requestBody.content['application/json'].schema.properties.notes['x-max-bytes'];
    assert.ok(Number.isInteger(max) && max > 0, `x-max-bytes of the tag notes: ${max}`);
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    await page.goto(`${base}/#/dataset/${SAMPLE}`);
    await page.locator('#results-table tbody tr[data-rank="0"]').waitFor();
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/api/tags')) posts.push(r.url());
    });
    // "é" is two bytes: within the limit in characters, over it in bytes.
    const note = 'é'.repeat(Math.floor(max / 2) + 1);
    await page.fill('#tag-label', 'long note');
    await page.fill('#tag-notes', note);
    assert.equal((await page.inputValue('#tag-notes')).length, note.length, 'the field takes the text: it is within the limit in characters');
    await page.click('#tag-form button[type=submit]');
    await page.waitForSelector('#tag-notes-error:has-text("bytes of UTF-8")');
    assert.match((await page.textContent('#tag-notes-error')) ?? '', new RegExp(`At most ${max} bytes of UTF-8: this is ${2 * note.length}`));
    assert.equal(await page.getAttribute('#tag-notes', 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'tag-notes');
    assert.deepEqual(posts, [], 'nothing was sent');
    await page.locator('#tags').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(page, 'tag-note-too-long.png');
    // At the limit it is sent, and the server takes it.
    await page.fill('#tag-notes', 'é'.repeat(Math.floor(max / 2)));
    await page.click('#tag-form button[type=submit]');
    await page.locator('#tag-table tbody tr', { hasText: 'long note' }).waitFor();
    assert.equal(posts.length, 1);
    assert.equal(await page.textContent('#tag-notes-error'), '');
    await page.close();
  });

  it('bad form input shows a message next to the field', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/new`);
    await page.fill('#run-grid', '1');
    await page.fill('#run-Ca', '-2');
    await page.fill('#run-output', 'not a name');
    await page.click('#run-submit');
    await page.waitForSelector('#run-grid-error:has-text("between 2 and")');
    assert.match((await page.textContent('#run-Ca-error')) ?? '', /above 0 µF/);
    assert.match((await page.textContent('#run-output-error')) ?? '', /\.npz/);
    assert.equal(await page.getAttribute('#run-grid', 'aria-invalid'), 'true');
    assert.match((await page.textContent('#run-form-msg')) ?? '', /correct the 3 fields/);
    // The first bad field has the focus, for keyboard users.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'run-grid');
    // Custom frequencies: the highest must be above the lowest.
    await page.fill('#run-grid', '5');
    await page.fill('#run-Ca', '25.05');
    await page.fill('#run-output', '');
    await page.selectOption('#run-preset', 'custom');
    await page.fill('#run-fmin', '1000');
    await page.fill('#run-fmax', '10');
    await page.click('#run-submit');
    await page.waitForSelector('#run-fmax-error:has-text("above the lowest")');
    await shot(page, 'run-form-errors.png');
    // Valid input but anonymous: told to sign in, nothing started.
    await page.fill('#run-fmax', '1e4');
    await page.click('#run-submit');
    await page.waitForSelector('#run-form-msg:has-text("Sign in")');
    await page.close();
  });

  it('a g=5 run started from the form shows progress and then appears in the list', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    await page.click('#new-run-link');
    await page.waitForSelector('#run-form');
    await page.fill('#run-grid', '5');
    await page.selectOption('#run-preset', 'fast');
    await page.fill('#run-keep', 'all');
    await page.fill('#run-output', RUN);
    await page.click('#run-submit');
    const job = page.locator('#jobs .job').first();
    await job.waitFor();
    assert.equal(await job.locator('progress.job-progress').count(), 1);
    await page.waitForSelector('#jobs .job[data-state="done"]', { timeout: 90_000 });
    assert.equal(await job.locator('progress').evaluate((p) => (p as HTMLProgressElement).value), 1);
    assert.match((await job.textContent()) ?? '', new RegExp(`Done.*${RUN.replace(/\./g, '\\.')}`));
    const card = page.locator(`#dataset-list [data-filename="${RUN}"]`);
    await card.waitFor();
    const text = (await card.textContent()) ?? '';
    assert.ok(text.includes('Yours') && text.includes('alice'), text);
    assert.ok(text.includes('3\u202f125'), text);
    await shot(page, 'run-done.png');
    // The server refuses a second run into the same file name; its message is shown.
    await page.click('#run-submit');
    await page.waitForFunction(
      () =>
        (document.querySelector('#run-form-msg.error')?.textContent ?? '').includes('server') ||
        document.querySelectorAll('#jobs .job[data-state="failed"]').length > 0,
      null,
      { timeout: 60_000 },
    );
    await shot(page, 'run-server-error.png');
    await page.click(`#dataset-list [data-filename="${RUN}"] a:has-text("View")`);
    await page.waitForSelector('#plot-nyquist[data-series="2"] canvas');
    await page.close();
  });

  it('a long run shows live progress, is found again after a reload, and can be cancelled', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    await page.click('#new-run-link');
    // 60⁵ ≈ 7.8e8 grid points (the API's largest grid) at 2000 frequencies: 1.6e12 point-frequencies, minutes
    // of work even on many fast cores (grid 55 at 1000 took 2 minutes here on 2), so the run is certainly still
    // going when it is cancelled seconds later.
    await page.fill('#run-grid', '60');
    await page.selectOption('#run-preset', 'custom');
    await page.fill('#run-fmin', '1');
    await page.fill('#run-fmax', '10000');
    await page.fill('#run-points', '2000');
    await page.fill('#run-keep', '100');
    await page.fill('#run-output', 'e2e_cancelled_grid_60.npz');
    await page.click('#run-submit');
    const job = page.locator('#jobs .job', { hasText: 'e2e_cancelled_grid_60.npz' });
    await job.waitFor();
    // Live: the bar moves while the job runs, with a percentage in the text.
    await page.waitForFunction(
      () => {
        const j = [...document.querySelectorAll('#jobs .job')].find((e) => e.textContent?.includes('e2e_cancelled_grid_60.npz'));
        const p = j?.querySelector('progress') as HTMLProgressElement | null;
        return j?.getAttribute('data-state') === 'running' && p != null && p.value > 0 && p.value < 1;
      },
      null,
      { timeout: 60_000, polling: 50 },
    );
    assert.match((await job.locator('.job-text').textContent()) ?? '', /Running: \d+%/);
    assert.ok(await page.isVisible('#jobs-chip'), 'the header shows a run in progress');
    await shot(page, 'run-progress.png');
    // After a reload the page finds the running job again (GET /api/jobs) and goes on following it.
    await page.reload();
    const resumed = page.locator('#jobs .job[data-state="running"]').first();
    await resumed.waitFor({ timeout: 30_000 });
    // Its label comes from the request the server echoes: the grid and the file it writes.
    assert.match((await resumed.locator('.job-head').textContent()) ?? '', /Grid 60, e2e_cancelled_grid_60\.npz/);
    await resumed.locator('button:has-text("Cancel")').click();
    const ended = page.locator('#jobs .job:not([data-state="running"]):not([data-state="queued"])', { hasText: 'e2e_cancelled_grid_60.npz' });
    await ended.waitFor({ timeout: 60_000 });
    assert.equal(await ended.getAttribute('data-state'), 'cancelled', (await ended.textContent()) ?? '');
    // The server agrees, and the cancelled run left no dataset.
    const { json: jobs } = await api('/api/jobs', keys.alice);
    const cancelled = jobs.jobs.find((j: { output: string }) => j.output === 'e2e_cancelled_grid_60.npz');
    assert.equal(cancelled?.state, 'cancelled', JSON.stringify(cancelled));
    assert.equal((await api('/api/best-results/e2e_cancelled_grid_60.npz?n=1', keys.alice)).status, 404);
    await page.close();
  });

  it("an anonymous visitor does not see another user's dataset", async () => {
    // The private dataset exists: its owner sees it.
    const own = await api('/api/datasets', keys.bob);
    assert.ok(own.json.datasets.some((d: any) => d.filename === PRIVATE), 'bob should see his own dataset');
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.locator(`#dataset-list [data-filename="${SAMPLE}"]`).waitFor();
    assert.equal(await page.locator(`#dataset-list [data-filename="${PRIVATE}"]`).count(), 0);
    await page.goto(`${base}/#/dataset/${PRIVATE}`);
    await page.waitForSelector('.dataset-view .error-box');
    assert.equal((await api(`/api/best-results/${PRIVATE}?n=1`)).status, 404);
    // Signed in as another user (alice): still not there. Signed in as bob: there, marked Yours.
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    await page.locator(`#dataset-list [data-filename="${SAMPLE}"]`).waitFor();
    assert.equal(await page.locator(`#dataset-list [data-filename="${PRIVATE}"]`).count(), 0);
    await page.click('#sign-out');
    await signIn(page, 'bob');
    const mine = page.locator(`#dataset-list [data-filename="${PRIVATE}"]`);
    await mine.waitFor();
    assert.match((await mine.textContent()) ?? '', /Yours/);
    await page.close();
  });

  it('the main views pass axe-core accessibility checks (WCAG 2.1 A/AA, serious and critical)', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.locator(`#dataset-list [data-filename="${SAMPLE}"]`).waitFor();
    const found: string[] = [];
    found.push(...(await axeViolations(page)).map((v) => `list: ${v}`));
    await page.goto(`${base}/#/dataset/${SAMPLE}`);
    await page.waitForSelector('#plot-nyquist canvas');
    await page.reload();
    await page.waitForSelector('#plot-nyquist canvas');
    found.push(...(await axeViolations(page)).map((v) => `dataset view: ${v}`));
    await page.goto(`${base}/#/new`);
    await page.reload();
    await page.waitForSelector('#run-form');
    await page.fill('#run-grid', '1');
    await page.click('#run-submit');
    await page.waitForSelector('#run-grid-error:not(:empty)');
    found.push(...(await axeViolations(page)).map((v) => `run form: ${v}`));
    assert.deepEqual(found, []);
    await page.close();
  });

  it('download: a plain link for public data, with the key for a private dataset', async () => {
    const { json } = await api('/api/datasets', keys.bob);
    const size = (f: string) => json.datasets.find((d: any) => d.filename === f).size_bytes;
    const page = await newPage();
    await page.goto(`${base}/#/dataset/${SAMPLE}`);
    await page.locator('#results-table tbody tr[data-rank="0"]').waitFor();
    const [pub] = await Promise.all([page.waitForEvent('download'), page.click('.view-actions :text("Download")')]);
    assert.equal(pub.suggestedFilename(), SAMPLE);
    assert.equal(fs.statSync((await pub.path())!).size, size(SAMPLE));
    await page.goto(`${base}/`);
    await signIn(page, 'bob');
    await page.goto(`${base}/#/dataset/${PRIVATE}`);
    await page.locator('#results-table tbody tr[data-rank="0"]').waitFor();
    const [priv] = await Promise.all([page.waitForEvent('download'), page.click('.view-actions :text("Download")')]);
    assert.equal(priv.suggestedFilename(), PRIVATE);
    assert.equal(fs.statSync((await priv.path())!).size, size(PRIVATE));
    await page.close();
  });

  it('a wrong API key is refused with a message', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.fill('#api-key', 'eisgrid_not_a_real_key');
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('#auth-msg.error');
    assert.match((await page.textContent('#who')) ?? '', /Anonymous/);
    await page.close();
  });

  it('the sign-in box says where API keys come from', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    const hint = (await page.textContent('#auth-hint')) ?? '';
    assert.match(hint, /eisgrid user add NAME/);
    assert.match((await page.getAttribute('#api-key', 'aria-describedby')) ?? '', /auth-hint/);
    await page.close();
  });

  it('dataset cards are compact: about 25 datasets are a few screens, not a long scroll', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    const cards = page.locator('#dataset-list .dataset-card');
    await page.waitForFunction((n) => document.querySelectorAll('#dataset-list .dataset-card').length >= n, EXTRA + 4);
    const n = await cards.count();
    const heights = await cards.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    assert.ok(n >= 24, `alice sees ${n} datasets`);
    assert.ok(Math.max(...heights) <= 120, `cards of at most 120 px, not ${Math.max(...heights)} px`);
    // The details fold away but are there when opened: the reference circuit of the sample.
    const sample = page.locator(`#dataset-list [data-filename="${SAMPLE}"]`);
    await sample.locator('summary').click();
    assert.ok(await sample.locator('.ref-param[data-param="Rsh"]').isVisible());
    await shot(page, 'list-25-datasets.png');
    await page.close();
  });

  it('a dataset whose file is missing says why instead of showing no rows', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    const missingSays = async () => {
      await page.goto(`${base}/#/dataset/${MISSING}`);
      const box = page.locator('#dataset-missing');
      await box.waitFor();
      assert.match((await box.textContent()) ?? '', new RegExp(`${MISSING.replace(/\./g, '\\.')} is missing from the server's data directory`));
      assert.equal(await page.locator('#results-table').count(), 0);
      assert.doesNotMatch((await page.textContent('#main')) ?? '', /No rows\./);
    };
    // The catalog still says available (nobody synced since the file went): the server's refusal tells.
    await missingSays();
    await shot(page, 'missing-file.png');
    // After `eisgrid sync` the catalog knows: the card says Missing, the view says why at once.
    run(['sync', '--data', data, '-q']);
    await page.goto(`${base}/`);
    await page.reload();
    const card = page.locator(`#dataset-list [data-filename="${MISSING}"]`);
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /Missing/);
    await missingSays();
    await page.close();
  });

  it('a measured dataset names the file its reference came from', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    const card = page.locator(`#dataset-list [data-filename="${MEASURED}"]`);
    await card.waitFor();
    assert.doesNotMatch((await card.textContent()) ?? '', /measured or unknown/);
    assert.match((await card.locator('.ref-source').textContent()) ?? '', /measured spectrum/);
    await page.goto(`${base}/#/dataset/${MEASURED}`);
    await page.waitForFunction((f) => document.getElementById('reference-source')?.textContent?.includes(f), MEASURED_CSV);
    assert.equal((await page.textContent('#reference-source'))?.trim(), `measured spectrum from ${MEASURED_CSV}`);
    // Its refined best result (issue 18): the circuit's TER, Rsh(Ra+Rb)/(Rsh+Ra+Rb) = 480 Ω, and TEC, CaCb/(Ca+Cb) = 2.18 µF.
    const refined = page.locator('#refined');
    await refined.waitFor();
    const text = (await refined.textContent()) ?? '';
    assert.match(text, /Refined best result\s*ok/);
    assert.match(text, /TER4(79|80)\.\d* ± [\d.]+ Ω/);
    assert.match(text, /TEC2\.1[78]\d* ± [\d.]+ µF/);
    assert.match(text, /One parameter set/);
    // Its grid names the series resistance swept with it (issue 18, item 11): this circuit has none, so its
    // smallest real part lies below the least Rs and the sweep took that one value, 0.01 Ω.
    const { json: info } = await api(`/api/load/${MEASURED}`, keys.alice, { method: 'POST' });
    assert.deepEqual(info.metadata.series_resistance.values, [0.01]);
    assert.equal((await page.textContent('#grid-points'))?.trim(), '3 per axis (243 points), Rs 0.01 Ω');
    // Its rows carry that Rs: a column of its own (issue 18, item 11).
    const rsCell = page.locator('#results-table tbody tr').first().locator('td[data-col="Rs"]');
    await rsCell.waitFor();
    assert.equal((await rsCell.textContent())?.trim(), fmtNum(0.01));
    assert.match((await page.textContent('#results-table thead')) ?? '', /Rs \[Ω\]/);
    await page.waitForSelector('#plot-nyquist canvas');
    await shot(page, 'measured-reference.png');
    await page.close();
  });

  it('two datasets compared in one plot: reference and best row of each, a legend, and a table that downloads as CSV', async () => {
    run(['sync', '--data', data, '-q']); // the catalog marks the missing file (as the test of missing files left it)
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    const go = page.locator('#compare-go');
    const box = (f: string) => page.locator(`#dataset-list [data-filename="${f}"] input.compare-box`);
    await box(COMPARE[0].file).waitFor();
    assert.ok(await go.isDisabled(), 'nothing to compare yet');
    // A missing file cannot be picked.
    assert.ok(await box(MISSING).isDisabled(), 'the missing dataset cannot be compared');
    // By keyboard: Space ticks the focused box, the button says how many, Enter opens the comparison.
    await box(COMPARE[0].file).focus();
    await page.keyboard.press('Space');
    assert.ok(await go.isDisabled(), 'one dataset is no comparison');
    await box(COMPARE[1].file).check();
    assert.match((await go.textContent()) ?? '', /Compare selected \(2\)/);
    await go.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#compare-ds-table tbody tr[data-filename] td[data-col="resnorm"]');
    // One Nyquist and one Bode figure: each dataset's reference (points) and best row (line).
    for (const id of ['compare-ds-nyquist', 'compare-ds-bode-mag', 'compare-ds-bode-phase']) {
      await page.waitForSelector(`#${id}[data-series="${2 * COMPARE.length}"] canvas`);
    }
    const legend = await page.locator('#compare-ds-legend li').evaluateAll((lis) => lis.map((li) => li.textContent ?? ''));
    assert.equal(legend.length, COMPARE.length);
    for (const c of COMPARE) assert.ok(legend.some((l) => l.includes(c.file)), `the legend names ${c.file}: ${legend.join(' | ')}`);
    const colours = await page.evaluate(() => {
      const c = document.querySelector('#compare-ds-nyquist canvas') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<string>();
      for (let i = 0; i < d.length; i += 4 * 5) if (d[i + 3] > 200) seen.add(`${d[i] >> 4},${d[i + 1] >> 4},${d[i + 2] >> 4}`);
      return seen.size;
    });
    assert.ok(colours >= 4, `Nyquist canvas looks empty (${colours} colours)`);
    // The table: each dataset's best row as the API gives it.
    const want = async (f: string) => {
      const { status, json } = await api(`/api/best-results/${f}?n=1&offset=0`, keys.alice);
      assert.equal(status, 200);
      const d = json.data;
      const [Rsh, Ra, Ca, Rb, Cb] = d.parameters[0];
      return [f, '0', fmtNum(d.resnorms[0]), fmtNum(Rsh), fmtNum(Ra), fmtNum(Ca * 1e6), fmtNum(Rb), fmtNum(Cb * 1e6), fmtNum(d.ter[0]), fmtNum(d.tec[0] * 1e6)];
    };
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#compare-ds-csv')]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
    assert.equal(csv.length, 1 + COMPARE.length, csv.join('\n'));
    assert.match(csv[0], /^Dataset,Metric,Rank,Resnorm,Rsh \[Ω\],Ra \[Ω\],Ca \[µF\],Rb \[Ω\],Cb \[µF\],TER \[Ω\],TEC \[µF\]/);
    for (const c of COMPARE) {
      const line = csv.find((l) => l.startsWith(`${c.file},`));
      assert.ok(line, `a CSV row for ${c.file}`);
      const cells = line!.split(',');
      const [file, rank, ...values] = await want(c.file);
      assert.deepEqual([cells[0], cells[2], ...cells.slice(3, 11)], [file, rank, ...values], `${c.file}: CSV against the API`);
    }
    assert.equal(await page.locator('#compare-ds-table tbody tr').count(), COMPARE.length);
    await page.locator('#compare-ds-spectra-h').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'compare-datasets.png');
    assert.deepEqual(await axeViolations(page), []);
    // The address holds the comparison: a reload shows it again, with the boxes in the list ticked.
    await page.reload();
    await page.waitForSelector(`#compare-ds-nyquist[data-series="${2 * COMPARE.length}"] canvas`);
    for (const c of COMPARE) assert.ok(await box(c.file).isChecked(), `${c.file} ticked after a reload`);
    await page.close();
  });

  it('frequency axis labels read alike across decades (no jump from 10000 to 1e5)', async () => {
    const page = await newPage();
    await page.goto(`${base}/#/dataset/${SAMPLE}`);
    await page.waitForSelector('#plot-bode-mag[data-x-ticks]');
    const ticks = ((await page.getAttribute('#plot-bode-mag', 'data-x-ticks')) ?? '').split(' ');
    for (const t of ['0.1', '1', '10', '100', '1k', '10k', '100k']) assert.ok(ticks.includes(t), `no tick "${t}" in ${ticks.join(' ')}`);
    for (const t of ticks) assert.doesNotMatch(t, /e|^10000$/, `tick "${t}"`);
    await page.close();
  });

  it('at 900 px wide the plots take the width of their panel', async () => {
    const page = await newPage();
    await page.setViewportSize({ width: 900, height: 900 });
    await page.goto(`${base}/#/dataset/${SAMPLE}`);
    await page.waitForSelector('#plot-bode-phase canvas');
    const w = await page.evaluate(() => {
      const [panel, nyq, mag, phase] = ['#plots', '#plot-nyquist .uplot', '#plot-bode-mag .uplot', '#plot-bode-phase .uplot'].map((sel) =>
        (document.querySelector(sel) as HTMLElement).getBoundingClientRect().width,
      );
      return { panel, nyq, mag, phase };
    });
    for (const k of ['nyq', 'mag', 'phase'] as const) assert.ok(w[k] >= 0.95 * w.panel && w[k] <= w.panel + 1, `${k} plot ${w[k]} px in a panel of ${w.panel} px`);
    await page.locator('#plots').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'plots-900px.png');
    // Narrower still (the window is resized): the plots follow.
    await page.setViewportSize({ width: 700, height: 900 });
    await page.waitForFunction(() => {
      const panel = (document.querySelector('#plots') as HTMLElement).getBoundingClientRect().width;
      const mag = (document.querySelector('#plot-bode-mag .uplot') as HTMLElement).getBoundingClientRect().width;
      return mag <= panel + 1 && mag >= 0.95 * panel;
    });
    await page.close();
  });

  it('a run whose server stops says so; after a restart and a reload every run shows its true state', async () => {
    // Its own finished and cancelled runs, whatever other tests ran before.
    const startJob = async (body: object) => {
      const r = await api('/api/compute', keys.alice, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(r.status, 202, JSON.stringify(r.json));
      return r.json.job.id as string;
    };
    const settled = async (id: string) => {
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
        const { json } = await api(`/api/jobs/${id}`, keys.alice);
        if (json.job.state !== 'queued' && json.job.state !== 'running') return json.job.state as string;
      }
      throw new Error(`job ${id} did not end`);
    };
    assert.equal(await settled(await startJob({ grid: 3, points: 10, output: 'e2e_restart_done_grid_3.npz' })), 'done');
    // Cancelled while queued or running: 60⁵ grid points at 1000 frequencies cannot be done first.
    const long = await startJob({ grid: 60, fmin: 1, fmax: 1e4, points: 1000, keep: 100, output: 'e2e_restart_cancelled_grid_60.npz' });
    assert.equal((await api(`/api/jobs/${long}`, keys.alice, { method: 'DELETE' })).status, 200);
    assert.equal(await settled(long), 'cancelled');
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    await page.click('#new-run-link');
    await page.fill('#run-grid', '58');
    await page.selectOption('#run-preset', 'fast');
    await page.fill('#run-keep', '100');
    await page.fill('#run-output', 'e2e_interrupted_grid_58.npz');
    await page.click('#run-submit');
    const job = page.locator('#jobs .job', { hasText: 'e2e_interrupted_grid_58.npz' });
    await job.waitFor();
    await page.waitForFunction(
      () => [...document.querySelectorAll('#jobs .job')].some((e) => e.textContent?.includes('e2e_interrupted_grid_58.npz') && e.getAttribute('data-state') === 'running'),
      null,
      { timeout: 60_000, polling: 50 },
    );
    await stopServer();
    await page.waitForSelector('#jobs .job[data-contact="lost"]', { timeout: 10_000 });
    const lost = (await job.locator('.job-text').textContent()) ?? '';
    assert.match(lost, /No answer from the server since .*state now is unknown/);
    assert.doesNotMatch(lost, /^Running/);
    await job.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    assert.equal(await job.locator('button:has-text("Cancel")').count(), 0, 'no cancel button for a run nobody can reach');
    await shot(page, 'run-server-stopped.png');
    // The server comes back: it recorded the run as interrupted, and the page learns so.
    await startServer();
    await page.waitForSelector('#jobs .job[data-state="failed"][data-contact="ok"]', { timeout: 15_000 });
    assert.match((await job.locator('.job-text').textContent()) ?? '', /Failed: interrupted/);
    // After a reload the finished, cancelled and failed runs are all listed.
    await page.reload();
    await page.waitForSelector('#jobs .job[data-state="failed"]', { timeout: 15_000 });
    const states = await page.locator('#jobs .job').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-state')} ${e.textContent}`));
    assert.ok(states.some((s) => s.startsWith('failed') && s.includes('e2e_interrupted_grid_58.npz')), states.join('\n'));
    assert.ok(states.some((s) => s.startsWith('cancelled') && s.includes('e2e_restart_cancelled_grid_60.npz')), states.join('\n'));
    assert.ok(states.some((s) => s.startsWith('done') && s.includes('e2e_restart_done_grid_3.npz')), states.join('\n'));
    await page.locator('#jobs').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'runs-after-reload.png');
    await page.close();
  });

  // Measurements: upload, sweeps, fits, experiments. The expected values are the global optima of fixtures/measured/nova.
  const expected = () => JSON.parse(fs.readFileSync(path.join(NOVA, 'expected_fits.json'), 'utf8')) as { good: { file: string; sweep: number; TER: number; TEC: number }[] };
  const within = (got: number, want: number, rel: number) => Math.abs(got - want) <= rel * Math.abs(want);

  /**
   * How a table sits in its panel: the panel's and its scroll region's scroll and client widths,
   * and the region's role, label and tab stop (axe's scrollable-region-focusable).
   */
  async function tableBox(page: Page, table: string) {
    return page.locator(table).evaluate((t) => {
      const wrap = t.closest('.table-wrap') as HTMLElement;
      const panel = t.closest('.panel') as HTMLElement;
      return {
        panel: [panel.scrollWidth, panel.clientWidth],
        wrap: [wrap.scrollWidth, wrap.clientWidth],
        role: wrap.getAttribute('role'),
        label: wrap.getAttribute('aria-label') ?? '',
        tabIndex: wrap.tabIndex,
      };
    });
  }

  /** The number of lines a cell's text takes. */
  async function linesOf(page: Page, cell: string): Promise<number> {
    return page.locator(cell).first().evaluate((td) => {
      const r = document.createRange();
      r.selectNodeContents(td);
      return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
    });
  }

  /** The drawn x and y ranges of an equal-axes plot, and the smallest −Im Z of the measurement's sweeps. */
  async function nyquistFloor(page: Page, box: string, measurement: string) {
    const [x0, x1] = ((await page.getAttribute(box, 'data-x-range')) ?? '').split(',').map(Number);
    const [y0] = ((await page.getAttribute(box, 'data-y-range')) ?? '').split(',').map(Number);
    const { json } = await api(`/api/measurements/${measurement}`, keys.alice);
    const minNegIm = Math.min(...json.measurement.sweeps.flatMap((s: { imag: number[] }) => s.imag.map((v) => -v)));
    return { y0, width: x1 - x0, floor: Math.min(0, minNegIm) };
  }

  /**
   * The id of alice's measurement of a NOVA file, uploaded here unless an earlier test uploaded it (the same
   * content again is a 409): a test that needs the file has it whatever ran before it.
   */
  async function aliceMeasurement(file: string): Promise<number> {
    const body = fs.readFileSync(path.join(NOVA, file));
    const r = await api(`/api/measurements?name=${encodeURIComponent(file)}`, keys.alice, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body });
    if (r.status === 201) return r.json.measurement.id;
    assert.equal(r.status, 409, JSON.stringify(r.json));
    const { json: list } = await api('/api/measurements', keys.alice);
    return list.measurements.find((m: { file_name: string }) => m.file_name === file).id;
  }

  /** alice's experiment of the four 16HBE files: the one an earlier test made, else made here over the API. */
  async function hbeExperiment(): Promise<number> {
    const { json: exs } = await api('/api/experiments', keys.alice);
    const made = exs.experiments.find((e: { name: string }) => e.name.startsWith('16HBE day 3'));
    if (made) return made.id;
    const json = { 'Content-Type': 'application/json' };
    const r = await api('/api/experiments', keys.alice, { method: 'POST', headers: json, body: JSON.stringify({ name: '16HBE day 3' }) });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const id = r.json.experiment.id;
    for (const file of HBE) {
      const body = fs.readFileSync(path.join(NOVA, file));
      const u = await api(`/api/measurements?name=${encodeURIComponent(file)}&experiment=${id}`, keys.alice, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body });
      assert.equal(u.status, 201, JSON.stringify(u.json));
    }
    return id;
  }

  /**
   * SPEC 12's impedance of each model, written here independently of the server (the page has no
   * formula of its own): [Z', Z''] at frequency f.
   */
  function spec12(model: string, p: Record<string, number>, f: number): [number, number] {
    type C = [number, number];
    const add = (a: C, b: C): C => [a[0] + b[0], a[1] + b[1]];
    const mul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
    const inv = (a: C): C => [a[0] / (a[0] ** 2 + a[1] ** 2), -a[1] / (a[0] ** 2 + a[1] ** 2)];
    const w = 2 * Math.PI * f;
    const jw = (alpha: number): C => [w ** alpha * Math.cos((alpha * Math.PI) / 2), w ** alpha * Math.sin((alpha * Math.PI) / 2)];
    // R || CPE = 1 / (1/R + Q (jω)^α); a capacitor is α = 1.
    const membrane = (r: number, q: number, alpha: number): C => inv(add([1 / r, 0], mul([q, 0], jw(alpha))));
    const layer = (a: C, b: C): C => inv(add([1 / p.Rsh, 0], inv(add(a, b))));
    if (model === 'cpe') return add([p.Rs, 0], layer(membrane(p.Ra, p.Qa, p.alpha_a), membrane(p.Rb, p.Qb, p.alpha_b)));
    const ideal = layer(membrane(p.Ra, p.Ca, 1), membrane(p.Rb, p.Cb, 1));
    if (model === 'rc') return add([p.Rs, 0], ideal);
    return add(add([p.Rs, 0], inv(mul([p.Qel, 0], jw(p.alpha_el)))), ideal);
  }

  async function waitFitDone(page: Page): Promise<void> {
    await page.waitForSelector('#fit-job[data-state="done"], #fit-job[data-state="failed"], #fit-job[data-state="cancelled"]', { timeout: FIT_TIMEOUT });
    assert.equal(await page.getAttribute('#fit-job', 'data-state'), 'done', (await page.textContent('#fit-status')) ?? '');
  }

  it('measurements: the RPE file, uploaded with the file picker, shows its 3 sweeps and fits to the expected TER, per area too', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    await page.click('#measurements-link');
    // Issue 18, item 10: a decimal comma gets its message at the field, and nothing is uploaded.
    await page.fill('#upload-area', '1,12');
    await page.setInputFiles('#upload-file', path.join(NOVA, RPE));
    await page.waitForFunction(() => /1\.12, not “1,12”/.test(document.getElementById('upload-area-error')?.textContent ?? ''));
    assert.equal(await page.locator('#upload-results .upload-item').count(), 0);
    await page.fill('#upload-area', String(INSERT_AREA));
    await page.setInputFiles('#upload-file', path.join(NOVA, RPE));
    const item = page.locator(`#upload-results .upload-item[data-file="${RPE}"][data-measurement]`);
    await item.waitFor();
    assert.match((await item.textContent()) ?? '', /3 sweeps/);
    const id = (await item.getAttribute('data-measurement'))!;
    // The list of measurements fits its panel at 1366 px: no column cut off, the date on one line.
    await page.locator(`#measurement-table tr[data-measurement="${id}"]`).waitFor();
    const list = await tableBox(page, '#measurement-table');
    assert.ok(list.panel[0] <= list.panel[1], `the panel overflows: ${JSON.stringify(list)}`);
    assert.ok(list.wrap[0] <= list.wrap[1], `the table is wider than its panel: ${JSON.stringify(list)}`);
    assert.deepEqual([list.role, list.tabIndex], ['region', 0]);
    assert.ok(list.label.length > 0);
    assert.equal(await linesOf(page, `#measurement-table tr[data-measurement="${id}"] td[data-col="uploaded"]`), 1);
    await shot(page, 'measurements-upload.png');
    await item.locator('a').click();
    await page.waitForSelector('#sweeps-nyquist canvas');
    assert.equal(await page.locator('#sweeps-legend li').count(), 3);
    assert.equal(await page.inputValue('#m-area'), String(INSERT_AREA));
    // The insert and day from the file name (RPEmedia_TW1-1_d1_…); a day "d7" and an area "1,12"
    // each get a message at their field, and nothing is saved.
    assert.deepEqual([await page.inputValue('#m-sample'), await page.inputValue('#m-day')], ['TW1-1', '1']);
    await page.fill('#m-day', 'd7');
    await page.fill('#m-area', '1,12');
    await page.click('#details-form button[type=submit]');
    await page.waitForFunction(() => /not “d7”/.test(document.getElementById('m-day-error')?.textContent ?? ''));
    assert.match((await page.textContent('#m-area-error')) ?? '', /1\.12, not “1,12”/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'm-day');
    assert.equal((await api(`/api/measurements/${id}`, keys.alice)).json.measurement.day, 1);
    await page.fill('#m-day', '1');
    await page.fill('#m-area', String(INSERT_AREA));
    // Equal axes start at min(0, the data's minimum) with a little room, not far below it.
    {
      const n = await nyquistFloor(page, '#sweeps-nyquist', id);
      assert.ok(n.y0 <= n.floor && n.y0 >= n.floor - 0.05 * n.width, `y axis from ${n.y0}, data from ${n.floor}, x span ${n.width}`);
    }
    await page.locator('#sweeps-h').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'measurement-sweeps.png');
    assert.deepEqual(await axeViolations(page), []);

    assert.equal(await page.inputValue('#fit-area'), String(INSERT_AREA));
    await page.click('#fit-submit');
    await page.waitForSelector('#fit-job');
    await waitFitDone(page);
    const row = page.locator('#fit-table tbody tr[data-sweep="0"]');
    await row.waitFor();
    const want = expected().good.find((g) => g.file === RPE && g.sweep === 0)!;
    const ter = Number(await row.locator('td[data-col="ter"]').getAttribute('data-value'));
    assert.ok(within(ter, want.TER, 0.01), `TER ${ter} Ω, expected ${want.TER} Ω within 1%`);
    assert.match((await row.locator('td[data-col="ter"]').textContent()) ?? '', /±/, 'TER with its uncertainty');
    const terArea = Number(await row.locator('td[data-col="ter_area"]').getAttribute('data-value'));
    assert.ok(within(terArea, want.TER * INSERT_AREA, 0.01), `TER·A ${terArea} Ω·cm², expected ${want.TER * INSERT_AREA}`);
    assert.equal(await page.locator('#fit-table tbody tr').count(), 3);
    // Issue 18, item 12: one precision per column, the error with the value's decimals.
    {
      const ters = await page.locator('#fit-table tbody td[data-col="ter"]').allTextContents();
      const decimals = ters.map((t) => t.split(' ± ').map((x) => (x.split('.')[1] ?? '').length));
      assert.equal(new Set(decimals.flat()).size, 1, ters.join(' | '));
    }
    await page.waitForSelector('#fit-residuals canvas');
    await page.waitForSelector('#fit-nyquist canvas');
    await page.waitForSelector('#fit-bode-phase canvas');
    assert.match((await page.textContent('#fit-result-status')) ?? '', /Sweep 0: /);
    {
      const n = await nyquistFloor(page, '#fit-nyquist', id);
      assert.ok(n.y0 <= n.floor && n.y0 >= n.floor - 0.05 * n.width, `fit: y axis from ${n.y0}, data from ${n.floor}, x span ${n.width}`);
    }
    await page.locator('#fit-h').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'fit-table.png');
    await page.locator('#fit-result-status').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'fit-result.png');
    assert.deepEqual(await axeViolations(page), []);
    await page.close();
  });

  it('measurements: the RPE file fitted with every model shows them side by side, as the API stored them', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    const id = await aliceMeasurement(RPE);
    // Every model's spectrum the page draws is the server's (POST /api/models/<name>/spectrum).
    const spectra = new Map<string, { frequencies: number[]; rows: number[][] }>();
    page.on('response', async (r) => {
      const m = /\/api\/models\/([^/]+)\/spectrum$/.exec(new URL(r.url()).pathname);
      if (m && r.ok()) spectra.set(decodeURIComponent(m[1]), await r.json());
    });
    await page.goto(`${base}/#/measurement/${id}`);
    // The fit form offers the server's models, rc ticked.
    const { json: known } = await api('/api/models');
    await page.waitForSelector('#fit-models input[data-model="rc_electrode"]');
    assert.deepEqual(
      await page.locator('#fit-models input[name="fit-model"]').evaluateAll((els) => els.map((e) => [(e as HTMLInputElement).value, (e as HTMLInputElement).checked])),
      known.models.map((m: { name: string }) => [m.name, m.name === 'rc']),
    );
    await page.check('#fit-models input[data-model="cpe"]');
    await page.check('#fit-models input[data-model="rc_electrode"]');
    await page.click('#fit-submit');
    await page.waitForSelector('#fit-job');
    await waitFitDone(page);
    await page.waitForSelector('#fit-model');
    const { json: stored } = await api(`/api/measurements/${id}/fits`, keys.alice);
    assert.equal(stored.fits.length, 9, 'three sweeps, three models');
    // The table shows rc by default, one row per sweep, with the parameters at the edge marked.
    assert.equal(await page.inputValue('#fit-model'), 'rc');
    assert.deepEqual(await page.locator('#fit-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-model'))), ['rc', 'rc', 'rc']);
    for (const f of stored.fits.filter((x: { model: string }) => x.model === 'rc')) {
      const cell = page.locator(`#fit-table tbody tr[data-sweep="${f.sweep}"] td[data-col="at_edge"]`);
      assert.equal(((await cell.textContent()) ?? '').trim(), f.at_edge.join(', '));
      assert.equal(await cell.locator('mark.at-edge').count(), f.at_edge.length ? 1 : 0);
    }
    // Sweep 0's models side by side: AIC, ΔAIC from the lowest, TER ± its error, the warnings, the decisive frequency.
    await page.waitForSelector('#model-table');
    const sweep0 = stored.fits.filter((x: { sweep: number }) => x.sweep === 0);
    const lowest = Math.min(...sweep0.map((x: { aic: number }) => x.aic));
    for (const f of sweep0) {
      const row = page.locator(`#model-table tr[data-model="${f.model}"]`);
      assert.equal(((await row.locator('td[data-col="aic"]').textContent()) ?? '').trim(), fmtFixed(f.aic, 1));
      assert.equal(((await row.locator('td[data-col="delta_aic"]').textContent()) ?? '').trim(), fmtFixed(f.aic - lowest, 1));
      assert.match((await row.locator('td[data-col="ter"]').textContent()) ?? '', new RegExp(`^${fmtNum(f.ter, 5).replace('.', '\\.')} ± `));
      assert.equal(await row.evaluate((el) => el.classList.contains('best-model')), f.best_model);
      assert.equal(await row.locator('.reasons li').count(), f.reasons.length);
      assert.equal(((await row.locator('td[data-col="at_edge"]').textContent()) ?? '').trim(), f.at_edge.join(', '));
    }
    assert.equal(await page.locator('#model-table tr.best-model').count(), 1);
    const decisive = sweep0[0].decisive_frequency;
    assert.match((await page.textContent('#decisive-frequency')) ?? '', decisive == null ? /agree on TER|no frequency/ : new RegExp(`down to ${fmtNum(decisive, 3)} Hz`));
    // Each model's spectrum over the data.
    await page.waitForSelector('#fit-nyquist canvas');
    assert.deepEqual(
      (await page.locator('#fit-detail .legend li').allTextContents()).map((t) => t.trim()).filter((t) => t.startsWith('Model')),
      ['Model rc', 'Model cpe', 'Model rc_electrode'],
    );
    // Each line as drawn is the server's spectrum, which is SPEC 12's formula of the stored fit; where
    // a lower frequency would decide, the lines go down to half of it, below the data.
    const { json: measurement } = await api(`/api/measurements/${id}`, keys.alice);
    const lowestHz = Math.min(...measurement.measurement.sweeps[0].frequencies);
    for (const f of sweep0) {
      const li = page.locator(`#fit-detail .legend li[data-model="${f.model}"]`);
      const fLow = Number(await li.getAttribute('data-f-low'));
      const [re, im] = ((await li.getAttribute('data-z-low')) ?? '').split(',').map(Number);
      assert.ok(spectra.has(f.model), `no spectrum of ${f.model} asked from the server`);
      const served = spectra.get(f.model)!;
      const k = served.frequencies.indexOf(fLow);
      assert.ok(k >= 0, `${f.model}: the drawn ${fLow} Hz was not asked from the server`);
      assert.deepEqual([re, im], served.rows[k].slice(0, 2), `${f.model}: drawn as served`);
      const [wantRe, wantIm] = spec12(f.model, f.params, fLow);
      const size = Math.hypot(wantRe, wantIm);
      assert.ok(Math.abs(re - wantRe) < 1e-9 * size && Math.abs(im - wantIm) < 1e-9 * size, `${f.model} at ${fLow} Hz: ${re}, ${im} against ${wantRe}, ${wantIm}`);
      if (decisive != null && decisive < lowestHz) assert.ok(Math.abs(fLow - decisive / 2) < 1e-9 * decisive, `${f.model} from ${fLow} Hz, decisive ${decisive} Hz`);
      else assert.ok(Math.abs(fLow - lowestHz) < 1e-9 * lowestHz, `${f.model} from ${fLow} Hz, data from ${lowestHz} Hz`);
      // The side-by-side table lists the model's parameters by the names of GET /api/models.
      const info = known.models.find((m: { name: string }) => m.name === f.model);
      assert.deepEqual(
        await page.locator(`#model-table tr[data-model="${f.model}"] [data-param]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-param'))),
        info.parameters.map((p: { name: string }) => p.name),
      );
    }
    assert.equal(await page.locator('#below-data').count(), decisive != null && decisive < lowestHz ? 1 : 0);
    await page.locator('#model-compare').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(page, 'models-side-by-side.png');
    // Another model in the table: its fits, its CSV.
    await page.selectOption('#fit-model', 'cpe');
    await page.waitForFunction(() => document.querySelector('#fit-table tbody tr')?.getAttribute('data-model') === 'cpe');
    assert.match((await page.textContent('#fit-result-status')) ?? '', /\(model cpe\)/);
    const cpe0 = stored.fits.find((x: { model: string; sweep: number }) => x.model === 'cpe' && x.sweep === 0);
    assert.equal(Number(await page.locator('#fit-table tbody tr[data-sweep="0"] td[data-col="ter"]').getAttribute('data-value')), cpe0.ter);
    // The table's columns are cpe's parameters, with the units of GET /api/models.
    const cpeInfo = known.models.find((m: { name: string }) => m.name === 'cpe');
    for (const p of cpeInfo.parameters) {
      assert.equal(Number(await page.locator(`#fit-table tbody tr[data-sweep="0"] td[data-col="param-${p.name}"]`).getAttribute('data-value')), cpe0.params[p.name]);
    }
    const heads = await page.locator('#fit-table thead th').allTextContents();
    assert.ok(heads.includes('alpha_a') && heads.includes('Qa [µS·s^α]') && heads.includes('Rs [Ω]'), heads.join(' | '));
    assert.ok(!heads.some((t) => t.startsWith('τ1') || t.startsWith('Rsh interval')), `cpe has no τ nor Rsh interval: ${heads.join(' | ')}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#fits-csv')]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
    assert.equal(csv.length, 4, csv.join('\n'));
    assert.match(csv[0], /,model,aic,bic,best_model,decisive_frequency_hz,Qa,alpha_a,Qb,alpha_b$/);
    assert.ok(csv.slice(1).every((l) => l.includes(',cpe,')), csv.join('\n'));
    await page.close();
  });

  it('measurements: the four 16HBE files in one experiment, fitted, give a time course per insert and a CSV', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    await page.goto(`${base}/#/measurements`);
    await page.fill('#experiment-name', '16HBE day 3');
    await page.click('#experiment-form button[type=submit]');
    const link = page.locator('#experiment-list a', { hasText: '16HBE day 3' });
    await link.waitFor();
    const experimentId = ((await link.getAttribute('href')) ?? '').split('/').pop()!;
    await page.selectOption('#upload-experiment', experimentId);
    await page.fill('#upload-area', String(INSERT_AREA));
    await page.setInputFiles('#upload-file', HBE.map((f) => path.join(NOVA, f)));
    await page.waitForFunction((n) => document.querySelectorAll('#upload-results .upload-item[data-measurement]').length >= n, HBE.length, { timeout: 60_000 });
    {
      // Offered for editing in the upload item: a day "d7" is refused at its field.
      const form = page.locator(`#upload-results .upload-item[data-file="${HBE[0]}"] form.upload-details`);
      const mid = await form.getAttribute('data-measurement');
      assert.deepEqual([await page.inputValue(`#upload-sample-${mid}`), await page.inputValue(`#upload-day-${mid}`)], ['TW01', '3']);
      assert.match((await form.textContent()) ?? '', /From the file name/);
      await page.fill(`#upload-day-${mid}`, 'd7');
      await form.locator('button[type=submit]').click();
      await page.waitForFunction((id) => /not “d7”/.test(document.getElementById(`upload-day-error-${id}`)?.textContent ?? ''), mid);
      await page.locator('#upload-h').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shot(page, 'upload-sample-day.png');
      await page.fill(`#upload-day-${mid}`, '3');
      await form.locator('button[type=submit]').click();
      await form.locator('.form-msg.ok').waitFor();
    }
    await page.goto(`${base}/#/experiment/${experimentId}`);
    await page.waitForSelector('#experiment-measurements li');
    assert.equal(await page.locator('#experiment-measurements li[data-measurement]').count(), HBE.length);
    // Each insert is its own line: issue 18, item 10, the sample and day from the NOVA file names
    // (16HBE_TW01_d3_…: TW01, day 3), set on upload, editable there, and listed in the experiment.
    for (const f of HBE) {
      const li = page.locator('#experiment-measurements li[data-measurement]', { has: page.locator('a', { hasText: f }) });
      const m = await li.getAttribute('data-measurement');
      assert.equal(((await li.locator('.sample-day').textContent()) ?? '').trim(), `· insert ${f.slice(6, 10)} · day 3`);
      const json = (await api(`/api/measurements/${m}`, keys.alice)).json.measurement;
      assert.deepEqual([json.sample, json.day], [f.slice(6, 10), 3]);
    }
    await page.click('#fit-submit');
    await waitFitDone(page);
    await page.waitForFunction((n) => document.querySelectorAll('#experiment-table tbody tr').length === n, HBE.length);
    const want = expected().good.filter((g) => HBE.includes(g.file));
    const rows = await page.locator('#experiment-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    for (const w of want) {
      const r = rows.find((cells) => cells[1] === w.file)!;
      assert.ok(r, `a row for ${w.file}`);
      assert.ok(within(Number(r[7]), w.TER, 0.01), `${w.file}: TER ${r[7]}, expected ${w.TER}`);
    }
    // Issue 18, item 12: each numeric column with one precision; the fit form's area shows its
    // whole placeholder.
    for (let col = 7; col <= 12; col++) {
      const cells = rows.map((cells) => cells[col]);
      assert.equal(new Set(cells.map((c) => (c.split('.')[1] ?? '').length)).size, 1, `column ${col}: ${cells.join(' | ')}`);
    }
    {
      const room = await page.locator('#fit-area').evaluate((el) => {
        const input = el as HTMLInputElement;
        const style = getComputedStyle(input);
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = `${style.fontSize} ${style.fontFamily}`;
        const inner = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return inner - ctx.measureText(input.placeholder).width;
      });
      assert.ok(room >= 0, `the placeholder is ${-room} px wider than its field`);
    }
    // Sortable: by TER, then the other way.
    const terHead = page.locator('#experiment-table thead button', { hasText: 'TER [Ω]' });
    await terHead.click();
    assert.equal(await page.getAttribute('#experiment-table thead th:has(button:has-text("TER [Ω]"))', 'aria-sort'), 'ascending');
    const ters = await page.locator('#experiment-table tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.querySelectorAll('td')[7].textContent)));
    assert.deepEqual(ters, [...ters].sort((a, b) => a - b));
    await page.locator('#experiment-table thead button', { hasText: 'TER [Ω]' }).click();
    assert.equal(await page.getAttribute('#experiment-table thead th:has(button:has-text("TER [Ω]"))', 'aria-sort'), 'descending');
    // The time course: one line per insert.
    await page.waitForSelector('#course-ter canvas');
    assert.equal(await page.getAttribute('#course-ter', 'data-lines'), String(HBE.length));
    assert.equal(await page.locator('#course-legend li').count(), HBE.length);
    // Issue 18, item 8: the one day with half a day of room either side, labelled ticks across the
    // data (16HBE's TEC/A of about 0.6 µF/cm² between labels, not below the lowest), ±σ bars.
    {
      const fits = (await api(`/api/experiments/${experimentId}/fits`, keys.alice)).json.fits as { ter_ohm_cm2: number; tec_uf_per_cm2: number }[];
      for (const [box, key] of [['#course-ter', 'ter_ohm_cm2'], ['#course-tec', 'tec_uf_per_cm2']] as const) {
        await page.waitForSelector(`${box} canvas`);
        assert.equal(await page.getAttribute(box, 'data-x-ticks'), '3');
        const ticks = ((await page.getAttribute(box, 'data-y-ticks')) ?? '').split(' ').map(Number);
        const values = fits.map((f) => f[key]);
        assert.ok(ticks.length >= 2 && ticks.every(Number.isFinite), `${box} ticks ${ticks}`);
        assert.ok(ticks[0] <= Math.max(...values) && ticks[ticks.length - 1] >= Math.min(...values), `${box}: ticks ${ticks} across ${values}`);
      }
      assert.match((await page.textContent('#course-note')) ?? '', /standard error.*side by side/);
    }
    // The table stays in its panel at 1366 px, each start time on one line.
    const box = await tableBox(page, '#experiment-table');
    assert.ok(box.panel[0] <= box.panel[1], `the panel overflows: ${JSON.stringify(box)}`);
    assert.deepEqual([box.role, box.tabIndex], ['region', 0]);
    assert.match(box.label, /16HBE day 3/);
    assert.equal(await linesOf(page, '#experiment-table tbody td.nowrap'), 1, 'the Start column on one line');
    await page.locator('#ex-table-h').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'experiment-table.png');
    await page.locator('#ex-course-h').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'time-course.png');
    // Issue 18, item 7: the two CSV buttons say what each holds, and a line below how they differ.
    assert.equal(await page.textContent('#fits-csv'), 'CSV of the fits with standard errors');
    assert.equal(await page.textContent('#experiment-table-csv'), 'CSV of this table');
    {
      const hint = (await page.textContent('#experiment-table-csv-hint')) ?? '';
      assert.match(hint, /standard errors.*no insert or day.*This table: file, insert, day.*without errors/);
      assert.equal(await page.getAttribute('#fits-csv', 'aria-describedby'), 'experiment-table-csv-hint');
    }
    // The CSV of the fits, as the server writes it, and the table as shown.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#fits-csv')]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    assert.equal(lines.length, 1 + HBE.length, csv);
    for (const f of HBE) assert.ok(csv.includes(f), `the CSV names ${f}`);
    const [own] = await Promise.all([page.waitForEvent('download'), page.click('#experiment-table-csv')]);
    const ownCsv = fs.readFileSync((await own.path())!, 'utf8');
    // Issue 18, item 7: a byte-order mark (spreadsheets then show Ω and µ), numbers at full
    // precision rather than as the table rounds them, and empty cells for missing values.
    assert.ok(ownCsv.startsWith('\uFEFF'), 'a UTF-8 byte-order mark');
    assert.doesNotMatch(ownCsv, /—/);
    const table = ownCsv.slice(1).trim().split(/\r?\n/);
    assert.equal(table.length, 1 + HBE.length);
    assert.match(table[0], /^File,Insert,Day,Sweep,Start,Status,TER \[Ω\]/);
    const ter = table[1].split(',')[6];
    assert.ok(ter.replace(/[-.]|e.*$/g, '').length > 6, `TER at full precision, not rounded: ${ter}`);
    // Two sweeps compared in one plot.
    const boxes = page.locator('#experiment-table tbody input[type=checkbox]');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.waitForSelector('#compare-nyquist canvas');
    assert.equal(await page.getAttribute('#compare-nyquist', 'data-series'), '2');
    await page.locator('#ex-compare-h').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'compare.png');
    // Issue 18, item 9: a 16HBE sweep's relative residuals on an axis symmetric about 0 with five
    // labels (not a single "0"), and the model over the phase too.
    {
      const href = await page.locator('#experiment-measurements li a', { hasText: HBE[0] }).getAttribute('href');
      const other = await newPage();
      await other.goto(`${base}/`);
      await signIn(other, 'alice');
      await other.goto(`${base}/${href}`);
      await other.waitForSelector('#fit-residuals canvas');
      await other.waitForSelector('#fit-bode-phase canvas');
      const labels = ((await other.getAttribute('#fit-residuals', 'data-y-ticks')) ?? '').split(' ');
      assert.equal(labels.length, 5, labels.join(' '));
      assert.deepEqual([labels[0], labels[2]], [`-${labels[4]}`, '0']);
      await other.locator('#fit-result-status').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shot(other, 'fit-residuals-16hbe.png');
      await other.close();
    }
    assert.deepEqual(await axeViolations(page), []);
    // Renamed on its page: an empty name is refused in place, a new one is the server's.
    await page.click('#rename-experiment');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'rename-name');
    await page.fill('#rename-name', '  ');
    await page.click('#rename-save');
    await page.waitForFunction(() => /name/.test(document.getElementById('rename-msg')?.textContent ?? ''));
    await page.locator('#view-title').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(page, 'experiment-rename.png');
    assert.deepEqual(await axeViolations(page), [], 'the experiment with its rename form');
    await page.fill('#rename-name', '16HBE day 3, plate A');
    await page.click('#rename-save');
    await page.waitForFunction(() => document.getElementById('view-title')?.textContent === '16HBE day 3, plate A');
    assert.ok(await page.locator('#rename-form').isHidden());
    assert.equal((await api(`/api/experiments/${experimentId}`, keys.alice)).json.experiment.name, '16HBE day 3, plate A');
    assert.match(await page.title(), /16HBE day 3, plate A/);
    assert.match((await page.textContent('#upload-into')) ?? '', /16HBE day 3, plate A/);
    await page.close();
  });

  it('measurements: the experiment fitted with cpe too shows the model chosen in its table and CSV, edges marked', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    const ex = { id: await hbeExperiment() };
    await page.goto(`${base}/#/experiment/${ex.id}`);
    await page.waitForSelector('#fit-models input[data-model="cpe"]');
    await page.check('#fit-models input[data-model="cpe"]');
    await page.click('#fit-submit');
    await page.waitForSelector('#fit-job');
    await waitFitDone(page);
    await page.waitForSelector('#experiment-model option[value="cpe"]', { state: 'attached' });
    assert.equal(await page.inputValue('#experiment-model'), 'rc');
    const terColumn = async () => {
      const heads = (await page.locator('#experiment-table thead th').allTextContents()).map((t) => t.trim());
      const k = heads.findIndex((t) => t.startsWith('TER [Ω]'));
      const edge = heads.findIndex((t) => t.startsWith('At the edge'));
      const rows = page.locator('#experiment-table tbody tr');
      const ters = (await rows.locator(`td:nth-child(${k + 1})`).evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))))).sort((a, b) => a - b);
      const edges = (await rows.locator(`td:nth-child(${edge + 1})`).allTextContents()).map((t) => t.trim()).sort();
      const marks = await rows.locator(`td:nth-child(${edge + 1}) mark.at-edge`).count();
      return { ters, edges, marks };
    };
    for (const model of ['rc', 'cpe']) {
      if (model !== 'rc') {
        const before = (await terColumn()).ters;
        await page.selectOption('#experiment-model', model);
        await page.waitForFunction(
          (old) => {
            const cells = [...document.querySelectorAll('#experiment-table tbody td[data-value]')].map((td) => td.getAttribute('data-value'));
            return !old.every((v) => cells.includes(String(v)));
          },
          before,
        );
      }
      const { json: stored } = await api(`/api/experiments/${ex.id}/fits?model=${model}`, keys.alice);
      assert.equal(stored.fits.length, HBE.length);
      const shown = await terColumn();
      assert.deepEqual(shown.ters, stored.fits.map((f: { ter: number }) => f.ter).sort((a: number, b: number) => a - b), model);
      assert.deepEqual(shown.edges, stored.fits.map((f: { at_edge: string[] }) => f.at_edge.join(', ')).sort(), model);
      assert.equal(shown.marks, stored.fits.filter((f: { at_edge: string[] }) => f.at_edge.length > 0).length, model);
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#fits-csv')]);
    const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
    assert.equal(csv.length, 1 + HBE.length, csv.join('\n'));
    assert.ok(csv.slice(1).every((l) => l.includes(',cpe,')), csv.join('\n'));
    await page.locator('#ex-table-h').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'experiment-model-cpe.png');
    await page.close();
  });

  it('measurements: a fit of an experiment, cancelled while it runs, says so and stores no fit', async () => {
    // A long file (the RPE file's 3 sweeps again and again) and a short one; the newest is fitted first.
    const many = path.join(tmp, `RPE_${3 * MANY_COPIES}_sweeps_freq`);
    fs.writeFileSync(many, Buffer.concat(Array(MANY_COPIES).fill(fs.readFileSync(path.join(NOVA, RPE)))));
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    await page.goto(`${base}/#/measurements`);
    await page.fill('#experiment-name', 'cancelled fit');
    await page.click('#experiment-form button[type=submit]');
    const link = page.locator('#experiment-list a', { hasText: 'cancelled fit' });
    await link.waitFor();
    const experimentId = ((await link.getAttribute('href')) ?? '').split('/').pop()!;
    await page.selectOption('#upload-experiment', experimentId);
    await page.setInputFiles('#upload-file', [many, path.join(NOVA, CLEAN)]);
    await page.waitForFunction(() => document.querySelectorAll('#upload-results .upload-item[data-measurement]').length >= 2, null, { timeout: 60_000 });
    await page.goto(`${base}/#/experiment/${experimentId}`);
    await page.waitForSelector('#experiment-measurements li[data-measurement]');
    await page.click('#fit-submit');
    // Past the short file's sweeps: the old code had stored its fits by now.
    await page.waitForFunction(() => Number(/sweep (\d+) of/.exec(document.getElementById('fit-status')?.textContent ?? '')?.[1] ?? 0) > 3, null, {
      timeout: 60_000,
      polling: 50,
    });
    await page.click('#fit-cancel');
    await page.waitForSelector('#fit-job[data-state="cancelled"], #fit-job[data-state="done"], #fit-job[data-state="failed"]', { timeout: FIT_TIMEOUT });
    assert.equal(await page.getAttribute('#fit-job', 'data-state'), 'cancelled', (await page.textContent('#fit-status')) ?? '');
    assert.match((await page.textContent('#fit-status')) ?? '', /Cancelled/);
    assert.equal(await page.locator('#fit-cancel').count(), 0, 'no cancel button once it ended');
    await page.locator('#fit-job').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(page, 'fit-cancelled.png');
    // The server agrees: the job is cancelled and the experiment has no fits at all.
    const { json: jobs } = await api('/api/jobs', keys.alice);
    const job = jobs.jobs.find((j: any) => j.request?.experiment === Number(experimentId));
    assert.equal(job?.state, 'cancelled', JSON.stringify(job));
    const { status, json } = await api(`/api/experiments/${experimentId}/fits`, keys.alice);
    assert.equal(status, 200);
    assert.deepEqual(json.fits, [], 'a cancelled fit stores nothing');
    await page.close();
  });

  it('measurements: a file of a disconnected electrode, dropped on the page, is flagged and not fitted as good', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    await page.goto(`${base}/#/measurements`);
    const bytes = [...fs.readFileSync(path.join(NOVA, DISCONNECTED))];
    await page.evaluate(
      ({ bytes, name }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], name));
        document.getElementById('drop-zone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      { bytes, name: DISCONNECTED },
    );
    const item = page.locator(`#upload-results .upload-item[data-file="${DISCONNECTED}"]`);
    // Stored (it reads), but flagged with the checks' reasons.
    await page.waitForSelector(`#upload-results .upload-item[data-file="${DISCONNECTED}"][data-measurement]`);
    const text = (await item.textContent()) ?? '';
    assert.ok(await item.evaluate((el) => el.classList.contains('flagged')), text);
    assert.match(text, /Flagged: \d+ warning/, text);
    assert.match(text, /electrode not connected|Kramers/, text);
    await shot(page, 'disconnect-flagged.png');
    {
      await item.locator('a').click();
      await page.waitForSelector('#fit-submit');
      assert.ok(await page.locator('.warn-box').count(), 'the measurement page shows the warnings too');
      await page.click('#fit-submit');
      await waitFitDone(page);
      await page.waitForSelector('#fit-table tbody tr');
      const statuses = await page.locator('#fit-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')));
      assert.ok(statuses.every((s) => s !== 'ok'), `statuses ${statuses.join(', ')}`);
      await page.locator('#fit-result-status').evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await shot(page, 'disconnect-fit.png');
      // Issue 18, item 8: in an experiment, its time course says the invalid sweep is left out, and why.
      const ex = await api('/api/experiments', keys.alice, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'disconnected electrode' }),
      });
      assert.equal(ex.status, 201, JSON.stringify(ex.json));
      const mid = page.url().split('/').pop();
      const moved = await api(`/api/measurements/${mid}`, keys.alice, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ experiment: ex.json.experiment.id }),
      });
      assert.equal(moved.status, 200, JSON.stringify(moved.json));
      await page.goto(`${base}/#/experiment/${ex.json.experiment.id}`);
      await page.waitForSelector('#course-left-out');
      assert.match((await page.textContent('#course-left-out')) ?? '', /16HBEmedia_disconnect_freq\.txt sweep 0 \(invalid data\)/);
    }
    await page.close();
  });

  it('measurements: one is deleted on its page after an in-page confirmation; a refusal shows there', async () => {
    const file = path.join(tmp, MEASURED_CSV);
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    await page.goto(`${base}/#/measurements`);
    await page.setInputFiles('#upload-file', file);
    const item = page.locator(`#upload-results .upload-item[data-file="${MEASURED_CSV}"][data-measurement]`);
    await item.waitFor();
    const first = (await item.getAttribute('data-measurement'))!;
    await item.locator('a').click();
    await page.waitForSelector('#delete-measurement');
    // Asked first, in the page; the safe button takes the focus and Escape keeps the file.
    await page.click('#delete-measurement');
    assert.ok(await page.locator('#delete-box').isVisible());
    assert.match((await page.textContent('#delete-question')) ?? '', new RegExp(`Really delete ${MEASURED_CSV.replace('.', '\\.')}\\?`));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'delete-cancel');
    assert.equal(await page.getAttribute('#delete-measurement', 'aria-expanded'), 'true');
    await page.keyboard.press('Escape');
    assert.ok(await page.locator('#delete-box').isHidden());
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'delete-measurement');
    // Gone behind the page's back: the server's refusal is shown next to the buttons.
    assert.equal((await api(`/api/measurements/${first}`, keys.alice, { method: 'DELETE' })).status, 200);
    await page.click('#delete-measurement');
    await page.click('#delete-confirm');
    await page.waitForFunction(() => /Not deleted/.test(document.getElementById('delete-error')?.textContent ?? ''));
    assert.match(page.url(), new RegExp(`#/measurement/${first}$`));
    // Uploaded again, and deleted from its page: the list opens without it and says so.
    const up = await api(`/api/measurements?name=${MEASURED_CSV}`, keys.alice, { method: 'POST', body: fs.readFileSync(file) });
    assert.equal(up.status, 201, JSON.stringify(up.json));
    const id = String(up.json.measurement.id);
    // From the list (the new row may reuse the deleted one's id, so the page is opened afresh).
    await page.goto(`${base}/#/measurements`);
    await page.click(`#measurement-table tr[data-measurement="${id}"] a`);
    await page.waitForSelector(`[data-measurement="${id}"] #delete-measurement`);
    await page.click('#delete-measurement');
    await shot(page, 'measurement-delete-confirm.png');
    assert.deepEqual(await axeViolations(page), []);
    await page.click('#delete-confirm');
    await page.waitForFunction((f) => document.getElementById('measurements-notice')?.textContent === `Deleted ${f}.`, MEASURED_CSV);
    assert.match(page.url(), /#\/measurements$/);
    assert.equal(await page.locator(`#measurement-table tr[data-measurement="${id}"]`).count(), 0);
    assert.ok(await page.locator('#measurement-table tbody tr').count(), 'the other measurements are still listed');
    await shot(page, 'measurement-deleted.png');
    assert.deepEqual(await axeViolations(page), [], 'the list of measurements');
    assert.equal((await api(`/api/measurements/${id}`, keys.alice)).status, 404);
    await page.close();
  });

  it('measurements: where a lower frequency would decide, every model line goes below the data to half of it, as the server computes it', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    // 16HBE_TW01: its models part below the lowest measured frequency (a decisive frequency).
    const id = await aliceMeasurement(HBE[0]);
    await page.goto(`${base}/#/measurement/${id}`);
    await page.waitForSelector('#fit-models input[data-model="rc_electrode"]');
    for (const box of await page.locator('#fit-models input[name="fit-model"]').all()) await box.check();
    await page.click('#fit-submit');
    await waitFitDone(page);
    const { json: stored } = await api(`/api/measurements/${id}/fits`, keys.alice);
    const sweep0 = stored.fits.filter((x: { sweep: number }) => x.sweep === 0);
    const decisive = sweep0.find((f: { decisive_frequency: number | null }) => f.decisive_frequency != null)?.decisive_frequency;
    const { json: measurement } = await api(`/api/measurements/${id}`, keys.alice);
    const lowestHz = Math.min(...measurement.measurement.sweeps[0].frequencies);
    assert.ok(decisive != null && decisive < lowestHz, `a decisive frequency below ${lowestHz} Hz: ${decisive}`);
    await page.waitForSelector('#below-data');
    assert.match((await page.textContent('#below-data')) ?? '', new RegExp(`down to ${fmtNum(decisive / 2, 3)} Hz`));
    for (const f of sweep0) {
      const li = page.locator(`#fit-detail .legend li[data-model="${f.model}"]`);
      const fLow = Number(await li.getAttribute('data-f-low'));
      assert.ok(Math.abs(fLow - decisive / 2) < 1e-9 * decisive, `${f.model} from ${fLow} Hz, decisive ${decisive} Hz`);
      const [re, im] = ((await li.getAttribute('data-z-low')) ?? '').split(',').map(Number);
      const [wantRe, wantIm] = spec12(f.model, f.params, fLow);
      const size = Math.hypot(wantRe, wantIm);
      assert.ok(Math.abs(re - wantRe) < 1e-9 * size && Math.abs(im - wantIm) < 1e-9 * size, `${f.model} at ${fLow} Hz: ${re}, ${im} against ${wantRe}, ${wantIm}`);
    }
    await page.locator('#fit-result-status').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot(page, 'models-below-data.png');
    await page.close();
  });

  it('a run against a stored measurement, started from the run form', async () => {
    await aliceMeasurement(RPE);
    const page = await newPage();
    await page.goto(`${base}/`);
    await signIn(page, 'alice');
    await page.goto(`${base}/#/new`);
    const option = page.locator('#run-reference option', { hasText: RPE });
    await option.waitFor({ state: 'attached' });
    assert.match((await page.textContent('#run-intro')) ?? '', /model spectrum of the reference circuit/);
    await page.selectOption('#run-reference', (await option.getAttribute('value'))!);
    await page.fill('#run-ref-sweep', '1');
    // The intro follows the choice: the measurement's sweep, not the circuit.
    const intro = (await page.textContent('#run-intro')) ?? '';
    assert.match(intro, new RegExp(`sweep 1 of the measurement ${RPE}`));
    assert.doesNotMatch(intro, /reference circuit/);
    assert.ok(await page.locator('#run-preset').isHidden(), 'the frequencies are the measurement’s');
    await page.fill('#run-grid', '4');
    await page.fill('#run-output', 'e2e_against_rpe.npz');
    await page.locator('#run-reference').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(page, 'run-form-measurement.png');
    await page.click('#run-submit');
    const job = page.locator('#jobs .job', { hasText: 'e2e_against_rpe.npz' });
    await job.waitFor();
    await page.waitForSelector('#jobs .job[data-state="done"]:has-text("e2e_against_rpe.npz"), #jobs .job[data-state="failed"]:has-text("e2e_against_rpe.npz")', { timeout: 60_000 });
    assert.equal(await job.getAttribute('data-state'), 'done', (await job.textContent()) ?? '');
    await job.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(page, 'run-against-measurement.png');
    await page.goto(`${base}/#/dataset/e2e_against_rpe.npz`);
    await page.waitForFunction(() => /measured spectrum/.test(document.getElementById('reference-source')?.textContent ?? ''));
    // The run swept Rs with the grid (issue 18, item 11): the count says so, and each row shows its Rs as the file holds it.
    // The count is completed once the file's metadata has loaded, after the first render.
    await page.waitForFunction(() => /values of Rs/.test(document.querySelector('#grid-points')?.textContent ?? ''));
    assert.match((await page.textContent('#grid-points')) ?? '', /^4 per axis × \d+ values of Rs \([\d\s,\u202f]+ points\)$/);
    await page.waitForSelector('#results-table td[data-col="Rs"]');
    const shownRs = (await page.locator('#results-table td[data-col="Rs"]').allTextContents()).map((t) => t.trim());
    const { json: best } = await api(`/api/best-results/e2e_against_rpe.npz?n=${shownRs.length}`, keys.alice);
    assert.equal(best.data.series_resistance.length, shownRs.length);
    assert.deepEqual(shownRs, best.data.series_resistance.map((v: number) => fmtNum(v)));
    assert.ok(best.data.series_resistance.every((v: number) => v > 0));
    await page.close();
  });

  it('the status indicator turns offline when the server stops, and the refresh button checks again', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.waitForSelector('#api-status.status-online');
    server!.kill('SIGTERM');
    await Promise.race([new Promise((r) => server!.once('exit', r)), sleep(10_000)]);
    await page.click('#api-refresh');
    await page.waitForSelector('#api-status.status-offline');
    assert.match((await page.textContent('#api-status')) ?? '', /offline/);
    await page.waitForSelector('#dataset-list .error-box');
    await shot(page, 'offline.png');
    await page.close();
  });

  it('no uncaught errors in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
