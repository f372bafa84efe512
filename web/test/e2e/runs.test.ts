// End-to-end tests of the page against a real `eisgrid serve` in Chromium (harness.ts) for new runs
// from the form: the model chosen, bad input, progress, cancelling, a reload, a server that stops
// and comes back, and a run against a stored measurement.

import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { fmtNum } from '../../src/format.ts';
import { sleep, it, startApp } from './harness.ts';
import { RPE, aliceMeasurement } from './measured.ts';

describe('eisgrid web page: new runs', () => {
  const app = startApp();
  const { api, newPage, signIn, shot, keys, startServer, stopServer } = app;
  const RUN = 'e2e_run_grid_5.npz';

  it('the run form sweeps the model chosen from the server\'s list', async () => {
    const page = await newPage();
    await page.goto(`${app.base}/#/new`);
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

  it('bad form input shows a message next to the field', async () => {
    const page = await newPage();
    await page.goto(`${app.base}/#/new`);
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
    await page.goto(`${app.base}/`);
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
    await page.goto(`${app.base}/`);
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
    await page.goto(`${app.base}/`);
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

  it('a run against a stored measurement, started from the run form', async () => {
    await aliceMeasurement(app, RPE);
    const page = await newPage();
    await page.goto(`${app.base}/`);
    await signIn(page, 'alice');
    await page.goto(`${app.base}/#/new`);
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
    await page.goto(`${app.base}/#/dataset/e2e_against_rpe.npz`);
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
});
