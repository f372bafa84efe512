// A fit run as a job: POST /api/fit, then a progress bar with a cancel button until it ends.

import { api, type Job } from './api';
import { measuredApi, type FitRequest } from './api-measured';
import { h, replace } from './dom';
import { fmtDuration } from './format';
import type { Latest } from './latest';

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
