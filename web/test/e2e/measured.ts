// What the end-to-end tests of measurements, fits and experiments share: the NOVA files of
// tests/data/measured/nova with their expected optima, and helpers that read the page or make
// alice's measurements over the API when the file's own tests have not.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { NOVA, type App } from './harness.ts';

export const RPE = 'RPEmedia_TW1-1_d1_chamber1_channel1_5freq5sine_freq';
export const HBE = [1, 2, 3, 4].map((i) => `16HBE_TW0${i}_d3_endohm1_freq`);
export const DISCONNECTED = '16HBEmedia_disconnect_freq.txt';
export const CLEAN = '16HBEmedia_8TWclean_d1_chamber1_channel1_freq';
export const MANY_COPIES = 100; // of the RPE file in one upload: 300 sweeps, seconds of fitting
export const INSERT_AREA = 1.12; // cm², the Corning 3460 Transwells of the NOVA files
export const FIT_TIMEOUT = 180_000;

/** The global optima of fixtures/measured/nova. */
export const expected = () => JSON.parse(fs.readFileSync(path.join(NOVA, 'expected_fits.json'), 'utf8')) as { good: { file: string; sweep: number; TER: number; TEC: number }[] };
export const within = (got: number, want: number, rel: number) => Math.abs(got - want) <= rel * Math.abs(want);

/**
 * How a table sits in its panel: the panel's and its scroll region's scroll and client widths,
 * and the region's role, label and tab stop (axe's scrollable-region-focusable).
 */
export async function tableBox(page: Page, table: string) {
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
export async function linesOf(page: Page, cell: string): Promise<number> {
  return page.locator(cell).first().evaluate((td) => {
    const r = document.createRange();
    r.selectNodeContents(td);
    return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
  });
}

/** The drawn x and y ranges of an equal-axes plot, and the smallest −Im Z of the measurement's sweeps. */
export async function nyquistFloor(app: App, page: Page, box: string, measurement: string) {
  const [x0, x1] = ((await page.getAttribute(box, 'data-x-range')) ?? '').split(',').map(Number);
  const [y0] = ((await page.getAttribute(box, 'data-y-range')) ?? '').split(',').map(Number);
  const { json } = await app.api(`/api/measurements/${measurement}`, app.keys.alice);
  const minNegIm = Math.min(...json.measurement.sweeps.flatMap((s: { imag: number[] }) => s.imag.map((v) => -v)));
  return { y0, width: x1 - x0, floor: Math.min(0, minNegIm) };
}

/**
 * The id of alice's measurement of a NOVA file, uploaded here unless an earlier test uploaded it (the same
 * content again is a 409): a test that needs the file has it whatever ran before it.
 */
export async function aliceMeasurement(app: App, file: string): Promise<number> {
  const body = fs.readFileSync(path.join(NOVA, file));
  const r = await app.api(`/api/measurements?name=${encodeURIComponent(file)}`, app.keys.alice, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body });
  if (r.status === 201) return r.json.measurement.id;
  assert.equal(r.status, 409, JSON.stringify(r.json));
  const { json: list } = await app.api('/api/measurements', app.keys.alice);
  return list.measurements.find((m: { file_name: string }) => m.file_name === file).id;
}

/** alice's experiment of the four 16HBE files: the one an earlier test made, else made here over the API. */
export async function hbeExperiment(app: App): Promise<number> {
  const { json: exs } = await app.api('/api/experiments', app.keys.alice);
  const made = exs.experiments.find((e: { name: string }) => e.name.startsWith('16HBE day 3'));
  if (made) return made.id;
  const json = { 'Content-Type': 'application/json' };
  const r = await app.api('/api/experiments', app.keys.alice, { method: 'POST', headers: json, body: JSON.stringify({ name: '16HBE day 3' }) });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const id = r.json.experiment.id;
  for (const file of HBE) {
    const body = fs.readFileSync(path.join(NOVA, file));
    const u = await app.api(`/api/measurements?name=${encodeURIComponent(file)}&experiment=${id}`, app.keys.alice, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body });
    assert.equal(u.status, 201, JSON.stringify(u.json));
  }
  return id;
}

/**
 * SPEC 12's impedance of each model, written here independently of the server (the page has no
 * formula of its own): [Z', Z''] at frequency f.
 */
export function spec12(model: string, p: Record<string, number>, f: number): [number, number] {
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

export async function waitFitDone(page: Page): Promise<void> {
  await page.waitForSelector('#fit-job[data-state="done"], #fit-job[data-state="failed"], #fit-job[data-state="cancelled"]', { timeout: FIT_TIMEOUT });
  assert.equal(await page.getAttribute('#fit-job', 'data-state'), 'done', (await page.textContent('#fit-status')) ?? '');
}

