// A fit run as a job: the fit form of a measurement or an experiment, POST /api/fit, then a
// progress bar with a cancel button until it ends.

import { api, type Job } from './api';
import { measuredApi, type FitRequest } from './api-measured';
import { h, replace } from './dom';
import { fmtDuration } from './format';
import type { Latest } from './latest';
import { serverLimits } from './limits';
import { modelChoice } from './model-choice';
import { parseInteger, parseNumber } from './validate';

const DEFAULT_FIT_GRID = 6;

const POLL_MS = 400;

function text(j: Job): string {
  switch (j.state) {
    case 'queued':
      return 'Queued…';
    case 'running':
      return `Fitting: sweep ${j.done} of ${j.total}${j.eta_seconds != null ? `, about ${fmtDuration(j.eta_seconds)} left` : ''}`;
    case 'done':
      return `Done: ${j.total} sweep${j.total === 1 ? '' : 's'} fitted.`;
    case 'cancelled':
      return 'Cancelled.';
    default:
      return `Failed: ${j.error ?? 'unknown error'}`;
  }
}

/** Starts the fit and shows it in `box`; `done` runs once it ended (done, failed or cancelled). */
export async function runFit(req: FitRequest, box: HTMLElement, latest: Latest, done: (job: Job) => void): Promise<void> {
  const bar = h('progress', { id: 'fit-progress', max: 1, value: 0, 'aria-label': 'Fit progress' });
  const msg = h('p', { class: 'job-text', id: 'fit-status', role: 'status', 'aria-live': 'polite' }, 'Starting…');
  const cancel = h('button', { type: 'button', class: 'btn btn-small', id: 'fit-cancel' }, 'Cancel');
  replace(box, h('div', { class: 'job', id: 'fit-job' }, bar, msg, cancel));
  let job: Job;
  try {
    job = (await measuredApi.fit(req)).job;
  } catch (e) {
    msg.className = 'job-text error';
    msg.textContent = `The server refused the fit: ${(e as Error).message}`;
    cancel.remove();
    return;
  }
  cancel.addEventListener('click', () => void api.cancelJob(job.id).catch((e) => (msg.textContent = (e as Error).message)));
  const show = (j: Job) => {
    box.querySelector('#fit-job')?.setAttribute('data-state', j.state);
    bar.value = j.state === 'done' ? 1 : (j.progress ?? 0);
    msg.textContent = text(j);
    msg.className = `job-text${j.state === 'failed' ? ' error' : ''}`;
  };
  show(job);
  const timer = window.setInterval(async () => {
    if (!latest.isOpen()) return window.clearInterval(timer);
    try {
      job = (await api.job(job.id)).job;
    } catch (e) {
      msg.textContent = `No answer about the fit: ${(e as Error).message}`;
      return;
    }
    show(job);
    if (job.state !== 'queued' && job.state !== 'running') {
      window.clearInterval(timer);
      cancel.remove();
      if (latest.isOpen()) done(job);
    }
  }, POLL_MS);
}

export interface FitFormOptions {
  /** What is fitted: one measurement's sweeps or every measurement of an experiment. */
  target: { measurement: number } | { experiment: number };
  /** Offer the grid per axis (else the server's default). */
  grid: boolean;
  area: number | null;
  areaPlaceholder: string;
  areaClass?: string;
  submitLabel: string;
  jobBox: HTMLElement;
  latest: Latest;
  /** Runs once a fit ended. */
  fitted: () => void;
}

/**
 * The fit form: the grid (within the server's limits), the insert area, the models; checked next to
 * the fields, then run as a job in `jobBox`.
 */
export function fitForm(o: FitFormOptions): HTMLElement {
  const grid = o.grid
    ? h('input', { type: 'number', id: 'fit-grid', step: 1, value: DEFAULT_FIT_GRID, 'aria-describedby': 'fit-grid-hint' })
    : null;
  void serverLimits().then((l) => {
    if (l.fitGridMin != null) grid?.setAttribute('min', String(l.fitGridMin));
    if (l.fitGrid != null) grid?.setAttribute('max', String(l.fitGrid));
  });
  const area = h('input', { type: 'text', inputmode: 'decimal', id: 'fit-area', class: o.areaClass ?? null, value: o.area ?? '', placeholder: o.areaPlaceholder });
  const err = h('span', { class: 'field-error', id: 'fit-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'fit-submit' }, o.submitLabel);
  const models = modelChoice();
  return h(
    'form',
    {
      class: 'inline-form',
      id: 'fit-form',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        err.textContent = '';
        let g: number | null = null;
        if (grid) {
          const { fitGridMin: lo = 1, fitGrid: hi } = await serverLimits();
          g = parseInteger(grid.value);
          if (g == null || g < lo || (hi != null && g > hi)) return void (err.textContent = `The grid is a whole number from ${lo}${hi != null ? ` to ${hi}` : ' up'}.`);
        }
        const a = area.value.trim() ? parseNumber(area.value) : null;
        if (area.value.trim() && !(a != null && a > 0)) return void (err.textContent = 'The area is a number of cm² above 0, or empty.');
        submit.disabled = true;
        const chosen = models.chosen();
        const req: FitRequest = { ...o.target, ...(g != null ? { grid: g } : {}), ...(a != null ? { area: a } : {}), ...(chosen.length ? { models: chosen } : {}) };
        void runFit(req, o.jobBox, o.latest, () => {
          submit.disabled = false;
          o.fitted();
        }).finally(() => {
          // A refused fit has no job to wait for: the form is usable again at once.
          if (!o.jobBox.querySelector('#fit-cancel')) submit.disabled = false;
        });
      },
    },
    grid ? [h('label', { for: 'fit-grid' }, 'Grid per axis'), grid, h('span', { class: 'hint', id: 'fit-grid-hint' }, 'the global grid before refinement')] : null,
    h('label', { for: 'fit-area' }, 'Area [cm²]'),
    area,
    models.element,
    submit,
    err,
  );
}
