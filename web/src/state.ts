// Shared page state and a tiny event bus.

import type { Dataset, Job } from './api';

export const state = {
  apiOnline: null as boolean | null,
  user: null as string | null,
  datasets: [] as Dataset[],
  datasetsError: null as string | null,
  filter: '',
  sort: 'newest',
  jobs: [] as Job[],
  highlight: null as string | null,
  /** Datasets ticked for comparison, in the order they were ticked. */
  compare: [] as string[],
};

type Listener = () => void;
const listeners: Record<string, Listener[]> = {};

export function on(event: string, f: Listener): void {
  (listeners[event] ??= []).push(f);
}

export function emit(event: string): void {
  for (const f of listeners[event] ?? []) f();
}
