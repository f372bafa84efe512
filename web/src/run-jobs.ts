// The caller's runs (sweeps and fits) as the new-run view lists them: live ones followed with a
// progress bar until they end, ended ones (done, failed, cancelled) with their outcome, a run whose
// server stopped answering shown as such; and the header's chip that counts the live ones.

import type { Job } from './api';
import { api, ApiError, getKey } from './api';
import { h, replace } from './dom';
import { fmtDuration, fmtInt } from './format';
import { loadDatasets } from './main-shared';
import { on, state } from './state';
import { DEFAULT_FORM } from './validate';

const POLL_MS = 400;

interface TrackedJob {
  job: Job;
  label: string;
  timer: number | null;
  error: string | null;
  /** When the server stopped answering about a live job; null while it answers. */
  lostSince: Date | null;
}

const tracked: TrackedJob[] = [];
let jobsArea: HTMLElement | null = null;

function isLive(j: Job): boolean {
  return j.state === 'queued' || j.state === 'running';
}

/** What a job fits, when it is a fit (POST /api/fit) rather than a sweep. */
function fitTarget(j: Job): { what: 'measurement' | 'experiment'; id: number } | null {
  const r = j.request as unknown as Record<string, unknown> | null;
  if (r && typeof r.measurement === 'number') return { what: 'measurement', id: r.measurement };
  if (r && typeof r.experiment === 'number') return { what: 'experiment', id: r.experiment };
  return null;
}

function jobLabel(j: Job): string {
  const fit = fitTarget(j);
  return fit ? `Fit of ${fit.what} ${fit.id}` : `Grid ${j.request?.grid ?? DEFAULT_FORM.grid}, ${j.output}`;
}

function jobText(t: TrackedJob): string {
  const j = t.job;
  const unit = fitTarget(j) ? 'sweeps' : 'points';
  const pct = `${Math.floor((j.progress ?? 0) * 100)}%`;
  if (t.lostSince && isLive(j)) {
    return `No answer from the server since ${t.lostSince.toLocaleTimeString()}: the run was at ${pct} then, and its state now is unknown. The page asks again until the server answers.`;
  }
  switch (j.state) {
    case 'queued':
      return 'Queued…';
    case 'running':
      return `Running: ${pct} (${fmtInt(j.done)} of ${fmtInt(j.total)} ${unit}${j.rate && unit === 'points' ? `, ${fmtInt(j.rate)} points/s` : ''}${
        j.eta_seconds != null ? `, about ${fmtDuration(j.eta_seconds)} left` : ''
      })`;
    case 'done':
      return fitTarget(j) ? `Done: ${fmtInt(j.total)} sweep${j.total === 1 ? '' : 's'} fitted.` : `Done: ${fmtInt(j.total)} points swept${j.dataset ? `; saved as ${j.dataset.filename}` : ''}.`;
    case 'failed':
      return `Failed: ${j.error ?? t.error ?? 'unknown error'}`;
    case 'cancelled':
      return 'Cancelled.';
    default:
      return String(j.state);
  }
}

/** Shows the runs: in the panel, when it is on the page, and the header's chip. */
export function renderJobs(): void {
  const chip = document.getElementById('jobs-chip');
  const active = tracked.filter((t) => isLive(t.job) && !t.lostSince);
  if (chip) {
    chip.hidden = active.length === 0;
    replace(chip, active.length ? h('a', { href: '#/new' }, `${active.length} run${active.length > 1 ? 's' : ''} in progress`) : null);
  }
  if (!jobsArea || !jobsArea.isConnected) return;
  if (tracked.length === 0) {
    replace(jobsArea, null);
    return;
  }
  replace(
    jobsArea,
    h('h3', { id: 'jobs-h' }, 'Runs'),
    h(
      'ul',
      { class: 'job-list', 'aria-labelledby': 'jobs-h' },
      [...tracked].reverse().map((t) => {
        const j = t.job;
        const live = isLive(j) && !t.lostSince;
        const pid = `job-progress-${j.id}`;
        return h(
          'li',
          { class: `job job-${t.lostSince ? 'lost' : j.state}`, 'data-job-id': String(j.id), 'data-state': j.state, 'data-contact': t.lostSince ? 'lost' : 'ok' },
          h('div', { class: 'job-head' }, h('strong', null, t.label)),
          h('label', { for: pid, class: 'sr-only' }, `Progress of ${t.label}`),
          h('progress', { id: pid, class: 'job-progress', max: 1, value: j.state === 'done' ? 1 : (j.progress ?? 0) }),
          h('p', { class: `job-text${j.state === 'failed' || t.lostSince ? ' error' : ''}`, role: 'status', 'aria-live': 'polite' }, jobText(t)),
          h(
            'div',
            { class: 'job-actions' },
            live
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'btn btn-small',
                    onclick: async () => {
                      try {
                        await api.cancelJob(j.id);
                      } catch (e) {
                        t.error = (e as Error).message;
                      }
                      void poll(t);
                    },
                  },
                  'Cancel',
                )
              : null,
            j.state === 'done' && j.dataset
              ? h('a', { class: 'btn btn-small btn-primary', href: `#/dataset/${encodeURIComponent(j.dataset.filename)}` }, 'Open dataset')
              : null,
            j.state === 'done' && fitTarget(j)
              ? h('a', { class: 'btn btn-small btn-primary', href: `#/${fitTarget(j)!.what}/${fitTarget(j)!.id}` }, 'Open fits')
              : null,
          ),
        );
      }),
    ),
  );
}

async function poll(t: TrackedJob): Promise<void> {
  try {
    const r = await api.job(t.job.id);
    t.job = r.job;
    t.lostSince = null;
  } catch (e) {
    t.error = (e as Error).message;
    if (e instanceof ApiError && (e.status === 404 || e.status === 401)) {
      t.job = { ...t.job, state: 'failed', error: t.error };
      t.lostSince = null;
    } else if (e instanceof ApiError && e.status === 0) {
      t.lostSince ??= new Date();
    }
  }
  if (!isLive(t.job)) {
    if (t.timer != null) window.clearInterval(t.timer);
    t.timer = null;
    if (t.job.state === 'done') {
      state.highlight = t.job.dataset?.filename ?? null;
      await loadDatasets();
    }
  }
  renderJobs();
}

/** Lists a job; a live one is followed until it ends. */
export function track(job: Job, label: string): void {
  const t: TrackedJob = { job, label, timer: null, error: null, lostSince: null };
  tracked.push(t);
  tracked.sort((a, b) => Date.parse(a.job.created_at ?? '') - Date.parse(b.job.created_at ?? '') || 0);
  if (isLive(job)) {
    t.timer = window.setInterval(() => void poll(t), POLL_MS);
    void poll(t);
  }
  renderJobs();
}

/** The signed-in user's runs as the server knows them (after a reload, or started in another tab): live ones are followed, ended ones listed with their outcome. */
export async function resumeJobs(): Promise<void> {
  if (!getKey()) return;
  try {
    const r = await api.jobs();
    for (const j of r.jobs ?? []) {
      if (!tracked.some((t) => String(t.job.id) === String(j.id))) track(j, jobLabel(j));
    }
  } catch {
    /* the list of jobs is a convenience */
  }
}

on('auth', () => {
  renderJobs();
  void resumeJobs();
});

/** The list of runs for the new-run view; it follows the tracked runs for as long as it is shown. */
export function jobsPanel(): HTMLElement {
  jobsArea = h('section', { class: 'panel jobs', id: 'jobs', 'aria-live': 'polite' });
  return jobsArea;
}
