// One experiment (#/experiment/ID): its measurements, uploads into it, a fit of all of them, the
// table of fits (one row per sweep, sortable, as CSV), the time course of TER and TEC per insert,
// and chosen sweeps compared in one plot.

import { getKey } from './api';
import { measuredApi, type Experiment, type Fit, type Measurement, type ModelInfo, type Sweep } from './api-measured';
import { fitsCsvActions } from './download';
import { frequencyGrid } from './circuit';
import { h, replace, scrollRegion } from './dom';
import { MODEL_POINTS } from './ui-measurement';
import { modelSpectrum, parametersOf, serverModels } from './models';
import { parameterTitle, shownValue } from './units';
import { columnDecimals, fmtDate, fmtFitStatus, fmtFixed, fmtNum } from './format';
import { fitForm } from './fit-job';
import { STALE } from './latest';
import { enterView } from './view-life';
import { courseLeftOut, insertJitter, sortRows, sweepRows, timeCourse, type CoursePoint } from './measured-math';
import { paddedTicks } from './plots-math';
import { PlotSet } from './plot-set';
import { SERIES_COLORS, xyPlot, type XySeries } from './plots';
import { uploadBox, uploadInto, warningList } from './ui-measurements';
import { serverLimits, textTooLong } from './limits';

const COURSE_HEIGHT = 240;
const COMPARE_MAX_HEIGHT = 400;
/** Room either side of the first and last day: half a day, so that side-by-side inserts stay whole. */
const DAY_PAD = 0.5;

interface Row {
  fit: Fit;
  m: Measurement;
}

interface Column {
  title: string;
  key: (r: Row) => number | string | null;
  /** The cell's text; a column with `sig` instead writes its numbers with one precision (below). */
  cell?: (r: Row) => string;
  /** Significant digits of the column's largest value; every value gets the same decimals. */
  sig?: number;
  num?: boolean;
  /** A fitted value: left empty for a sweep whose data are invalid, where it means nothing. */
  fitted?: boolean;
  /** The number at full precision in the column's unit, for the CSV and the shown cell, when `key` is in another unit. */
  value?: (r: Row) => number | null;
  /** The cell's class besides `num`: `nowrap` keeps a date on one line, `file` lets a long name break. */
  cls?: string;
}

const insertOf = (m: Measurement) => m.sample ?? m.file_name;

const FIRST_COLUMNS: Column[] = [
  { title: 'File', key: (r) => r.m.file_name, cell: (r) => r.m.file_name, cls: 'file' },
  { title: 'Insert', key: (r) => insertOf(r.m), cell: (r) => insertOf(r.m) },
  { title: 'Day', key: (r) => r.m.day, cell: (r) => (r.m.day != null ? String(r.m.day) : ''), num: true },
  { title: 'Sweep', key: (r) => r.fit.sweep, cell: (r) => String(r.fit.sweep), num: true },
  { title: 'Start', key: (r) => r.fit.start_time, cell: (r) => fmtDate(r.fit.start_time), cls: 'nowrap' },
  { title: 'Status', key: (r) => r.fit.status, cell: (r) => fmtFitStatus(r.fit.status) },
  { title: 'TER [Ω]', fitted: true, key: (r) => r.fit.ter, sig: 5, num: true },
  { title: 'TEC [µF]', fitted: true, key: (r) => r.fit.tec, value: (r) => (r.fit.tec == null ? null : r.fit.tec * 1e6), sig: 5, num: true },
  { title: 'TER·A [Ω·cm²]', fitted: true, key: (r) => r.fit.ter_ohm_cm2, sig: 5, num: true },
  { title: 'TEC/A [µF/cm²]', fitted: true, key: (r) => r.fit.tec_uf_per_cm2, sig: 5, num: true },
];
const LAST_COLUMNS: Column[] = [
  { title: 'Resnorm', fitted: true, key: (r) => r.fit.resnorm, sig: 4, num: true },
  { title: 'At the edge of its range', key: (r) => r.fit.at_edge.join(', '), cell: (r) => r.fit.at_edge.join(', '), cls: 'edge' },
];

/** The table's columns for a model: the fit's quantities, then its parameters as GET /api/models names them. */
function columnsFor(info: ModelInfo | undefined, rows: Row[]): Column[] {
  const params = parametersOf(
    info,
    rows.map((r) => r.fit),
  ).map((p): Column => {
    const pick = (r: Row) => r.fit.params[p.name] ?? null;
    return { title: parameterTitle(p), fitted: true, key: pick, value: (r) => shownValue(pick(r), p.unit), sig: 5, num: true };
  });
  return [...FIRST_COLUMNS, ...params, ...LAST_COLUMNS];
}

/** A column's number for a row, in the column's unit. */
const numberOf = (c: Column, r: Row): number | null => {
  const v = (c.value ?? c.key)(r);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

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
  const tableEl = h('div', { id: 'experiment-fits' });
  const courseEl = h('div', { id: 'time-course' });
  const compareEl = h('div', { id: 'compare' });
  let experiment: Experiment | null = null;
  let measurements: Measurement[] = [];
  let rows: Row[] = [];
  let sort: { col: number; dir: 1 | -1 } = { col: 1, dir: 1 };
  const chosen = new Set<string>();
  // The model whose fits the table, the time course and the CSV show (issue 22): rc unless chosen.
  let model = 'rc';
  let columns: Column[] = [];
  const sweepCache = new Map<number, Sweep[]>();

  async function load(): Promise<void> {
    try {
      const r = await latest.take(Promise.all([measuredApi.experiment(id), measuredApi.experimentFits(id, model), serverModels()]));
      if (r === STALE) return;
      const [ex, fits, infos] = r;
      const first = experiment == null;
      experiment = ex.experiment;
      measurements = ex.measurements;
      const byId = new Map(measurements.map((m) => [m.id, m]));
      rows = fits.fits.flatMap((fit) => (byId.has(fit.measurement) ? [{ fit, m: byId.get(fit.measurement)! }] : []));
      columns = columnsFor(
        infos.find((i) => i.name === model),
        rows,
      );
      if (sort.col >= columns.length) sort = { col: 1, dir: 1 };
      if (first) layout();
      renderMeasurements();
      renderTable();
      renderCourse();
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
      renderTable();
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
          tableEl,
        ),
        panel('ex-course-h', 'Time course', courseEl),
        panel('ex-compare-h', 'Compare sweeps', compareEl),
      ),
    );
    replace(compareEl, h('p', { class: 'hint' }, 'Tick rows of the table to compare their data and models in one plot.'));
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

  function renderTable(): void {
    if (rows.length === 0) {
      replace(tableEl, h('p', { class: 'muted' }, 'Not fitted yet.'));
      return;
    }
    const col = columns[sort.col];
    const sorted = sortRows(rows, col.key, sort.dir);
    const keyOf = (r: Row) => `${r.fit.measurement}:${r.fit.sweep}`;
    // One precision per column, set by the values shown (an invalid sweep's are not).
    const shown = rows.filter((r) => r.fit.status !== 'invalid_data');
    const decimals = columns.map((c) => (c.sig != null ? columnDecimals(shown.map((r) => numberOf(c, r)), c.sig) : 0));
    const table = h(
      'table',
      { class: 'results', id: 'experiment-table' },
      h('caption', { class: 'sr-only' }, `Fits of ${experiment!.name}, sorted by ${col.title}`),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col', 'data-no-csv': true }, 'Compare'),
          columns.map((c, i) =>
            h(
              'th',
              {
                scope: 'col',
                class: c.num ? 'num' : null,
                'data-title': c.title,
                'aria-sort': i === sort.col ? (sort.dir === 1 ? 'ascending' : 'descending') : null,
              },
              h(
                'button',
                {
                  type: 'button',
                  class: 'sort-btn',
                  'data-sort': i,
                  onclick: () => {
                    sort = { col: i, dir: i === sort.col ? (-sort.dir as 1 | -1) : 1 };
                    renderTable();
                    (tableEl.querySelector(`[data-sort="${i}"]`) as HTMLElement | null)?.focus();
                  },
                },
                c.title,
                i === sort.col ? (sort.dir === 1 ? ' ▲' : ' ▼') : '',
              ),
            ),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        sorted.map((r) => {
          const cb = h('input', {
            type: 'checkbox',
            checked: chosen.has(keyOf(r)),
            'aria-label': `Compare ${r.m.file_name} sweep ${r.fit.sweep}`,
            onchange: () => {
              if (cb.checked) chosen.add(keyOf(r));
              else chosen.delete(keyOf(r));
              void renderCompare();
            },
          });
          return h(
            'tr',
            { 'data-measurement': r.fit.measurement, 'data-sweep': r.fit.sweep, 'data-status': r.fit.status },
            h('td', { 'data-no-csv': true }, cb),
            columns.map((c, i) => {
              // The CSV takes a number at full precision, the table shows it rounded.
              const cls = [c.num ? 'num' : '', c.cls ?? ''].join(' ').trim() || null;
              if (c.fitted && r.fit.status === 'invalid_data') return h('td', { class: cls, title: 'Invalid data: no fitted value means anything' }, '—');
              const value = c.num ? numberOf(c, r) : null;
              const text = c.sig != null ? fmtFixed(value, decimals[i]) : (c.cell?.(r) ?? '');
              // A parameter at the edge of its range is marked (issue 18, item 12).
              const shownText = c.cls === 'edge' && text ? h('mark', { class: 'at-edge' }, text) : text;
              return h('td', { class: cls, 'data-value': value == null ? null : String(value) }, shownText);
            }),
          );
        }),
      ),
    );
    const csv = fitsCsvActions(
      measuredApi.fitsCsvUrl('experiments', id, model),
      table,
      experiment!.name,
      'experiment-table-csv',
      `file, insert, day, start and status with TER, TEC, per area, the parameters of ${model} in the units of their headers and the resnorm at full precision, without errors`,
    );
    replace(tableEl, csv, scrollRegion(`Fits of ${experiment!.name}`, table));
  }

  function renderCourse(): void {
    coursePlots.destroy();
    const usable = rows.filter((r) => r.fit.status !== 'invalid_data');
    const leftOutNote = (axis: 'day' | 'time') => {
      const left = courseLeftOut(
        rows.map((r) => ({ name: `${r.m.file_name} sweep ${r.fit.sweep}`, status: r.fit.status, day: r.m.day, ter: r.fit.ter })),
        axis,
      );
      if (left.length === 0) return null;
      const noDay = left.some((t) => t.endsWith('(no day set)')) ? ' Set the day on the measurement’s page.' : '';
      return h('p', { class: 'hint', id: 'course-left-out' }, `Left out: ${left.join(', ')}.${noDay}`);
    };
    if (usable.length === 0) {
      // Without a point, days do not matter: only what keeps each sweep out is said.
      replace(courseEl, h('p', { class: 'muted' }, 'No fitted sweep to follow yet.'), leftOutNote('time'));
      return;
    }
    const perArea = usable.every((r) => r.fit.ter_ohm_cm2 != null);
    const points: CoursePoint[] = usable.map((r) => {
      const { ter, tec } = r.fit.stderr;
      // Per area, the errors scale as the values do: TER·A = TER·A, TEC/A = TEC/A.
      const a = perArea ? r.fit.area_cm2 : null;
      return {
        insert: insertOf(r.m),
        time: r.fit.start_time,
        day: r.m.day,
        ter: perArea ? r.fit.ter_ohm_cm2 : r.fit.ter,
        tec: perArea ? r.fit.tec_uf_per_cm2 : r.fit.tec == null ? null : r.fit.tec * 1e6,
        terErr: ter == null ? null : a != null ? ter * a : ter,
        tecErr: tec == null ? null : a != null ? (tec * 1e6) / a : tec * 1e6,
      };
    });
    const course = timeCourse(points);
    const xLabel = course.axis === 'day' ? 'Day' : 'Days since the first sweep';
    const inserts = [...course.lines.keys()];
    const color = (i: number) => SERIES_COLORS[i % SERIES_COLORS.length];
    // Against the day, inserts of one day stand side by side; times since the first sweep differ anyway.
    const shift = (i: number) => (course.axis === 'day' ? insertJitter(i, inserts.length) : 0);
    const all = [...course.lines.values()].flat();
    const xs = all.map((p) => p.x);
    const xTicks = course.axis === 'day' ? paddedTicks(Math.min(...xs), Math.max(...xs), 1, DAY_PAD) : paddedTicks(Math.min(...xs), Math.max(...xs));
    const yTicks = (pick: 'ter' | 'tec') => {
      const err = pick === 'ter' ? 'terErr' : 'tecErr';
      const ends = all.flatMap((p) => (p[pick] == null ? [] : [p[pick]! - (p[err] ?? 0), p[pick]! + (p[err] ?? 0)]));
      return paddedTicks(Math.min(...ends), Math.max(...ends));
    };
    const series = (pick: 'ter' | 'tec'): XySeries[] =>
      inserts.flatMap((name, i) => {
        const line = course.lines.get(name)!;
        const x = line.map((p) => p.x + shift(i));
        const y = line.map((p) => p[pick]);
        const err = line.map((p) => (pick === 'ter' ? p.terErr : p.tecErr));
        // A line through the points, and the points themselves with ±σ (one point alone shows as a dot).
        return [
          { label: name, color: color(i), x, y },
          { label: name, color: color(i), x, y, err, points: true },
        ];
      });
    const ter = PlotSet.figure('course-ter', perArea ? 'TER·A [Ω·cm²] against time' : 'TER [Ω] against time', `Time course of TER for ${inserts.length} inserts`);
    const tec = PlotSet.figure('course-tec', perArea ? 'TEC/A [µF/cm²] against time' : 'TEC [µF] against time', `Time course of TEC for ${inserts.length} inserts`);
    ter.box.dataset.lines = String(inserts.length);
    replace(
      courseEl,
      perArea ? null : h('p', { class: 'hint' }, 'Not every measurement has an insert area: TER and TEC are shown as they are, not per area.'),
      h(
        'ul',
        { class: 'legend', id: 'course-legend', 'aria-label': 'Inserts' },
        inserts.map((name, i) => h('li', { class: 'legend-item' }, h('span', { class: 'legend-dot', style: `background:${color(i)}` }), name)),
      ),
      h('div', { class: 'plot-grid plot-grid-even' }, ter.fig, tec.fig),
      h(
        'p',
        { class: 'hint', id: 'course-note' },
        'Bars: ± one standard error.',
        course.axis === 'day' && inserts.length > 1 ? ' Inserts of one day are set side by side around it.' : '',
      ),
      leftOutNote(course.axis),
    );
    coursePlots.add(ter.box, (w) =>
      xyPlot(ter.box, { xLabel, xTicks, yTicks: yTicks('ter'), yLabel: perArea ? 'TER·A [Ω·cm²]' : 'TER [Ω]' }, series('ter'), w, COURSE_HEIGHT),
    );
    coursePlots.add(tec.box, (w) =>
      xyPlot(tec.box, { xLabel, xTicks, yTicks: yTicks('tec'), yLabel: perArea ? 'TEC/A [µF/cm²]' : 'TEC [µF]' }, series('tec'), w, COURSE_HEIGHT),
    );
  }

  async function renderCompare(): Promise<void> {
    const picked = rows.filter((r) => chosen.has(`${r.fit.measurement}:${r.fit.sweep}`));
    comparePlots.destroy();
    if (picked.length === 0) {
      replace(compareEl, h('p', { class: 'hint' }, 'Tick rows of the table to compare their data and models in one plot.'));
      return;
    }
    const need = [...new Set(picked.map((r) => r.fit.measurement))].filter((mid) => !sweepCache.has(mid));
    try {
      const got = await latest.take(Promise.all(need.map((mid) => measuredApi.get(mid))));
      if (got === STALE) return;
      for (const g of got) sweepCache.set(g.measurement.id, g.measurement.sweeps);
    } catch (e) {
      replace(compareEl, h('p', { class: 'error-box', role: 'alert' }, `Cannot load the sweeps: ${(e as Error).message}`));
      return;
    }
    const sweepOf = (r: Row) => sweepCache.get(r.fit.measurement)?.find((x) => x.index === r.fit.sweep);
    let spectra: (number[][] | null)[];
    try {
      const got = await latest.take(
        Promise.all(
          picked.map((r) => {
            const s = sweepOf(r);
            return s && r.fit.rs != null
              ? modelSpectrum(r.fit.model, r.fit.params, frequencyGrid(Math.min(...s.frequencies), Math.max(...s.frequencies), MODEL_POINTS))
              : null;
          }),
        ),
      );
      if (got === STALE) return;
      spectra = got;
    } catch (e) {
      replace(compareEl, h('p', { class: 'error-box', role: 'alert' }, `Cannot compute the models’ spectra: ${(e as Error).message}`));
      return;
    }
    const series: XySeries[] = [];
    picked.forEach((r, i) => {
      const s = sweepOf(r);
      if (!s) return;
      const label = `${insertOf(r.m)} sweep ${r.fit.sweep}`;
      const data = sweepRows(s.real, s.imag);
      series.push({ label, color: SERIES_COLORS[i % SERIES_COLORS.length], points: true, x: data.map((d) => d[0]), y: data.map((d) => -d[1]) });
      const model = spectra[i];
      if (model) series.push({ label: `${label} model`, color: SERIES_COLORS[i % SERIES_COLORS.length], x: model.map((d) => d[0]), y: model.map((d) => -d[1]) });
    });
    const nyq = PlotSet.figure('compare-nyquist', 'Nyquist: data (points) and models (lines)', `Nyquist plot comparing ${picked.length} sweeps`);
    nyq.box.dataset.series = String(picked.length);
    replace(
      compareEl,
      h(
        'ul',
        { class: 'legend', id: 'compare-legend', 'aria-label': 'Compared sweeps' },
        picked.map((r, i) =>
          h('li', { class: 'legend-item' }, h('span', { class: 'legend-dot', style: `background:${SERIES_COLORS[i % SERIES_COLORS.length]}` }), `${insertOf(r.m)} sweep ${r.fit.sweep}`),
        ),
      ),
      nyq.fig,
    );
    comparePlots.add(nyq.box, (w) => xyPlot(nyq.box, { xLabel: 'Re Z [Ω]', yLabel: '−Im Z [Ω]', equal: true }, series, w, Math.min(w, COMPARE_MAX_HEIGHT)));
  }

  void load();
}
