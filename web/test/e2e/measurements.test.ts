// End-to-end tests of the page against a real `eisgrid serve` in Chromium (harness.ts) for
// measurements: upload (file picker, drop), the sweeps, a fit with the expected TER, every circuit
// model side by side (SPEC 12) and below the data where a lower frequency would decide, flagged
// files, and deletion after an in-page confirmation.

import { describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fmtFixed, fmtNum } from '../../src/format.ts';
import { MEASURED_CSV, NOVA, axeViolations, it, startApp } from './harness.ts';
import { RPE, HBE, DISCONNECTED, INSERT_AREA, expected, within, tableBox, linesOf, nyquistFloor, aliceMeasurement, spec12, waitFitDone } from './measured.ts';

describe('eisgrid web page: measurements', () => {
  const app = startApp();
  const { api, newPage, signIn, shot, keys } = app;

  it('measurements: the RPE file, uploaded with the file picker, shows its 3 sweeps and fits to the expected TER, per area too', async () => {
    const page = await newPage();
    await page.goto(`${app.base}/`);
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
      const n = await nyquistFloor(app, page, '#sweeps-nyquist', id);
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
      const n = await nyquistFloor(app, page, '#fit-nyquist', id);
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
    await page.goto(`${app.base}/`);
    await signIn(page, 'alice');
    const id = await aliceMeasurement(app, RPE);
    // Every model's spectrum the page draws is the server's (POST /api/models/<name>/spectrum).
    const spectra = new Map<string, { frequencies: number[]; rows: number[][] }>();
    page.on('response', async (r) => {
      const m = /\/api\/models\/([^/]+)\/spectrum$/.exec(new URL(r.url()).pathname);
      if (m && r.ok()) spectra.set(decodeURIComponent(m[1]), await r.json());
    });
    await page.goto(`${app.base}/#/measurement/${id}`);
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

  it('measurements: a file of a disconnected electrode, dropped on the page, is flagged and not fitted as good', async () => {
    const page = await newPage();
    await page.goto(`${app.base}/`);
    await signIn(page, 'alice');
    await page.goto(`${app.base}/#/measurements`);
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
      await page.goto(`${app.base}/#/experiment/${ex.json.experiment.id}`);
      await page.waitForSelector('#course-left-out');
      assert.match((await page.textContent('#course-left-out')) ?? '', /16HBEmedia_disconnect_freq\.txt sweep 0 \(invalid data\)/);
    }
    await page.close();
  });

  // The page's first load may answer after the user has opened a view and uploaded there (a slow
  // server, a busy machine): it used to draw the view again, and the upload's result was dropped.
  it('measurements: a view opened while the page still loads keeps the result of its upload', async () => {
    const page = await newPage();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let first = true;
    await page.route('**/api/datasets', async (r) => {
      if (first) {
        first = false;
        await held;
      }
      await r.continue();
    });
    await page.goto(`${app.base}/#/measurements`);
    await signIn(page, 'alice');
    await page.setInputFiles('#upload-file', path.join(app.tmp, MEASURED_CSV));
    const item = page.locator(`#upload-results .upload-item[data-file="${MEASURED_CSV}"][data-measurement]`);
    await item.waitFor();
    // The first load ends by asking for the user's jobs, after it would have drawn the view.
    let released = false;
    const jobs = page.waitForRequest((r) => released && new URL(r.url()).pathname === '/api/jobs');
    released = true;
    release();
    await jobs;
    assert.equal(await item.count(), 1);
    const id = (await item.getAttribute('data-measurement'))!;
    assert.equal((await api(`/api/measurements/${id}`, keys.alice, { method: 'DELETE' })).status, 200);
    await page.close();
  });

  it('measurements: one is deleted on its page after an in-page confirmation; a refusal shows there', async () => {
    const file = path.join(app.tmp, MEASURED_CSV);
    const page = await newPage();
    await page.goto(`${app.base}/`);
    await signIn(page, 'alice');
    await page.goto(`${app.base}/#/measurements`);
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
    await page.goto(`${app.base}/#/measurements`);
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
    await page.goto(`${app.base}/`);
    await signIn(page, 'alice');
    // 16HBE_TW01: its models part below the lowest measured frequency (a decisive frequency).
    const id = await aliceMeasurement(app, HBE[0]);
    await page.goto(`${app.base}/#/measurement/${id}`);
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
});
