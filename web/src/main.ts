// eisgrid page: header (API status, sign-in), dataset list, dataset view and new-run form.

import './style.css';
import { api, ApiError, getKey, setKey } from './api';
import { h, replace } from './dom';
import { state, on, emit } from './state';
import { renderSidebar } from './ui-list';
import { renderDatasetView } from './ui-view';
import { renderRunForm } from './ui-run';
import { resumeJobs } from './run-jobs';
import { renderMeasurements } from './ui-measurements';
import { renderMeasurement } from './ui-measurement';
import { renderExperiment } from './ui-experiment';
import { loadDatasets } from './main-shared';
import { leaveView } from './view-life';
import { parseCompareHash } from './compare';
import { renderCompare } from './ui-compare';

const statusEl = document.getElementById('api-status')!;
const authEl = document.getElementById('auth')!;
const mainEl = document.getElementById('main')!;
const sidebarEl = document.getElementById('sidebar')!;

async function checkStatus(): Promise<void> {
  statusEl.className = 'status-pill status-checking';
  statusEl.textContent = 'API: checking…';
  try {
    const s = await api.status();
    state.apiOnline = s.status === 'online';
    statusEl.className = `status-pill ${state.apiOnline ? 'status-online' : 'status-offline'}`;
    statusEl.textContent = state.apiOnline ? `API: online` : `API: ${s.status}`;
    statusEl.title = `${s.available_files} files, ${s.loaded_datasets} loaded, memory ${s.memory_usage}`;
  } catch (e) {
    state.apiOnline = false;
    statusEl.className = 'status-pill status-offline';
    statusEl.textContent = 'API: offline';
    statusEl.title = (e as Error).message;
  }
}


async function refreshAll(): Promise<void> {
  await checkStatus();
  if (state.apiOnline) await Promise.all([loadWho(), loadDatasets()]);
  else {
    state.datasetsError = 'The eisgrid server is offline.';
    emit('datasets');
  }
}

async function loadWho(): Promise<void> {
  const key = getKey();
  if (!key) {
    state.user = null;
    renderAuth();
    return;
  }
  try {
    const r = await api.whoami(key);
    // A sign-in or sign-out while this was asked decides who is signed in, not this answer.
    if (getKey() !== key) return;
    state.user = r.user?.name ?? null;
  } catch (e) {
    if (getKey() !== key) return;
    if (e instanceof ApiError && e.status === 401) {
      setKey(null);
      state.user = null;
      renderAuth('Your API key is no longer valid; you are signed out.');
      return;
    }
  }
  renderAuth();
}

function renderAuth(message?: string): void {
  if (state.user) {
    replace(
      authEl,
      h('span', { class: 'who', id: 'who' }, 'Signed in as ', h('strong', null, state.user)),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-small',
          id: 'sign-out',
          onclick: async () => {
            setKey(null);
            state.user = null;
            renderAuth();
            await loadDatasets();
            emit('auth');
          },
        },
        'Sign out',
      ),
    );
    return;
  }
  // Drawn again while signed out (the first check of the server, a refresh): the form stays, with
  // what is typed in it; only a message changes.
  const shown = authEl.querySelector<HTMLFormElement>('#signin');
  if (shown) {
    if (message) {
      const msg = shown.querySelector('#auth-msg')!;
      msg.className = 'auth-msg error';
      msg.textContent = message;
    }
    return;
  }
  const input = h('input', {
    type: 'password',
    id: 'api-key',
    name: 'api-key',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: 'API key',
    'aria-describedby': 'auth-hint auth-msg',
  });
  const msg = h('span', { id: 'auth-msg', class: message ? 'auth-msg error' : 'auth-msg', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    {
      class: 'signin',
      id: 'signin',
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        const key = input.value.trim();
        if (!key) {
          msg.className = 'auth-msg error';
          msg.textContent = 'Enter an API key.';
          input.focus();
          return;
        }
        msg.className = 'auth-msg';
        msg.textContent = 'Signing in…';
        try {
          const r = await api.whoami(key);
          if (!r.user) throw new ApiError('The server did not recognise this key.', 401);
          setKey(key);
          state.user = r.user.name;
          renderAuth();
          await loadDatasets();
          emit('auth');
        } catch (e) {
          msg.className = 'auth-msg error';
          msg.textContent = e instanceof ApiError && e.status === 401 ? 'That API key was not accepted.' : (e as Error).message;
          input.focus();
        }
      },
    },
    h('span', { class: 'who', id: 'who' }, 'Anonymous: public data'),
    h('label', { for: 'api-key', class: 'sr-only' }, 'API key'),
    input,
    h('button', { type: 'submit', class: 'btn btn-small btn-primary' }, 'Sign in'),
    h(
      'span',
      { class: 'auth-hint', id: 'auth-hint' },
      'Keys come from whoever runs this server: ',
      h('code', null, 'eisgrid user add NAME'),
      ' prints one.',
    ),
    msg,
  );
  replace(authEl, form);
}

// Whether a view has been drawn: the first load draws one only if nothing has
// (a link, the address or a sign-in) while it waited on the server.
let routed = false;

function route(): void {
  routed = true;
  leaveView();
  const hash = location.hash || '#/';
  const m = /^#\/dataset\/(.+)$/.exec(hash);
  const measured = /^#\/(measurement|experiment)\/(\d+)$/.exec(hash);
  const compared = parseCompareHash(hash);
  if (compared) {
    // The ticks in the list follow the address (a bookmarked or shared comparison).
    state.compare = compared;
    renderCompare(mainEl, compared);
  } else if (m) {
    renderDatasetView(mainEl, decodeURIComponent(m[1]));
  } else if (measured) {
    (measured[1] === 'measurement' ? renderMeasurement : renderExperiment)(mainEl, Number(measured[2]));
  } else if (hash === '#/measurements') {
    renderMeasurements(mainEl);
  } else if (hash === '#/new') {
    renderRunForm(mainEl);
  } else {
    renderHome();
  }
  emit('route');
}

function renderHome(): void {
  replace(
    mainEl,
    h(
      'section',
      { class: 'panel home' },
      h('h2', null, 'Welcome'),
      h(
        'p',
        null,
        'Pick a dataset on the left to see its best parameter sets with TER and TEC, plot them against the reference spectrum (Nyquist and Bode), search by resnorm, tag rows and download the file.',
      ),
      h(
        'p',
        null,
        'Each dataset ranks every point of a five-element circuit grid (Rsh ∥ (Ra∥Ca + Rb∥Cb)) by its residual norm against a reference spectrum. ',
        'Different parameter sets can give the same spectrum, so compare TER and TEC as well as the raw parameters.',
      ),
      h(
        'p',
        null,
        'Bring your own measurements too: upload instrument files, fit them, and follow TER and TEC per insert over days.',
      ),
      h(
        'p',
        { class: 'home-actions' },
        h('a', { href: '#/new', class: 'btn btn-primary' }, 'Start a new run'),
        ' ',
        h('a', { href: '#/measurements', class: 'btn' }, 'Measurements'),
      ),
    ),
  );
}

document.getElementById('api-refresh')!.addEventListener('click', () => {
  void refreshAll().then(() => route());
});
window.addEventListener('hashchange', () => {
  route();
  // Keyboard and screen-reader users land on the new view, not back at the top of the list.
  mainEl.scrollTop = 0;
  mainEl.focus({ preventScroll: true });
});
on('datasets', () => renderSidebar(sidebarEl));
on('route', () => renderSidebar(sidebarEl));
on('auth', route);

renderAuth();
renderSidebar(sidebarEl);
replace(mainEl, h('p', { class: 'muted' }, 'Loading…'));
void refreshAll().then(() => {
  // Drawing the view again would leave the one the user is in, and drop what
  // it still waits for (an upload's result).
  if (!routed) route();
  void resumeJobs();
});
// Keep the status indicator honest while the page stays open.
window.setInterval(() => void checkStatus(), 30_000);
