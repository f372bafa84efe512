// The life of the view in the main area: entering one leaves the one before, whose Latest closes
// (its late responses are dropped, its fit polling stops) and whose plots are destroyed.

import { Latest } from './latest';
import { PlotSet } from './plot-set';

let current: { latest: Latest; cleanups: (() => void)[] } | null = null;

export function leaveView(): void {
  if (!current) return;
  current.latest.close();
  for (const f of current.cleanups) f();
  current = null;
}

export interface View {
  latest: Latest;
  onLeave(f: () => void): void;
  /** A set of plots destroyed when the view is left. */
  plotSet(): PlotSet;
}

export function enterView(): View {
  leaveView();
  const view = { latest: new Latest(), cleanups: [] as (() => void)[] };
  current = view;
  const onLeave = (f: () => void) => view.cleanups.push(f);
  return {
    latest: view.latest,
    onLeave,
    plotSet: () => {
      const plots = new PlotSet();
      onLeave(() => plots.destroy());
      return plots;
    },
  };
}
