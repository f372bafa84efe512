// End-to-end tests of the page against a real `eisgrid serve` in Chromium (harness.ts) for the
// dataset list and the header: the page served with the API's status, the cards, who sees which
// dataset, downloads, sign-in, a missing file, datasets compared in one plot with a table of their
// best rows, and the status when the server stops.

import { describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fmtNum } from '../../src/format.ts';
import { SAMPLE, PRIVATE, MISSING, CPE, COMPARE, EXTRA, run, axeViolations, sleep, pageErrors, it, startApp } from './harness.ts';

describe('eisgrid web page: the dataset list and the header', () => {
  const app = startApp(['private', 'nospectra', 'missing', 'measured', 'compare', 'extra', 'cpe']);
  const { api, newPage, signIn, shot, keys } = app;

  it('the page is served by eisgrid and reports the API online', async () => {
    const page = await newPage();
    await page.goto(app.base + '/');
    await page.waitForSelector('#api-status.status-online');
    assert.match((await page.textContent('#api-status')) ?? '', /online/);
    assert.match((await page.textContent('#who')) ?? '', /Anonymous/);
    await page.close();
  });

  it('the list shows the sample dataset with its circuit parameters', async () => {
    const page = await newPage();
    await page.goto(app.base + '/');
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

  it("compared beside an rc dataset, a cpe dataset's best row shows its own parameters, not rc's columns", async () => {
    const page = await newPage();
    await page.goto(`${app.base}/`);
    await signIn(page, 'carol');
    await page.goto(`${app.base}/#/compare/${CPE},${SAMPLE}`);
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

  it("an anonymous visitor does not see another user's dataset", async () => {
    // The private dataset exists: its owner sees it.
    const own = await api('/api/datasets', keys.bob);
    assert.ok(own.json.datasets.some((d: any) => d.filename === PRIVATE), 'bob should see his own dataset');
    const page = await newPage();
    await page.goto(`${app.base}/`);
    await page.locator(`#dataset-list [data-filename="${SAMPLE}"]`).waitFor();
    assert.equal(await page.locator(`#dataset-list [data-filename="${PRIVATE}"]`).count(), 0);
    await page.goto(`${app.base}/#/dataset/${PRIVATE}`);
    await page.waitForSelector('.dataset-view .error-box');
    assert.equal((await api(`/api/best-results/${PRIVATE}?n=1`)).status, 404);
    // Signed in as another user (alice): still not there. Signed in as bob: there, marked Yours.
    await page.goto(`${app.base}/`);
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

  it('download: a plain link for public data, with the key for a private dataset', async () => {
    const { json } = await api('/api/datasets', keys.bob);
    const size = (f: string) => json.datasets.find((d: any) => d.filename === f).size_bytes;
    const page = await newPage();
    await page.goto(`${app.base}/#/dataset/${SAMPLE}`);
    await page.locator('#results-table tbody tr[data-rank="0"]').waitFor();
    const [pub] = await Promise.all([page.waitForEvent('download'), page.click('.view-actions :text("Download")')]);
    assert.equal(pub.suggestedFilename(), SAMPLE);
    assert.equal(fs.statSync((await pub.path())!).size, size(SAMPLE));
    await page.goto(`${app.base}/`);
    await signIn(page, 'bob');
    await page.goto(`${app.base}/#/dataset/${PRIVATE}`);
    await page.locator('#results-table tbody tr[data-rank="0"]').waitFor();
    const [priv] = await Promise.all([page.waitForEvent('download'), page.click('.view-actions :text("Download")')]);
    assert.equal(priv.suggestedFilename(), PRIVATE);
    assert.equal(fs.statSync((await priv.path())!).size, size(PRIVATE));
    await page.close();
  });

  it('a wrong API key is refused with a message', async () => {
    const page = await newPage();
    await page.goto(`${app.base}/`);
    await page.fill('#api-key', 'eisgrid_not_a_real_key');
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('#auth-msg.error');
    assert.match((await page.textContent('#who')) ?? '', /Anonymous/);
    await page.close();
  });

  it('a key typed before the page has heard from the server is kept when the header is drawn again, and signs in', async () => {
    const page = await newPage();
    // The page's first status check is held until the key is typed; its answer makes the page
    // draw the header again, which once emptied the field ("Enter an API key." on submit).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/status', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${app.base}/`);
    await page.fill('#api-key', keys.alice);
    const datasets = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/datasets');
    release();
    await datasets; // asked together with the header's redrawing, answered after it
    assert.equal(await page.inputValue('#api-key'), keys.alice);
    await signIn(page, 'alice');
    await page.close();
  });

  it("the list asked for before a sign-in does not replace the signed-in user's when it answers last", async () => {
    const page = await newPage();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let first = true;
    await page.route('**/api/datasets', async (route) => {
      if (first) {
        first = false;
        await held;
      }
      await route.continue();
    });
    await page.goto(`${app.base}/`);
    await signIn(page, 'bob');
    const mine = page.locator(`#dataset-list [data-filename="${PRIVATE}"]`);
    await mine.waitFor();
    // The first load ends by asking for the user's jobs, after the list it was held on is drawn.
    let released = false;
    const jobs = page.waitForRequest((r) => released && new URL(r.url()).pathname === '/api/jobs');
    released = true;
    release();
    await jobs;
    assert.equal(await mine.count(), 1);
    await page.close();
  });

  it('the sign-in box says where API keys come from', async () => {
    const page = await newPage();
    await page.goto(`${app.base}/`);
    const hint = (await page.textContent('#auth-hint')) ?? '';
    assert.match(hint, /eisgrid user add NAME/);
    assert.match((await page.getAttribute('#api-key', 'aria-describedby')) ?? '', /auth-hint/);
    await page.close();
  });

  it('dataset cards are compact: about 25 datasets are a few screens, not a long scroll', async () => {
    const page = await newPage();
    await page.goto(`${app.base}/`);
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
    await page.goto(`${app.base}/`);
    await signIn(page, 'alice');
    const missingSays = async () => {
      await page.goto(`${app.base}/#/dataset/${MISSING}`);
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
    run(['sync', '--data', app.data, '-q']);
    await page.goto(`${app.base}/`);
    await page.reload();
    const card = page.locator(`#dataset-list [data-filename="${MISSING}"]`);
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /Missing/);
    await missingSays();
    await page.close();
  });

  it('two datasets compared in one plot: reference and best row of each, a legend, and a table that downloads as CSV', async () => {
    run(['sync', '--data', app.data, '-q']); // the catalog marks the missing file (as the test of missing files left it)
    const page = await newPage();
    await page.goto(`${app.base}/`);
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

  it('the status indicator turns offline when the server stops, and the refresh button checks again', async () => {
    const page = await newPage();
    await page.goto(`${app.base}/`);
    await page.waitForSelector('#api-status.status-online');
    app.server!.kill('SIGTERM');
    await Promise.race([new Promise((r) => app.server!.once('exit', r)), sleep(10_000)]);
    await page.click('#api-refresh');
    await page.waitForSelector('#api-status.status-offline');
    assert.match((await page.textContent('#api-status')) ?? '', /offline/);
    await page.waitForSelector('#dataset-list .error-box');
    await shot(page, 'offline.png');
    await page.close();
  });

  // Each test fails on an uncaught error of its own pages (harness.ts); this one sums up the file's.
  it('no uncaught errors in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
