// One experiment (#/experiment/ID): its measurements, uploads into it, a fit of all of them, the
// table of fits (one row per sweep, sortable, as CSV), the time course of TER and TEC per insert,
// and chosen sweeps compared in one plot. The table, the time course and the comparison are parts
// of their own (experiment-table, experiment-course, experiment-compare) fed from here.

import { getKey } from './api';
import { measuredApi, type Experiment, type Measurement } from './api-measured';
import { h, replace } from './dom';
import { serverModels } from './models';
import { fmtNum } from './format';
import { fitForm } from './fit-job';
import { STALE } from './latest';
import { enterView } from './view-life';
import { uploadBox, uploadInto, warningList } from './ui-measurements';
import { serverLimits, textTooLong } from './limits';
import { tablePart, type Row } from './experiment-table';
import { coursePart } from './experiment-course';
import { comparePart } from './experiment-compare';

/** "Rename" and its form: a new name for the experiment, checked against the server's limit, sent with PATCH. */
function renameControl(ex: Experiment, renamed: (e: Experiment) => void): { button: HTMLElement; form: HTMLElement } {
  const button = h('button', { type: 'button', class: 'btn', id: 'rename-experiment', 'aria-expanded': 'false', 'aria-controls': 'rename-form' }, 'Rename');
  const name = h('input', { type: 'text', id: 'rename-name', value: ex.name, required: true, 'aria-describedby': 'rename-msg' });
  const msg = h('span', { class: 'field-error', id: 'rename-msg', role: 'alert' });
  const show = (open: boolean) => {
    form.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    msg.textContent = '';
    if (open) name.select();
    (open ? name : button).focus();
  };
  const form = h(
    'form',
    {
      class: 'inline-form rename-form',
      id: 'rename-form',
      hidden: true,
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        msg.textContent = '';
        const wanted = name.value.trim();
        if (!wanted) return void (msg.textContent = 'Give the experiment a name.');
        const tooLong = textTooLong(wanted, (await serverLimits()).experimentName);
        if (tooLong) return void (msg.textContent = `Name too long. ${tooLong}`);
        try {
          const r = await measuredApi.patchExperiment(ex.id, { name: wanted });
          renamed(r.experiment);
          show(false);
        } catch (e) {
          msg.textContent = (e as Error).message;
          name.focus();
        }
      },
      onkeydown: (ev: KeyboardEvent) => {
        if (ev.key === 'Escape') show(false);
      },
    },
    h('label', { for: 'rename-name' }, 'New name'),
    name,
    h('button', { type: 'submit', class: 'btn btn-primary', id: 'rename-save' }, 'Save name'),
    h('button', { type: 'button', class: 'btn', onclick: () => show(false) }, 'Cancel'),
    msg,
  );
  button.addEventListener('click', () => show(form.hidden));
  return { button, form };
}

export function renderExperiment(root: HTMLElement, id: number): void {
  const { latest, plotSet } = enterView();
  const coursePlots = plotSet();
  const comparePlots = plotSet();
  document.title = `Experiment ${id} · eisgrid`;
  if (!getKey()) {
    replace(root, h('p', { class: 'error-box', role: 'alert' }, 'Experiments are private: sign in with an API key (top right) to see yours.'));
    return;
  }
  replace(root, h('p', { class: 'muted' }, 'Loading…'));

  const measurementsEl = h('div', { id: 'experiment-measurements' });
  const jobBox = h('div', { id: 'fit-job-box' });
  let experiment: Experiment | null = null;
  let measurements: Measurement[] = [];
  // The model whose fits the table, the time course and the CSV show (issue 22): rc unless chosen.
  let model = 'rc';
  const compare = comparePart(latest.child(), comparePlots);
  const table = tablePart(
    id,
    () => experiment!.name,
    () => void compare.render(table.chosen()),
  );
  const course = coursePart(coursePlots);

  async function load(): Promise<void> {
    try {
      const r = await latest.take(Promise.all([measuredApi.experiment(id), measuredApi.experimentFits(id, model), serverModels()]));
      if (r === STALE) return;
      const [ex, fits, infos] = r;
      const first = experiment == null;
      experiment = ex.experiment;
      measurements = ex.measurements;
      const byId = new Map(measurements.map((m) => [m.id, m]));
      const rows: Row[] = fits.fits.flatMap((fit) => (byId.has(fit.measurement) ? [{ fit, m: byId.get(fit.measurement)! }] : []));
      if (first) layout();
      renderMeasurements();
      table.show(
        rows,
        model,
        infos.find((i) => i.name === model),
      );
      course.render(rows);
    } catch (e) {
      replace(root, h('p', { class: 'error-box', role: 'alert' }, `Cannot load experiment ${id}: ${(e as Error).message}`));
    }
  }

  function layout(): void {
    const ex = experiment!;
    document.title = `${ex.name} · eisgrid`;
    const shownModel = h('select', {
      id: 'experiment-model',
      onchange: () => {
        model = shownModel.value;
        void load();
      },
    });
    void serverModels().then((list) => {
      for (const m of list) shownModel.append(h('option', { value: m.name, selected: m.name === model, title: m.formula }, m.name));
    });
    // The area field wide enough for its placeholder, which the usual 7rem cut off (issue 18, item 12).
    const form = fitForm({
      target: { experiment: ex.id },
      grid: false,
      area: null,
      areaPlaceholder: 'each measurement’s own',
      areaClass: 'input-wide',
      submitLabel: 'Fit every measurement',
      jobBox,
      latest,
      fitted: () => void load(),
    });
    const title = h('h2', { id: 'view-title' }, ex.name);
    const rename = renameControl(ex, (renamed) => {
      experiment = renamed;
      title.textContent = renamed.name;
      document.title = `${renamed.name} · eisgrid`;
      const into = root.querySelector('#upload-into');
      if (into) into.textContent = uploadInto(renamed.name);
      table.render();
    });
    const panel = (hid: string, title: string, ...body: (Node | null)[]) =>
      h('section', { class: 'panel', 'aria-labelledby': hid }, h('h3', { id: hid }, title), ...body);
    replace(
      root,
      h(
        'article',
        { class: 'experiment-view', 'data-experiment': ex.id },
        h(
          'header',
          { class: 'view-head' },
          h('div', null, title, ex.description ? h('p', { class: 'description' }, ex.description) : null),
          h('div', { class: 'view-actions' }, rename.button, h('a', { class: 'btn', href: '#/measurements' }, 'All measurements')),
        ),
        rename.form,
        panel('ex-measurements-h', 'Measurements', measurementsEl, uploadBox(latest, ex, () => void load()).element),
        panel('ex-fit-h', 'Fit', form, jobBox),
        panel(
          'ex-table-h',
          'Fits, one row per sweep',
          h('p', { class: 'inline-form' }, h('label', { for: 'experiment-model' }, 'Model of the table, the time course and the CSV'), shownModel),
          table.element,
        ),
        panel('ex-course-h', 'Time course', course.element),
        panel('ex-compare-h', 'Compare sweeps', compare.element),
      ),
    );
  }

  function renderMeasurements(): void {
    if (measurements.length === 0) {
      replace(measurementsEl, h('p', { class: 'muted' }, 'No measurements in this experiment yet: upload them below.'));
      return;
    }
    replace(
      measurementsEl,
      h(
        'ul',
        { class: 'experiment-links' },
        measurements.map((m) =>
          h(
            'li',
            { 'data-measurement': m.id },
            h('a', { href: `#/measurement/${m.id}` }, m.file_name),
            ` · ${m.n_sweeps} sweep${m.n_sweeps === 1 ? '' : 's'}`,
            h('span', { class: 'sample-day' }, `${m.sample != null ? ` · insert ${m.sample}` : ''}${m.day != null ? ` · day ${m.day}` : ''}`),
            m.area_cm2 != null ? ` · ${fmtNum(m.area_cm2)} cm²` : '',
            warningList(m.warnings),
          ),
        ),
      ),
    );
  }

  void load();
}
