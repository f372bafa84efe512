// Loading the dataset list, shared by the header, the list and the run form.

import { api } from './api';
import { STALE, Latest } from './latest';
import { emit, state } from './state';

// A later load supersedes one still under way: the list asked for before a sign-in (or a sign-out)
// must not replace the one asked for after it when it answers last.
const latest = new Latest();

export async function loadDatasets(): Promise<void> {
  try {
    const r = await latest.take(api.datasets());
    if (r === STALE) return;
    state.datasets = r.datasets ?? [];
    state.datasetsError = null;
  } catch (e) {
    state.datasetsError = (e as Error).message;
  }
  emit('datasets');
}
