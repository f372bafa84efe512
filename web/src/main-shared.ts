// Loading the dataset list, shared by the header, the list and the run form.

import { api } from './api';
import { emit, state } from './state';

export async function loadDatasets(): Promise<void> {
  try {
    const r = await api.datasets();
    state.datasets = r.datasets ?? [];
    state.datasetsError = null;
  } catch (e) {
    state.datasetsError = (e as Error).message;
  }
  emit('datasets');
}
