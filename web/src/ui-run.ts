// The new-run form: grid, frequencies (preset or range), reference circuit, metric, keep-K;
// submits POST /api/compute and follows the job with a progress bar (run-jobs.ts).

import { api, getKey } from './api';
import { PARAM_NAMES, PARAM_UNITS, type ParamName } from './circuit';
import { h, replace } from './dom';
import { fmtFreq, fmtInt, fmtNum } from './format';
import { PRESETS, presetByName } from './presets';
import { state } from './state';
import { DEFAULT_FORM, fieldOfServerMessage, gridPoints, measuredRequest, parseInteger, runIntro, validateRunForm, type FieldErrors, type RunFormInput } from './validate';
import { measuredApi } from './api-measured';
import { serverLimits } from './limits';
import { serverModels } from './models';
import { jobsPanel, renderJobs, track } from './run-jobs';
import { parameterTitle } from './units';

let form: RunFormInput = structuredClone(DEFAULT_FORM);

export function renderRunForm(root: HTMLElement): void {
  document.title = 'New run · eisgrid';
  const errs: Record<string, HTMLElement> = {};
  const inputs: Record<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement> = {};

  function field(name: string, label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string | HTMLElement) {
    const id = `run-${name}`;
    control.id = id;
    control.setAttribute('name', name);
    const errId = `${id}-error`;
    const hintId = `${id}-hint`;
    control.setAttribute('aria-describedby', [hint ? hintId : '', errId].filter(Boolean).join(' '));
    inputs[name] = control;
    errs[name] = h('span', { class: 'field-error', id: errId });
    return h(
      'div',
      { class: 'field', 'data-field': name },
      h('label', { for: id }, label),
      control,
      hint ? h('span', { class: 'hint', id: hintId }, hint) : null,
      errs[name],
    );
  }

  // The circuit swept: rc, or another model of GET /api/models (an axis per parameter after Rs).
  // The server refuses, in words, a model the grid sweep cannot take.
  const axesOf = new Map<string, number>([['rc', 5]]);
  const modelSel = h('select', null, h('option', { value: 'rc', selected: true }, 'rc'));
  void serverModels().then((models) => {
    for (const m of models) {
      axesOf.set(m.name, m.parameters.length - 1);
      if (m.name === 'rc') continue;
      modelSel.append(h('option', { value: m.name }, m.name));
    }
  });
  const gridHint = h('span', null);
  const updateGridHint = () => {
    const g = parseInteger(inputs.grid.value);
    const axes = axesOf.get(modelSel.value) ?? 5;
    const power = axes === 5 ? '⁵' : axes === 7 ? '⁷' : `^${axes}`;
    gridHint.textContent = g != null && g >= 2 ? `${fmtInt(axes === 5 ? gridPoints(g) : g ** axes)} grid points (g${power})` : `g${power} grid points`;
  };
  modelSel.addEventListener('change', () => updateGridHint());

  const txt = (value: string, extra: Record<string, unknown> = {}) => h('input', { type: 'text', value, autocomplete: 'off', ...extra });

  const presetSel = h(
    'select',
    null,
    PRESETS.map((p) =>
      h(
        'option',
        { value: p.name, selected: form.preset === p.name },
        `${p.label}: ${fmtFreq(p.fmin)} – ${fmtFreq(p.fmax)}, ${p.points} points${p.spacing === 'linear' ? ', linear' : ''}`,
      ),
    ),
    h('option', { value: 'custom', selected: form.preset === 'custom' }, 'Custom range…'),
  );
  const spacingSel = h(
    'select',
    null,
    h('option', { value: 'log', selected: form.spacing === 'log' }, 'log'),
    h('option', { value: 'linear', selected: form.spacing === 'linear' }, 'linear'),
  );
  const metricSel = h(
    'select',
    null,
    h('option', { value: 'mae', selected: form.metric === 'mae' }, 'mae: mean |ΔZ| [Ω]'),
    h('option', { value: 'rmse', selected: form.metric === 'rmse' }, 'rmse: √(mean |ΔZ|²) [Ω]'),
    h('option', { value: 'relative', selected: form.metric === 'relative' }, 'relative: mean |ΔZ|/|Zref|'),
  );

  const customBox = h('div', { class: 'custom-freq' });
  const presetInfo = h('p', { class: 'hint', id: 'run-preset-info' });
  const formMsg = h('div', { class: 'form-msg', id: 'run-form-msg', role: 'alert' });
  const submitBtn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'run-submit' }, 'Start run');
  const jobsArea = jobsPanel();

  // The values are typed in the units the page shows them in (µF), as validate.ts reads them.
  const refFields = PARAM_NAMES.map((n: ParamName) => field(n, parameterTitle({ name: n, unit: PARAM_UNITS[n] }), txt(form.ref[n], { inputmode: 'decimal' })));

  // The reference: the circuit below, or a sweep of one of the caller's stored measurements.
  const referenceSel = h('select', { id: 'run-reference', name: 'reference' }, h('option', { value: '' }, 'The reference circuit below'));
  const sweepInput = h('input', { type: 'number', id: 'run-ref-sweep', name: 'sweep', min: 0, step: 1, value: 0 });
  const sweepField = h('div', { class: 'field', hidden: true }, h('label', { for: 'run-ref-sweep' }, 'Sweep'), sweepInput);
  const freqSet = h('fieldset', null);
  const circuitSet = h('fieldset', { class: 'ref-fieldset' });
  const metricField = h('div', null);
  // The opening sentence follows the choice: the circuit's model spectrum, or the measurement's sweep.
  const intro = h('span', { id: 'run-intro' }, runIntro(null));
  const syncIntro = () => {
    const opt = referenceSel.selectedOptions[0];
    const sweep = parseInteger(sweepInput.value);
    intro.textContent = runIntro(referenceSel.value !== '' && opt ? { file: opt.dataset.file ?? opt.textContent ?? '', sweep: sweep ?? 0 } : null);
  };
  const syncReference = () => {
    syncIntro();
    const measured = referenceSel.value !== '';
    sweepField.hidden = !measured;
    freqSet.hidden = measured;
    circuitSet.hidden = measured;
    metricField.hidden = measured;
    const opt = referenceSel.selectedOptions[0];
    if (measured && opt) sweepInput.max = String(Number(opt.dataset.sweeps ?? 1) - 1);
  };
  referenceSel.addEventListener('change', syncReference);
  sweepInput.addEventListener('input', syncIntro);
  if (getKey()) {
    void measuredApi
      .list()
      .then((r) => {
        for (const m of r.measurements) {
          referenceSel.append(h('option', { value: m.id, 'data-sweeps': m.n_sweeps, 'data-file': m.file_name }, `Measurement ${m.file_name} (${m.n_sweeps} sweep${m.n_sweeps === 1 ? '' : 's'})`));
        }
      })
      .catch(() => {
        /* a server without measurements: the circuit only */
      });
  }

  const formEl = h(
    'form',
    { class: 'run-form', id: 'run-form', novalidate: true },
    h(
      'fieldset',
      null,
      h('legend', null, 'Reference'),
      h('div', { class: 'field' }, h('label', { for: 'run-reference' }, 'Sweep against'), referenceSel),
      sweepField,
      h('p', { class: 'hint' }, 'Against a measurement the frequencies are its own, Rs is free and the residual norm is the modulus one.'),
    ),
    h(
      'fieldset',
      null,
      h('legend', null, 'Grid'),
      field('model', 'Circuit model', modelSel, 'rc: ideal membranes; each model of the server sweeps its own parameters after Rs'),
      field('grid', 'Grid size (points per axis)', txt(form.grid, { inputmode: 'numeric' }), gridHint),
      field('keep', 'Keep best rows', txt(form.keep), 'a number of rows, or “all”'),
      metricField,
    ),
    freqSet,
    circuitSet,
    h(
      'fieldset',
      null,
      h('legend', null, 'Output (optional)'),
      field('output', 'File name', txt(form.output, { placeholder: 'grid_5_freq_0.1_100000.npz' }), 'letters, digits, . _ - and ending in .npz'),
      field('description', 'Description', h('textarea', { rows: 2 }, form.description)),
    ),
    h('div', { class: 'form-actions' }, submitBtn, formMsg),
  );

  metricField.append(field('metric', 'Residual norm', metricSel));
  freqSet.append(h('legend', null, 'Frequencies'), field('preset', 'Preset', presetSel), presetInfo, customBox);
  circuitSet.append(
    h('legend', null, 'Reference circuit'),
    h('div', { class: 'ref-grid' }, refFields),
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-small btn-link',
        onclick: () => {
          for (const n of PARAM_NAMES) inputs[n].value = DEFAULT_FORM.ref[n];
        },
      },
      'Reset to defaults (5005 Ω, 25.05 µF)',
    ),
  );

  // Custom frequency fields live inside customBox and are shown only for "custom".
  const fminF = field('fmin', 'Lowest frequency [Hz]', txt(form.fmin, { inputmode: 'decimal' }));
  const fmaxF = field('fmax', 'Highest frequency [Hz]', txt(form.fmax, { inputmode: 'decimal' }));
  const pointsF = field('points', 'Points', txt(form.points, { inputmode: 'numeric' }));
  const spacingF = field('spacing', 'Spacing', spacingSel);
  replace(customBox, fminF, fmaxF, pointsF, spacingF);
  const syncPreset = () => {
    const p = presetByName(presetSel.value);
    const custom = presetSel.value === 'custom';
    customBox.hidden = !custom;
    presetInfo.textContent = p
      ? `${p.points} ${p.spacing === 'linear' ? 'linearly' : 'log'}-spaced frequencies from ${fmtFreq(p.fmin)} to ${fmtFreq(p.fmax)}, both ends included.`
      : 'Give the range and the number of points; both ends are included.';
    if (p) {
      inputs.fmin.value = String(p.fmin);
      inputs.fmax.value = String(p.fmax);
      inputs.points.value = String(p.points);
      inputs.spacing.value = p.spacing;
    }
  };
  presetSel.addEventListener('change', syncPreset);
  inputs.grid.addEventListener('input', updateGridHint);
  syncPreset();
  updateGridHint();

  function read(): RunFormInput {
    const ref = {} as Record<ParamName, string>;
    for (const n of PARAM_NAMES) ref[n] = inputs[n].value;
    return {
      grid: inputs.grid.value,
      preset: inputs.preset.value,
      fmin: inputs.fmin.value,
      fmax: inputs.fmax.value,
      points: inputs.points.value,
      spacing: inputs.spacing.value,
      ref,
      metric: inputs.metric.value,
      keep: inputs.keep.value,
      output: inputs.output.value,
      description: inputs.description.value,
    };
  }

  function showErrors(e: FieldErrors): void {
    for (const [name, el] of Object.entries(errs)) {
      const msg = e[name];
      el.textContent = msg ?? '';
      if (msg) inputs[name].setAttribute('aria-invalid', 'true');
      else inputs[name].removeAttribute('aria-invalid');
    }
    // Focus the first invalid field in page order.
    (formEl.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus();
  }

  formEl.addEventListener('input', () => {
    form = read();
  });

  formEl.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    form = read();
    formMsg.className = 'form-msg';
    formMsg.textContent = '';
    const limits = await serverLimits();
    const v = validateRunForm(form, { maxDescription: limits.runDescription });
    if (!v.ok) {
      showErrors(v.errors);
      const n = Object.keys(v.errors).length;
      formMsg.className = 'form-msg error';
      formMsg.textContent = `Please correct ${n === 1 ? 'the field' : `the ${n} fields`} marked above.`;
      return;
    }
    showErrors({});
    if (!getKey()) {
      formMsg.className = 'form-msg error';
      formMsg.textContent = 'Sign in with an API key (top right) to start a run.';
      return;
    }
    submitBtn.disabled = true;
    formMsg.textContent = 'Starting…';
    try {
      const measurement = referenceSel.value ? Number(referenceSel.value) : null;
      const sweep = parseInteger(sweepInput.value) ?? 0;
      const request = measurement != null ? measuredRequest(v.request, measurement, sweep) : v.request;
      const model = modelSel.value;
      // "model" is sent only when not rc, so that an rc run's body is what it always was.
      const withModel: typeof request & { model?: string } = model === 'rc' ? request : { ...request, model };
      const r = await api.compute(withModel);
      formMsg.className = 'form-msg ok';
      formMsg.textContent = 'Run started.';
      const g = v.request.grid;
      const freq = v.request.preset ? v.request.preset : `${fmtNum(v.request.fmin!)}–${fmtNum(v.request.fmax!)} Hz`;
      const against = measurement != null ? `${referenceSel.selectedOptions[0]?.textContent ?? 'measurement'}, sweep ${sweep}` : `${freq}, ${v.request.metric}`;
      // Against a measurement Rs is swept too: the server's count of points, not g⁵, says how many.
      const axes = axesOf.get(model) ?? 5;
      const named = model === 'rc' ? '' : `${model} `;
      const grid = measurement != null ? `Grid ${g}` : `${named}Grid ${g} (${fmtInt(axes === 5 ? gridPoints(g) : g ** axes)} points)`;
      track(r.job, `${grid}, ${against}${v.request.output ? `, ${v.request.output}` : ''}`);
      jobsArea.scrollIntoView({ block: 'nearest' });
    } catch (e) {
      const msg = (e as Error).message;
      formMsg.className = 'form-msg error';
      formMsg.textContent = `The server refused the run: ${msg}`;
      const fieldName = fieldOfServerMessage(msg);
      if (fieldName && errs[fieldName]) {
        showErrors({ [fieldName]: msg });
        if (fieldName === 'fmin' || fieldName === 'fmax' || fieldName === 'points' || fieldName === 'spacing') customBox.hidden = false;
      }
    } finally {
      submitBtn.disabled = false;
    }
  });

  replace(
    root,
    h(
      'article',
      { class: 'run-view' },
      h('header', { class: 'view-head' }, h('h2', null, 'New run'), h('a', { class: 'btn', href: '#/' }, 'Close')),
      h(
        'p',
        { class: 'hint' },
        intro,
        state.user ? null : ' Sign in to start a run.',
      ),
      h('section', { class: 'panel' }, formEl),
      jobsArea,
    ),
  );
  renderJobs();
}
