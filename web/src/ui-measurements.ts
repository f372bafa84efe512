// The measurements page (#/measurements): upload instrument files by drag and drop or a file
// picker, into an experiment or none, with the readers' warnings; the caller's experiments and
// measurements.

import { serverLimits, textTooLong } from './limits';
import { getKey } from './api';
import { measuredApi, type Experiment, type Measurement } from './api-measured';
import { csvButton } from './download';
import { h, replace, scrollRegion } from './dom';
import { fmtDate, fmtFreqRange, fmtNum } from './format';
import { STALE, type Latest } from './latest';
import { enterView } from './view-life';
import { areaError, dayError, parseInteger, parseNumber, sampleDayFromName } from './validate';

/** What the last view deleted, said once at the top of the list it returns to. */
let deletedNote: string | null = null;

/** Called by a view that deleted a measurement just before it opens the list. */
export function noteDeleted(fileName: string): void {
  deletedNote = fileName;
}

export function renderMeasurements(root: HTMLElement): void {
  const { latest } = enterView();
  document.title = 'Measurements · eisgrid';
  const head = h('header', { class: 'view-head' }, h('h2', null, 'Measurements'), h('a', { class: 'btn', href: '#/' }, 'Close'));
  if (!getKey()) {
    replace(
      root,
      h(
        'article',
        { class: 'measurements-view' },
        head,
        h('p', { class: 'error-box', role: 'alert' }, 'Measurements are private: sign in with an API key (top right) to upload and fit yours.'),
      ),
    );
    return;
  }
  const deleted = deletedNote;
  deletedNote = null;
  const notice = h('p', { class: 'form-msg ok', id: 'measurements-notice', role: 'status' });
  const experimentsEl = h('div', { id: 'experiment-list' });
  const measurementsEl = h('div', { id: 'measurement-list' });
  const upload = uploadBox(latest, null, () => void reload());
  replace(
    root,
    h(
      'article',
      { class: 'measurements-view' },
      head,
      notice,
      h(
        'p',
        { class: 'hint' },
        'Upload instrument files (NOVA, Gamry, BioLogic, ZPlot, Autolab, CH Instruments, Parstat, PowerSuite, VersaStudio, or a CSV table), fit them to Rs + Rsh ∥ (Ra∥Ca + Rb∥Cb), and follow TER and TEC per insert over days.',
      ),
      h('section', { class: 'panel', 'aria-labelledby': 'upload-h' }, h('h3', { id: 'upload-h' }, 'Upload'), upload.element),
      h('section', { class: 'panel', 'aria-labelledby': 'experiments-h' }, h('h3', { id: 'experiments-h' }, 'Experiments'), experimentsEl),
      h('section', { class: 'panel', 'aria-labelledby': 'measurements-h' }, h('h3', { id: 'measurements-h' }, 'Your measurements'), measurementsEl),
    ),
  );

  async function reload(): Promise<void> {
    try {
      const r = await latest.take(Promise.all([measuredApi.experiments(), measuredApi.list()]));
      if (r === STALE) return;
      const [ex, ms] = r;
      upload.setExperiments(ex.experiments);
      replace(experimentsEl, experimentTable(ex.experiments), newExperimentForm(() => void reload()));
      replace(measurementsEl, measurementTable(ms.measurements, ex.experiments));
      // Said once the list without it is shown (and into a live region already there, so it is read out).
      if (deleted) notice.textContent = `Deleted ${deleted}.`;
    } catch (e) {
      replace(measurementsEl, h('p', { class: 'error-box', role: 'alert' }, `Cannot load your measurements: ${(e as Error).message}`));
    }
  }
  void reload();
}

/** Drop zone and file picker; uploads each file, sets the area when given, and lists what the readers said. */
export function uploadBox(
  latest: Latest,
  fixedExperiment: Experiment | null,
  uploaded: () => void,
): { element: HTMLElement; setExperiments(list: Experiment[]): void } {
  const picker = h('input', { type: 'file', id: 'upload-file', multiple: true });
  const experimentSel = h('select', { id: 'upload-experiment' }, h('option', { value: '' }, 'None'));
  const area = h('input', { type: 'text', inputmode: 'decimal', id: 'upload-area', placeholder: 'e.g. 1.12', 'aria-describedby': 'upload-area-hint upload-area-error' });
  const areaMsg = h('span', { class: 'field-error', id: 'upload-area-error', role: 'alert' });
  const results = h('ul', { class: 'upload-results', id: 'upload-results', 'aria-live': 'polite' });
  const zone = h(
    'div',
    { class: 'drop-zone', id: 'drop-zone' },
    h('p', null, 'Drop instrument files here, or choose them:'),
    h('label', { for: 'upload-file', class: 'sr-only' }, 'Instrument files to upload'),
    picker,
  );
  const setDragging = (on: boolean) => zone.classList.toggle('dragging', on);
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    setDragging(true);
  });
  zone.addEventListener('dragleave', () => setDragging(false));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    setDragging(false);
    void send([...(e.dataTransfer?.files ?? [])]);
  });
  picker.addEventListener('change', () => {
    void send([...(picker.files ?? [])]);
    picker.value = '';
  });

  async function send(files: File[]): Promise<void> {
    const wrong = areaError(area.value);
    areaMsg.textContent = wrong ?? '';
    if (wrong) {
      area.setAttribute('aria-invalid', 'true');
      area.focus();
      return;
    }
    area.removeAttribute('aria-invalid');
    const a = area.value.trim() ? parseNumber(area.value) : null;
    const experiment = fixedExperiment?.id ?? (experimentSel.value ? Number(experimentSel.value) : null);
    for (const file of files) {
      const item = h('li', { class: 'upload-item', 'data-file': file.name }, h('strong', null, file.name), ' uploading…');
      results.prepend(item);
      try {
        let m = (await measuredApi.upload(file, file.name, experiment)).measurement;
        // The insert and day a NOVA name carries are set at once, and offered for editing below.
        const offered = sampleDayFromName(file.name);
        const details = {
          ...(a != null ? { area_cm2: a } : {}),
          ...(offered.sample != null ? { sample: offered.sample } : {}),
          ...(offered.day != null ? { day: offered.day } : {}),
        };
        if (Object.keys(details).length) m = (await measuredApi.patch(m.id, details)).measurement;
        if (!latest.isOpen()) return;
        replace(item, uploadedSummary(m), sampleDayForm(m, offered.sample != null || offered.day != null));
        item.dataset.measurement = String(m.id);
        item.classList.toggle('flagged', m.warnings.length > 0);
      } catch (e) {
        replace(item, h('strong', null, file.name), h('span', { class: 'error', role: 'alert' }, ` refused: ${(e as Error).message}`));
        item.classList.add('refused');
      }
    }
    uploaded();
  }

  const element = h(
    'div',
    { class: 'upload' },
    h(
      'div',
      { class: 'upload-options' },
      fixedExperiment
        ? h('p', { class: 'hint', id: 'upload-into' }, uploadInto(fixedExperiment.name))
        : h('div', { class: 'field' }, h('label', { for: 'upload-experiment' }, 'Experiment'), experimentSel),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'upload-area' }, 'Insert area [cm²]'),
        area,
        h('span', { class: 'hint', id: 'upload-area-hint' }, 'optional; TER and TEC are then given per area too (a Corning 3460 Transwell: 1.12)'),
        areaMsg,
      ),
    ),
    zone,
    results,
  );
  return {
    element,
    setExperiments: (list) => {
      const keep = experimentSel.value;
      replace(
        experimentSel,
        h('option', { value: '' }, 'None'),
        list.map((x) => h('option', { value: x.id, selected: String(x.id) === keep }, x.name)),
      );
    },
  };
}

/**
 * An uploaded file's insert and day, editable in its upload item: as its name gave them (said so),
 * or empty to fill in. A wrong day gets its message at the field.
 */
function sampleDayForm(m: Measurement, fromName: boolean): HTMLElement {
  const id = (what: string) => `upload-${what}-${m.id}`;
  const sample = h('input', { type: 'text', id: id('sample'), value: m.sample ?? '', 'aria-describedby': id('sample-error') });
  const day = h('input', { type: 'text', inputmode: 'numeric', id: id('day'), value: m.day ?? '', 'aria-describedby': id('day-error') });
  const sampleMsg = h('span', { class: 'field-error', id: id('sample-error') });
  const dayMsg = h('span', { class: 'field-error', id: id('day-error') });
  const msg = h('span', { class: 'form-msg', role: 'status' });
  const mark = (el: HTMLElement, at: HTMLElement, text: string | null) => {
    at.textContent = text ?? '';
    if (text) el.setAttribute('aria-invalid', 'true');
    else el.removeAttribute('aria-invalid');
  };
  return h(
    'form',
    {
      class: 'inline-form upload-details',
      'data-measurement': m.id,
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        msg.textContent = '';
        const tooLong = textTooLong(sample.value.trim(), (await serverLimits()).measurementSample);
        mark(sample, sampleMsg, tooLong ? `Too long. ${tooLong}` : null);
        mark(day, dayMsg, dayError(day.value));
        if (tooLong) return sample.focus();
        if (dayError(day.value)) return day.focus();
        try {
          await measuredApi.patch(m.id, { sample: sample.value.trim() || null, day: day.value.trim() ? parseInteger(day.value) : null });
          msg.className = 'form-msg ok';
          msg.textContent = 'Saved.';
        } catch (e) {
          msg.className = 'form-msg error';
          msg.textContent = (e as Error).message;
        }
      },
    },
    h('span', { class: 'hint' }, fromName ? 'From the file name:' : 'Insert and day:'),
    h('label', { for: id('sample') }, 'Sample (insert)'),
    sample,
    sampleMsg,
    h('label', { for: id('day') }, 'Day'),
    day,
    dayMsg,
    h('button', { type: 'submit', class: 'btn btn-small' }, 'Save'),
    msg,
  );
}

/** Where an experiment's upload box puts files (also said again when the experiment is renamed). */
export function uploadInto(experimentName: string): string {
  return `Files go into the experiment ${experimentName}.`;
}

function uploadedSummary(m: Measurement): (Node | string)[] {
  return [
    h('a', { href: `#/measurement/${m.id}` }, m.file_name),
    ` · ${m.format} · ${m.n_sweeps} sweep${m.n_sweeps === 1 ? '' : 's'}, ${m.n_points} points, ${fmtFreqRange(m.freq_min, m.freq_max)}`,
    m.area_cm2 != null ? ` · ${fmtNum(m.area_cm2)} cm²` : '',
    warningList(m.warnings),
  ];
}

/** The readers' and the quality checks' warnings, or nothing. */
export function warningList(warnings: string[]): HTMLElement | string {
  if (warnings.length === 0) return '';
  return h(
    'div',
    { class: 'warn-box', role: 'status' },
    h('strong', null, `Flagged: ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`),
    h('ul', { class: 'warnings' }, warnings.map((w) => h('li', null, w))),
  );
}

function experimentTable(list: Experiment[]): HTMLElement {
  if (list.length === 0) return h('p', { class: 'muted' }, 'No experiments yet: make one to group the inserts of a plate over days.');
  return h(
    'ul',
    { class: 'experiment-links' },
    list.map((x) =>
      h('li', null, h('a', { href: `#/experiment/${x.id}` }, x.name), ` · ${x.n_measurements} measurement${x.n_measurements === 1 ? '' : 's'}`),
    ),
  );
}

function newExperimentForm(created: () => void): HTMLElement {
  const name = h('input', { type: 'text', id: 'experiment-name', required: true, 'aria-describedby': 'experiment-msg' });
  const msg = h('span', { class: 'field-error', id: 'experiment-msg', role: 'alert' });
  return h(
    'form',
    {
      class: 'inline-form',
      id: 'experiment-form',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        msg.textContent = '';
        if (!name.value.trim()) {
          msg.textContent = 'Give the experiment a name.';
          return;
        }
        const tooLong = textTooLong(name.value.trim(), (await serverLimits()).experimentName);
        if (tooLong) {
          msg.textContent = `Name too long. ${tooLong}`;
          name.focus();
          return;
        }
        try {
          await measuredApi.createExperiment(name.value.trim());
          name.value = '';
          created();
        } catch (e) {
          msg.textContent = (e as Error).message;
        }
      },
    },
    h('label', { for: 'experiment-name' }, 'New experiment'),
    name,
    h('button', { type: 'submit', class: 'btn' }, 'Create'),
    msg,
  );
}

function measurementTable(list: Measurement[], experiments: Experiment[]): HTMLElement {
  if (list.length === 0) return h('p', { class: 'muted' }, 'No measurements yet.');
  const exName = new Map(experiments.map((x) => [x.id, x.name]));
  const table = h(
    'table',
    { class: 'results', id: 'measurement-table' },
    h('caption', { class: 'sr-only' }, 'Your measurements'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['File', 'Format', 'Sweeps', 'Frequencies', 'Experiment', 'Sample', 'Day', 'Area [cm²]', 'Warnings', 'Uploaded'].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      null,
      list.map((m) =>
        h(
          'tr',
          { 'data-measurement': m.id, class: m.warnings.length ? 'flagged' : null },
          h('td', { class: 'file' }, h('a', { href: `#/measurement/${m.id}` }, m.file_name)),
          h('td', null, m.format),
          h('td', { class: 'num' }, String(m.n_sweeps)),
          h('td', { class: 'nowrap' }, fmtFreqRange(m.freq_min, m.freq_max)),
          h('td', null, m.experiment != null ? h('a', { href: `#/experiment/${m.experiment}` }, exName.get(m.experiment) ?? `#${m.experiment}`) : '—'),
          h('td', null, m.sample ?? ''),
          h('td', { class: 'num' }, m.day != null ? String(m.day) : ''),
          h('td', { class: 'num' }, m.area_cm2 != null ? fmtNum(m.area_cm2) : ''),
          h('td', { class: 'num' }, m.warnings.length ? String(m.warnings.length) : ''),
          h('td', { class: 'nowrap', 'data-col': 'uploaded' }, fmtDate(m.created_at)),
        ),
      ),
    ),
  );
  return h('div', null, csvButton(table, 'measurements.csv', 'measurements-csv'), scrollRegion('Your measurements', table));
}
