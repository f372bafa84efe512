// The life of the view in the main area: entering one leaves the one before, whose Latest closes
// (its late responses are dropped, its fit polling stops) and whose plots are destroyed.

import { Latest } from './latest';

let current: { latest: Latest; cleanups: (() => void)[] } | null = null;

export function leaveView(): void {
  if (!current) return;
  current.latest.close();
  for (const f of current.cleanups) f();
  current = null;
}

export function enterView(): { latest: Latest; onLeave(f: () => void): void } {
  leaveView();
  const view = { latest: new Latest(), cleanups: [] as (() => void)[] };
  current = view;
  return { latest: view.latest, onLeave: (f) => view.cleanups.push(f) };
}
