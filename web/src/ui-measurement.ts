// One measurement (#/measurement/ID): what the file holds and what the readers said, its details
// (sample, condition, day, insert area), its sweeps in Nyquist and Bode, a fit with progress and
// cancel, and the fits: TER, TEC, τ1, τ2, Rs with their uncertainties, per area, the Rsh interval,
// the status with its reasons, the model over the data and the relative residuals.

import { getKey } from './api';
import { measuredApi, type Fit, type Measurement, type ModelInfo, type Sweep } from './api-measured';
import { fitsCsvActions } from './download';
import { frequencyGrid } from './circuit';
import { h, replace, scrollRegion } from './dom';
import { columnDecimals, fmtDate, fmtFitStatus, fmtFixed, fmtFreqRange, fmtNum } from './format';
import { fitForm } from './fit-job';
import { STALE } from './latest';
import { enterView } from './view-life';
import { modelComparison, relativeResiduals, sweepRows } from './measured-math';
import { modelSpectrum, parametersOf, serverModels } from './models';
import { fmtInUnit, parameterTitle, shownUnit } from './units';
import { PlotSet } from './plot-set';
import { REFERENCE_COLOR, SERIES_COLORS, xyPlot, type XySeries } from './plots';
import { symmetricTicks } from './plots-math';
import { spectraFigures } from './spectra-plots';
import { noteDeleted, warningList } from './ui-measurements';
import { serverLimits, textTooLong } from './limits';
import { areaError, dayError, parseInteger, parseNumber } from './validate';

const NYQUIST_MAX_HEIGHT = 380;
const BODE_HEIGHT = 180;
/** Frequencies of a drawn model line: smooth between the measured ones. */
export const MODEL_POINTS = 200;
/**
 * Where the sweep's models part below its lowest frequency, the lines go down to this fraction of
 * the decisive frequency, so that the parting shows past it.
 */
const BELOW_DECISIVE = 0.5;

export function renderMeasurement(root: HTMLElement, id: number): void {
  const { latest, plotSet } = enterView();
  const sweepPlots = plotSet();
  const fitPlots = plotSet();
  document.title = `Measurement ${id} · eisgrid`;
  replace(root, h('p', { class: 'muted' }, 'Loading…'));
  if (!getKey()) {
    replace(root, h('p', { class: 'error-box', role: 'alert' }, 'Measurements are private: sign in with an API key (top right) to see yours.'));
    return;
  }

  void (async () => {
    let m: Measurement & { sweeps: Sweep[] };
    try {
      const r = await latest.take(measuredApi.get(id));
      if (r === STALE) return;
      m = r.measurement;
    } catch (e) {
      replace(root, h('p', { class: 'error-box', role: 'alert' }, `Cannot load measurement ${id}: ${(e as Error).message}`));
      return;
    }
    document.title = `${m.file_name} · eisgrid`;
    const remover = deleteControl(m);
    const fitsEl = h('div', { id: 'fits' });
    const fitDetail = h('div', { id: 'fit-detail' });
    const jobBox = h('div', { id: 'fit-job-box' });
    const sweepsEl = h('div', { id: 'sweeps' });
    replace(
      root,
      h(
        'article',
        { class: 'measurement-view', 'data-measurement': m.id },
        h(
          'header',
          { class: 'view-head' },
          h('div', null, h('h2', { id: 'view-title' }, m.file_name), h('div', { class: 'filename' }, `measurement ${m.id}`)),
          h(
            'div',
            { class: 'view-actions' },
            m.experiment != null ? h('a', { class: 'btn', href: `#/experiment/${m.experiment}` }, 'Experiment') : null,
            h('a', { class: 'btn', href: '#/measurements' }, 'All measurements'),
            remover.button,
          ),
        ),
        remover.box,
        h(
          'section',
          { class: 'panel summary', 'aria-label': 'Summary' },
          h(
            'dl',
            { class: 'facts facts-wide' },
            fact('Format', m.format),
            fact('Sweeps', `${m.n_sweeps} (${m.n_points} points)`),
            fact('Frequencies', fmtFreqRange(m.freq_min, m.freq_max)),
            fact('Uploaded', fmtDate(m.created_at)),
          ),
          warningList(m.warnings),
          detailsForm(m),
        ),
        h('section', { class: 'panel', 'aria-labelledby': 'sweeps-h' }, h('h3', { id: 'sweeps-h' }, 'Sweeps'), sweepsEl),
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'fit-h' },
          h('h3', { id: 'fit-h' }, 'Fit'),
          fitForm({
            target: { measurement: m.id },
            grid: true,
            area: m.area_cm2,
            areaPlaceholder: 'e.g. 1.12',
            submitLabel: m.n_sweeps > 1 ? `Fit all ${m.n_sweeps} sweeps` : 'Fit',
            jobBox,
            latest,
            fitted: () => void loadFits(),
          }),
          jobBox,
          fitsEl,
          fitDetail,
        ),
      ),
    );
    drawSweeps(m.sweeps, sweepsEl, sweepPlots);

    async function loadFits(): Promise<void> {
      try {
        const r = await latest.take(Promise.all([measuredApi.fits(m.id), serverModels()]));
        if (r === STALE) return;
        const [{ fits }, infos] = r;
        if (fits.length === 0) {
          replace(fitsEl, h('p', { class: 'muted' }, 'Not fitted yet.'));
          return;
        }
        // The table shows one model's fits (rc's unless it has none); a sweep's models side by side below it.
        const models = [...new Set(fits.map((f) => f.model))];
        let current = models.includes('rc') ? 'rc' : models[0];
        const show = (f: Fit) => {
          fitPlots.destroy();
          const sweepFits = fits.filter((o) => o.sweep === f.sweep);
          void showFit(f, m.sweeps.find((s) => s.index === f.sweep) ?? null, fitDetail, fitPlots, sweepFits, infos);
        };
        const tableBox = h('div');
        const draw = () => {
          const shown = fits.filter((f) => f.model === current);
          replace(tableBox, fitTable(shown, m, infos.find((i) => i.name === current), current, show));
          show(shown[0]);
        };
        const select = h(
          'select',
          {
            id: 'fit-model',
            onchange: () => {
              current = select.value;
              draw();
            },
          },
          models.map((name) => h('option', { value: name, selected: name === current }, name)),
        );
        replace(
          fitsEl,
          models.length > 1 ? h('p', { class: 'inline-form' }, h('label', { for: 'fit-model' }, 'Model in the table'), select) : null,
          tableBox,
        );
        draw();
      } catch (e) {
        replace(fitsEl, h('p', { class: 'error-box', role: 'alert' }, `Cannot load the fits: ${(e as Error).message}`));
      }
    }
    void loadFits();
  })();
}

/**
 * "Delete" and, in the page rather than a browser dialog, the question "Really delete FILE?" with
 * its own confirm and keep buttons (Escape keeps it too). Deleted, the list of measurements opens
 * and says so; a refusal is shown next to the buttons.
 */
function deleteControl(m: Measurement): { button: HTMLElement; box: HTMLElement } {
  const button = h(
    'button',
    { type: 'button', class: 'btn btn-danger', id: 'delete-measurement', 'aria-expanded': 'false', 'aria-controls': 'delete-box' },
    'Delete',
  );
  const error = h('p', { class: 'form-msg error', id: 'delete-error', role: 'alert' });
  const confirm = h('button', { type: 'button', class: 'btn btn-danger-solid', id: 'delete-confirm' }, `Delete ${m.file_name}`);
  const keep = h('button', { type: 'button', class: 'btn', id: 'delete-cancel' }, 'Keep it');
  const box = h(
    'div',
    { class: 'confirm-box', id: 'delete-box', role: 'group', 'aria-labelledby': 'delete-question', hidden: true },
    h(
      'p',
      { id: 'delete-question' },
      h('strong', null, `Really delete ${m.file_name}?`),
      ' Its sweeps, its fits and the stored file are removed for good.',
    ),
    h('div', { class: 'confirm-actions' }, confirm, keep),
    error,
  );
  const show = (open: boolean) => {
    box.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    error.textContent = '';
    // The safe choice takes the focus: a second Enter keeps the file.
    (open ? keep : button).focus();
  };
  button.addEventListener('click', () => show(box.hidden));
  keep.addEventListener('click', () => show(false));
  box.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && !confirm.disabled) show(false);
  });
  confirm.addEventListener('click', async () => {
    confirm.disabled = keep.disabled = true;
    error.textContent = '';
    try {
      await measuredApi.remove(m.id);
      noteDeleted(m.file_name);
      location.hash = '#/measurements';
    } catch (e) {
      error.textContent = `Not deleted: ${(e as Error).message}`;
      confirm.disabled = keep.disabled = false;
      confirm.focus();
    }
  });
  return { button, box };
}

function fact(label: string, value: string | Node) {
  return h('div', null, h('dt', null, label), h('dd', null, value));
}

function detailsForm(m: Measurement): HTMLElement {
  const input = (name: string, label: string, value: string | number | null, extra: Record<string, unknown> = {}) => {
    const el = h('input', { type: 'text', id: `m-${name}`, name, value: value ?? '', 'aria-describedby': `m-${name}-error`, ...extra });
    const err = h('span', { class: 'field-error', id: `m-${name}-error` });
    return { el, err, field: h('div', { class: 'field' }, h('label', { for: `m-${name}` }, label), el, err) };
  };
  const sample = input('sample', 'Sample (insert)', m.sample);
  const condition = input('condition', 'Condition', m.condition);
  const day = input('day', 'Day', m.day, { inputmode: 'numeric' });
  const area = input('area', 'Insert area [cm²]', m.area_cm2, { inputmode: 'decimal' });
  const msg = h('p', { class: 'form-msg', id: 'details-msg', role: 'status' });
  return h(
    'form',
    {
      class: 'details-form',
      id: 'details-form',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        msg.textContent = '';
        const limits = await serverLimits();
        const tooLong = (f: typeof sample, max: number | undefined): [typeof sample, string | null] => {
          const t = textTooLong(f.el.value.trim(), max);
          return [f, t ? `Too long. ${t}` : null];
        };
        // Each field with its own message, the first wrong one focused.
        const checked: [typeof sample, string | null][] = [
          tooLong(sample, limits.measurementSample),
          tooLong(condition, limits.measurementCondition),
          [day, dayError(day.el.value)],
          [area, areaError(area.el.value)],
        ];
        let first: HTMLElement | null = null;
        for (const [f, text] of checked) {
          f.err.textContent = text ?? '';
          if (text) f.el.setAttribute('aria-invalid', 'true');
          else f.el.removeAttribute('aria-invalid');
          first ??= text ? f.el : null;
        }
        if (first) return first.focus();
        const d = day.el.value.trim() ? parseInteger(day.el.value) : null;
        const a = area.el.value.trim() ? parseNumber(area.el.value) : null;
        try {
          await measuredApi.patch(m.id, {
            sample: sample.el.value.trim() || null,
            condition: condition.el.value.trim() || null,
            day: d,
            area_cm2: a,
          });
          msg.className = 'form-msg ok';
          msg.textContent = 'Saved. A new fit uses the area.';
        } catch (e) {
          msg.className = 'form-msg error';
          msg.textContent = (e as Error).message;
        }
      },
    },
    sample.field,
    condition.field,
    day.field,
    area.field,
    h('div', { class: 'field field-submit' }, h('button', { type: 'submit', class: 'btn' }, 'Save details')),
    msg,
  );
}

function drawSweeps(sweeps: Sweep[], box: HTMLElement, plots: PlotSet): void {
  const color = (i: number) => SERIES_COLORS[i % SERIES_COLORS.length];
  const label = (s: Sweep) => `Sweep ${s.index}${s.start_time ? ` (${fmtDate(s.start_time)})` : ''}`;
  const figures = spectraFigures('sweeps', `${sweeps.length} sweeps`, NYQUIST_MAX_HEIGHT, BODE_HEIGHT);
  replace(
    box,
    h(
      'ul',
      { class: 'legend', id: 'sweeps-legend', 'aria-label': 'Sweeps' },
      sweeps.map((s, i) => h('li', { class: 'legend-item' }, h('span', { class: 'legend-dot', style: `background:${color(i)}` }), label(s))),
    ),
    figures.element,
  );
  figures.draw(
    plots,
    sweeps.map((s, i) => ({ label: label(s), color: color(i), points: true, freqs: s.frequencies, rows: sweepRows(s.real, s.imag) })),
  );
}

/**
 * A column's formatter: every value with the decimals that give the column's largest `sig`
 * significant digits (one precision down the column), its standard error with the same decimals.
 * An invalid sweep's values are not shown and do not set the precision.
 */
function column(fits: Fit[], pick: (f: Fit) => number | null, sig: number, scale = 1): (f: Fit, se?: number | null) => string {
  const shown = fits.filter((f) => f.status !== 'invalid_data');
  const d = columnDecimals(shown.map((f) => (pick(f) == null ? null : pick(f)! * scale)), sig);
  return (f, se) => {
    const v = pick(f);
    if (v == null || f.status === 'invalid_data') return '—';
    if (se == null) return fmtFixed(v * scale, d);
    // An error below the last decimal is said so, not written as ± 0.00.
    const e = se * scale;
    return `${fmtFixed(v * scale, d)} ± ${e < 0.5 * 10 ** -d ? `< ${fmtFixed(10 ** -d, d)}` : fmtFixed(e, d)}`;
  };
}

/** A fit's value of a parameter; null where it has none. */
const paramValue = (f: Fit, name: string): number | null => f.params[name] ?? null;

function fitTable(fits: Fit[], m: Measurement, info: ModelInfo | undefined, model: string, show: (f: Fit) => void): HTMLElement {
  const anyArea = fits.some((f) => f.area_cm2 != null);
  // τ1, τ2 and the interval of equally good Rsh belong to models that have them: shown where a fit does.
  const anyTau = fits.some((f) => f.tau1 != null || f.tau2 != null);
  const anyInterval = fits.some((f) => f.rsh_interval[0] != null);
  const params = parametersOf(info, fits).map((p) => {
    const { scale } = shownUnit(p.unit);
    return { name: p.name, title: parameterTitle(p), text: column(fits, (f) => paramValue(f, p.name), 5, scale) };
  });
  const heads = [
    'Sweep',
    'Status',
    'TER [Ω]',
    'TEC [µF]',
    ...(anyTau ? ['τ1 [ms]', 'τ2 [ms]'] : []),
    ...(anyArea ? ['TER·A [Ω·cm²]', 'TEC/A [µF/cm²]'] : []),
    ...params.map((p) => p.title),
    ...(anyInterval ? ['Rsh interval [Ω]'] : []),
    'Resnorm',
    'At the edge of its range',
    '',
  ];
  const ter = column(fits, (f) => f.ter, 5);
  const tec = column(fits, (f) => f.tec, 5, 1e6);
  const tau1 = column(fits, (f) => f.tau1, 4, 1e3);
  const tau2 = column(fits, (f) => f.tau2, 4, 1e3);
  const terArea = column(fits, (f) => f.ter_ohm_cm2, 5);
  const tecArea = column(fits, (f) => f.tec_uf_per_cm2, 5);
  const resnorm = column(fits, (f) => f.resnorm, 4);
  const table = h(
    'table',
    { class: 'results', id: 'fit-table' },
    h('caption', { class: 'sr-only' }, `Fits of ${m.file_name}`),
    h('thead', null, h('tr', null, heads.map((t) => h('th', { scope: 'col', 'data-no-csv': t === '' ? true : null }, t)))),
    h(
      'tbody',
      null,
      fits.map((f) =>
        h(
          'tr',
          { 'data-sweep': f.sweep, 'data-status': f.status, 'data-model': f.model, class: f.at_edge.length ? 'at-edge' : null },
          h('td', { class: 'num' }, String(f.sweep)),
          h('td', null, h('span', { class: `badge badge-status-${f.status}` }, fmtFitStatus(f.status))),
          h('td', { class: 'num', 'data-col': 'ter', 'data-value': f.ter ?? '' }, ter(f, f.stderr.ter)),
          h('td', { class: 'num', 'data-col': 'tec' }, tec(f, f.stderr.tec)),
          anyTau ? h('td', { class: 'num' }, tau1(f, f.stderr.tau1)) : null,
          anyTau ? h('td', { class: 'num' }, tau2(f, f.stderr.tau2)) : null,
          anyArea ? h('td', { class: 'num', 'data-col': 'ter_area', 'data-value': f.ter_ohm_cm2 ?? '' }, terArea(f)) : null,
          anyArea ? h('td', { class: 'num', 'data-col': 'tec_area' }, tecArea(f)) : null,
          params.map((p) => h('td', { class: 'num', 'data-col': `param-${p.name}`, 'data-value': paramValue(f, p.name) ?? '' }, p.text(f, f.stderr[p.name]))),
          anyInterval
            ? h(
                'td',
                { class: 'num' },
                f.status === 'invalid_data' || f.rsh_interval[0] == null
                  ? '—'
                  : `${fmtNum(f.rsh_interval[0], 4)} – ${f.rsh_interval[1] == null ? '∞' : fmtNum(f.rsh_interval[1], 4)}`,
              )
            : null,
          h('td', { class: 'num' }, `${resnorm(f)} (${f.metric})`),
          edgeCell(f),
          h(
            'td',
            { 'data-no-csv': true },
            h('button', { type: 'button', class: 'btn btn-small btn-link', 'aria-label': `Show the fit of sweep ${f.sweep}`, onclick: () => show(f) }, 'Show'),
          ),
        ),
      ),
    ),
  );
  const csv = fitsCsvActions(
    measuredApi.fitsCsvUrl('measurements', m.id, model),
    table,
    m.file_name,
    'fit-table-csv',
    `the columns shown, each value with its error as text (“593.12 ± 2.09”), the parameters of ${model} in the units of their headers, and the resnorm`,
  );
  return h('div', null, csv, scrollRegion(`Fits of ${m.file_name}`, table));
}

/** The parameters at the edge of their range, marked ("Ca at max"); empty when none. */
export function edgeCell(f: Fit): HTMLElement {
  return h('td', { class: 'edge', 'data-col': 'at_edge' }, f.at_edge.length ? h('mark', { class: 'at-edge' }, f.at_edge.join(', ')) : '');
}

/**
 * The models of one sweep side by side (SPEC 12): each with its status, AIC and ΔAIC, TER and TEC
 * with their standard errors, its parameters by the names and units of GET /api/models, the
 * parameters at the edge and the warnings; then the frequency that would decide between models
 * whose TERs differ.
 */
function modelTable(fits: Fit[], infos: ModelInfo[]): HTMLElement {
  const rows = modelComparison(fits);
  const withSe = (v: number | null, se: number | null | undefined, scale = 1) =>
    v == null ? '—' : `${fmtNum(v * scale, 5)}${se != null ? ` ± ${fmtNum(se * scale, 2)}` : ''}`;
  const paramsCell = (f: Fit) =>
    h(
      'td',
      { class: 'model-params', 'data-col': 'params' },
      parametersOf(
        infos.find((i) => i.name === f.model),
        [f],
      ).map((p) => {
        const u = shownUnit(p.unit);
        // One parameter a line: a row of eight would push the warnings into a narrow column.
        return h('div', { 'data-param': p.name }, h('span', { class: 'pname' }, p.name), ` ${withSe(paramValue(f, p.name), f.stderr[p.name], u.scale)}${u.text ? ` ${u.text}` : ''}`);
      }),
    );
  const decisive = fits.find((f) => f.decisive_frequency != null)?.decisive_frequency ?? null;
  return h(
    'div',
    { id: 'model-compare' },
    h('h4', null, `The models of sweep ${fits[0].sweep}`),
    scrollRegion(
      `Models of sweep ${fits[0].sweep}`,
      h(
        'table',
        { class: 'results', id: 'model-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Model', 'Status', 'AIC', 'ΔAIC', 'TER [Ω]', 'TEC [µF]', 'Parameters', 'At the edge of its range', 'Warnings'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          null,
          rows.map(({ fit: f, deltaAic }) =>
            h(
              'tr',
              { 'data-model': f.model, class: f.best_model ? 'best-model' : null },
              h('td', null, f.model, f.best_model ? h('span', { class: 'badge badge-best' }, 'lowest AIC') : null),
              h('td', null, h('span', { class: `badge badge-status-${f.status}` }, fmtFitStatus(f.status))),
              h('td', { class: 'num', 'data-col': 'aic' }, f.aic == null ? '—' : fmtFixed(f.aic, 1)),
              h('td', { class: 'num', 'data-col': 'delta_aic' }, deltaAic == null ? '—' : fmtFixed(deltaAic, 1)),
              h('td', { class: 'num', 'data-col': 'ter' }, withSe(f.ter, f.stderr.ter)),
              h('td', { class: 'num', 'data-col': 'tec' }, withSe(f.tec, f.stderr.tec, 1e6)),
              paramsCell(f),
              edgeCell(f),
              h('td', { class: 'reasons' }, f.reasons.length ? h('ul', { class: 'warnings' }, f.reasons.map((r) => h('li', null, r))) : ''),
            ),
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: 'hint', id: 'decisive-frequency' },
      decisive == null
        ? 'The models agree on TER, or no frequency below the measured ones would tell them apart.'
        : `A measurement down to ${fmtNum(decisive, 3)} Hz would tell apart the models whose TERs differ: the model lines go below the data to show where they part.`,
    ),
  );
}

/** A line colour per model, the shown fit's first. */
const MODEL_COLORS = [REFERENCE_COLOR, SERIES_COLORS[3], SERIES_COLORS[4], SERIES_COLORS[5]];

/** The shown fit's request, so that an answer for a fit shown before it is dropped. */
let showing = 0;

/**
 * One fit: status and reasons, its parameters, each model of the sweep over the data (the shown
 * fit's first) as the server computes it, down below the data to where the models part when a
 * frequency would decide between them, its relative residuals, and the sweep's models side by side
 * when there are several.
 */
async function showFit(f: Fit, sweep: Sweep | null, box: HTMLElement, plots: PlotSet, sweepFits: Fit[], infos: ModelInfo[]): Promise<void> {
  const ticket = ++showing;
  const head = h(
    'div',
    { class: `fit-status status-${f.status}`, id: 'fit-result-status', role: 'status' },
    h('strong', null, `Sweep ${f.sweep}: ${fmtFitStatus(f.status)}${sweepFits.length > 1 || infos[0]?.name !== f.model ? ` (model ${f.model})` : ''}`),
    f.reasons.length ? h('ul', { class: 'warnings' }, f.reasons.map((r) => h('li', null, r))) : null,
  );
  // The first model the server lists is the ideal one, whose raw parameters are not unique (SPEC 10).
  const ideal = f.rsh_interval[0] != null;
  const info = infos.find((i) => i.name === f.model);
  const named = parametersOf(info, [f]).filter((p) => paramValue(f, p.name) != null);
  const params = h(
    'p',
    { class: 'reference' },
    h('span', { class: 'ref-label' }, ideal ? 'One optimal parameter set: ' : 'Parameters: '),
    named.map((p) => h('span', { class: 'ref-param' }, h('span', { class: 'pname' }, p.name), ` ${fmtInUnit(paramValue(f, p.name), p.unit, 5)}`)),
    ideal ? h('span', { class: 'hint' }, ' (not unique: any Rsh in the interval fits as well, with the others to match; TER, TEC, τ1, τ2 and Rs are unique.)') : null,
  );
  const compare = sweepFits.length > 1 ? modelTable(sweepFits, infos) : null;
  const others = sweepFits.filter((o) => o !== f && o.status !== 'invalid_data');
  if (!sweep || f.rs == null) {
    replace(box, head, params, compare);
    return;
  }
  const data = sweepRows(sweep.real, sweep.imag);
  // A smooth model line over the whole range, and below it where a lower frequency would decide
  // between the models; the shown fit also at the measured frequencies, for the residuals.
  const lo = Math.min(...sweep.frequencies);
  const hi = Math.max(...sweep.frequencies);
  const decisive = sweepFits.find((o) => o.decisive_frequency != null)?.decisive_frequency ?? null;
  const fine = frequencyGrid(decisive != null ? Math.min(lo, decisive * BELOW_DECISIVE) : lo, hi, MODEL_POINTS);
  replace(box, head, params, h('p', { class: 'muted', id: 'fit-plots-loading' }, 'Computing the models’ spectra…'), compare);
  let spectra: (number[][] | null)[];
  try {
    spectra = await Promise.all([f, ...others].map((o, i) => modelSpectrum(o.model, o.params, i === 0 ? [...sweep.frequencies, ...fine] : fine)));
  } catch (e) {
    if (ticket === showing) replace(box, head, params, h('p', { class: 'error-box', role: 'alert' }, `Cannot compute the models’ spectra: ${(e as Error).message}`), compare);
    return;
  }
  if (ticket !== showing) return;
  const own = spectra[0];
  const model = own?.slice(0, sweep.frequencies.length) ?? null;
  const lines = [f, ...others].flatMap((o, i) => {
    const rows = i === 0 ? (own?.slice(sweep.frequencies.length) ?? null) : spectra[i];
    return rows ? [{ model: o.model, label: sweepFits.length > 1 ? `Model ${o.model}` : 'Model', color: MODEL_COLORS[i % MODEL_COLORS.length], rows }] : [];
  });
  if (!model || lines.length === 0) {
    replace(box, head, params, compare);
    return;
  }
  const res = relativeResiduals(data, model);
  const nyq = PlotSet.figure('fit-nyquist', 'Model over data: Nyquist', `Nyquist plot of sweep ${f.sweep} and its fitted model`);
  const mag = PlotSet.figure('fit-bode-mag', 'Model over data: |Z| against frequency', `Bode magnitude plot of sweep ${f.sweep} and its fitted model`);
  const phase = PlotSet.figure('fit-bode-phase', 'Model over data: phase against frequency', `Bode phase plot of sweep ${f.sweep} and its fitted model`);
  const resid = PlotSet.figure('fit-residuals', 'Relative residuals (model − data)/|Z| of the real and imaginary parts', `Residual plot of sweep ${f.sweep}`);
  // For tests and the curious: each line's lowest frequency and its impedance there, as drawn.
  const drawn = (l: (typeof lines)[number]) => ({ 'data-model': l.model, 'data-f-low': fine[0], 'data-z-low': `${l.rows[0][0]},${l.rows[0][1]}` });
  replace(
    box,
    head,
    params,
    h(
      'ul',
      { class: 'legend', 'aria-label': 'Plotted' },
      h('li', { class: 'legend-item' }, h('span', { class: 'legend-dot', style: `background:${SERIES_COLORS[0]}` }), 'Data'),
      lines.map((l) => h('li', { class: 'legend-item', ...drawn(l) }, h('span', { class: 'legend-line', style: `border-color:${l.color}` }), l.label)),
      h('li', { class: 'legend-item' }, h('span', { class: 'legend-dot', style: `background:${SERIES_COLORS[1]}` }), 'Residual, real part'),
      h('li', { class: 'legend-item' }, h('span', { class: 'legend-dot', style: `background:${SERIES_COLORS[2]}` }), 'Residual, imaginary part'),
    ),
    fine[0] < lo ? h('p', { class: 'hint', id: 'below-data' }, `The model lines go down to ${fmtNum(fine[0], 3)} Hz, below the lowest measured ${fmtNum(lo, 3)} Hz, where the models part.`) : null,
    h('div', { class: 'plot-grid' }, nyq.fig, h('div', { class: 'bode' }, mag.fig, phase.fig, resid.fig)),
    compare,
  );
  const dataNyq: XySeries = { label: 'Data', color: SERIES_COLORS[0], points: true, x: data.map((r) => r[0]), y: data.map((r) => -r[1]) };
  const modelNyq: XySeries[] = lines.map((l) => ({ label: l.label, color: l.color, x: l.rows.map((r) => r[0]), y: l.rows.map((r) => -r[1]) }));
  plots.add(nyq.box, (w) => xyPlot(nyq.box, { xLabel: 'Re Z [Ω]', yLabel: '−Im Z [Ω]', equal: true }, [dataNyq, ...modelNyq], w, Math.min(w, NYQUIST_MAX_HEIGHT)));
  plots.add(mag.box, (w) =>
    xyPlot(
      mag.box,
      { xLabel: 'Frequency [Hz]', yLabel: '|Z| [Ω]', xLog: true, yLog: true },
      [
        { label: 'Data', color: SERIES_COLORS[0], points: true, x: sweep.frequencies, y: data.map((r) => r[2]) },
        ...lines.map((l) => ({ label: l.label, color: l.color, x: fine, y: l.rows.map((r) => r[2]) })),
      ],
      w,
      BODE_HEIGHT,
    ),
  );
  plots.add(phase.box, (w) =>
    xyPlot(
      phase.box,
      { xLabel: 'Frequency [Hz]', yLabel: 'Phase [°]', xLog: true },
      [
        { label: 'Data', color: SERIES_COLORS[0], points: true, x: sweep.frequencies, y: data.map((r) => r[3]) },
        ...lines.map((l) => ({ label: l.label, color: l.color, x: fine, y: l.rows.map((r) => r[3]) })),
      ],
      w,
      BODE_HEIGHT,
    ),
  );
  // Symmetric about 0 with five labelled ticks: a residual of 0.2% is as readable as one of 5%.
  const residTicks = symmetricTicks([res.real, res.imag]);
  plots.add(resid.box, (w) =>
    xyPlot(
      resid.box,
      { xLabel: 'Frequency [Hz]', yLabel: 'Relative residual', xLog: true, yTicks: residTicks },
      [
        { label: 'Real part', color: SERIES_COLORS[1], points: true, x: sweep.frequencies, y: res.real },
        { label: 'Imaginary part', color: SERIES_COLORS[2], points: true, x: sweep.frequencies, y: res.imag },
      ],
      w,
      BODE_HEIGHT,
    ),
  );
}
