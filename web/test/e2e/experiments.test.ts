// End-to-end tests of the page against a real `eisgrid serve` in Chromium (harness.ts) for
// experiments: the four 16HBE files fitted together, the table, the time course and its CSV, the
// model shown, renaming, and a fit cancelled while it runs.

import { describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { NOVA, axeViolations, it, startApp } from './harness.ts';
import { RPE, HBE, CLEAN, MANY_COPIES, INSERT_AREA, FIT_TIMEOUT, expected, within, tableBox, linesOf, hbeExperiment, waitFitDone } from './measured.ts';

describe('eisgrid web page: experiments', () => {
  const app = startApp();
  const { api, newPage, signIn, shot, keys } = app;

  it('measurements: the four 16HBE files in one experiment, fitted, give a time course per insert and a CSV', async () => {
    const page = await newPage();
    await page.goto(`${app.base}/`);
    await signIn(page, 'alice');
    await page.goto(`${app.base}/#/measurements`);
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
    await page.goto(`${app.base}/#/experiment/${experimentId}`);
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
      await other.goto(`${app.base}/`);
      await signIn(other, 'alice');
      await other.goto(`${app.base}/${href}`);
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
    await page.goto(`${app.base}/`);
    await signIn(page, 'alice');
    const ex = { id: await hbeExperiment(app) };
    await page.goto(`${app.base}/#/experiment/${ex.id}`);
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
    const many = path.join(app.tmp, `RPE_${3 * MANY_COPIES}_sweeps_freq`);
    fs.writeFileSync(many, Buffer.concat(Array(MANY_COPIES).fill(fs.readFileSync(path.join(NOVA, RPE)))));
    const page = await newPage();
    await page.goto(`${app.base}/`);
    await signIn(page, 'alice');
    await page.goto(`${app.base}/#/measurements`);
    await page.fill('#experiment-name', 'cancelled fit');
    await page.click('#experiment-form button[type=submit]');
    const link = page.locator('#experiment-list a', { hasText: 'cancelled fit' });
    await link.waitFor();
    const experimentId = ((await link.getAttribute('href')) ?? '').split('/').pop()!;
    await page.selectOption('#upload-experiment', experimentId);
    await page.setInputFiles('#upload-file', [many, path.join(NOVA, CLEAN)]);
    await page.waitForFunction(() => document.querySelectorAll('#upload-results .upload-item[data-measurement]').length >= 2, null, { timeout: 60_000 });
    await page.goto(`${app.base}/#/experiment/${experimentId}`);
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
});
