// End-to-end tests of the page against a real `eisgrid serve` in Chromium (harness.ts) for one
// dataset's view: its best rows against the API, search, the Nyquist and Bode plots, tags on its
// rows, a cpe dataset's own columns, a measured reference, keyboard use and accessibility.

import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { fmtNum } from '../../src/format.ts';
import { ter, tec } from '../../src/circuit.ts';
import { SAMPLE, NOSPECTRA, MEASURED, MEASURED_CSV, CPE, axeViolations, it, startApp } from './harness.ts';

describe('eisgrid web page: a dataset\'s view', () => {
  const app = startApp(['nospectra', 'cpe', 'measured']);
  const { api, newPage, signIn, shot, keys } = app;

  it("the view's best row matches the API", async () => {
    const page = await newPage();
    await page.goto(app.base + '/');
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
    await page.goto(`${app.base}/#/dataset/${SAMPLE}`);
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
    await page.goto(`${app.base}/`);
    await signIn(page, 'alice');
    // Its card says the frequencies are linearly spaced (the linear preset, 10 Hz – 1 kHz).
    const card = page.locator(`#dataset-list [data-filename="${NOSPECTRA}"]`);
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /10 Hz – 1 kHz, linear/);
    await page.goto(`${app.base}/#/dataset/${NOSPECTRA}`);
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
    await page.goto(`${app.base}/`);
    await signIn(page, 'carol');
    await page.goto(`${app.base}/#/dataset/${CPE}`);
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

  it('keyboard: a dataset opens with Enter and the focus moves to the view', async () => {
    const page = await newPage();
    await page.goto(`${app.base}/`);
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
    await page.goto(`${app.base}/#/dataset/${SAMPLE}`);
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
    await page.goto(`${app.base}/#/dataset/${SAMPLE}`);
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
    await page.goto(`${app.base}/#/dataset/${SAMPLE}`);
    const bobsView = page.locator('#tag-table tbody tr', { hasText: 'mirror of the best' });
    // The list is drawn again after the sign-out, the sign-in and the address change, each when its
    // request answers: wait for the row as bob's list draws it, with Plot and without Delete (a
    // Delete that stays fails here, on the timeout), rather than counting buttons in whichever
    // drawing is there at that moment.
    const plot = page.locator('button:has-text("Plot")');
    const del = page.locator('button:has-text("Delete")');
    await bobsView.filter({ has: plot, hasNot: del }).waitFor();
    assert.equal(await bobsView.locator(plot).count(), 1);
    await page.close();
  });

  it("a cpe row is tagged and its tag shows the model's own parameters, units and values", async () => {
    const page = await newPage();
    await page.goto(app.base + '/');
    await signIn(page, 'carol');
    await page.goto(`${app.base}/#/dataset/${CPE}`);
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
    const best = (await api(`/api/best-results/${CPE}?n=3`, keys.carol)).json;
    const names: string[] = best.data.param_names;
    const values: number[] = best.data.parameters[2];
    const tags = (await api(`/api/tags?filename=${CPE}`, keys.carol)).json;
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
    await page.close();
  });

  it('a tag note over the server\'s limit in bytes of UTF-8 is refused on the page, next to the field, before any request', async () => {
    // The limit as the server states it (its own constant, in bytes).
    const { json: doc } = await api('/api/openapi.json');
    const max = doc.paths['/api/tags'].post.requestBody.content['application/json'].schema.properties.notes['x-max-bytes'];
    assert.ok(Number.isInteger(max) && max > 0, `x-max-bytes of the tag notes: ${max}`);
    const page = await newPage();
    await page.goto(`${app.base}/`);
    await signIn(page, 'alice');
    await page.goto(`${app.base}/#/dataset/${SAMPLE}`);
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

  it('the main views pass axe-core accessibility checks (WCAG 2.1 A/AA, serious and critical)', async () => {
    const page = await newPage();
    await page.goto(`${app.base}/`);
    await page.locator(`#dataset-list [data-filename="${SAMPLE}"]`).waitFor();
    const found: string[] = [];
    found.push(...(await axeViolations(page)).map((v) => `list: ${v}`));
    await page.goto(`${app.base}/#/dataset/${SAMPLE}`);
    await page.waitForSelector('#plot-nyquist canvas');
    await page.reload();
    await page.waitForSelector('#plot-nyquist canvas');
    found.push(...(await axeViolations(page)).map((v) => `dataset view: ${v}`));
    await page.goto(`${app.base}/#/new`);
    await page.reload();
    await page.waitForSelector('#run-form');
    await page.fill('#run-grid', '1');
    await page.click('#run-submit');
    await page.waitForSelector('#run-grid-error:not(:empty)');
    found.push(...(await axeViolations(page)).map((v) => `run form: ${v}`));
    assert.deepEqual(found, []);
    await page.close();
  });

  it('a measured dataset names the file its reference came from', async () => {
    const page = await newPage();
    await page.goto(`${app.base}/`);
    await signIn(page, 'alice');
    const card = page.locator(`#dataset-list [data-filename="${MEASURED}"]`);
    await card.waitFor();
    assert.doesNotMatch((await card.textContent()) ?? '', /measured or unknown/);
    assert.match((await card.locator('.ref-source').textContent()) ?? '', /measured spectrum/);
    await page.goto(`${app.base}/#/dataset/${MEASURED}`);
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

  it('frequency axis labels read alike across decades (no jump from 10000 to 1e5)', async () => {
    const page = await newPage();
    await page.goto(`${app.base}/#/dataset/${SAMPLE}`);
    await page.waitForSelector('#plot-bode-mag[data-x-ticks]');
    const ticks = ((await page.getAttribute('#plot-bode-mag', 'data-x-ticks')) ?? '').split(' ');
    for (const t of ['0.1', '1', '10', '100', '1k', '10k', '100k']) assert.ok(ticks.includes(t), `no tick "${t}" in ${ticks.join(' ')}`);
    for (const t of ticks) assert.doesNotMatch(t, /e|^10000$/, `tick "${t}"`);
    await page.close();
  });

  it('at 900 px wide the plots take the width of their panel', async () => {
    const page = await newPage();
    await page.setViewportSize({ width: 900, height: 900 });
    await page.goto(`${app.base}/#/dataset/${SAMPLE}`);
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
});
