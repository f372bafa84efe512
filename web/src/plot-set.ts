// Plots that take the width of their box and follow it when the window changes.

import { h } from './dom';
import type { PlotHandle } from './plots';

export class PlotSet {
  private readonly plots: { box: HTMLElement; plot: PlotHandle; width: number }[] = [];
  private readonly observer = new ResizeObserver(() => this.fit());

  /** A figure with a caption and an empty plot box, labelled for screen readers. */
  static figure(id: string, caption: string, ariaLabel: string): { fig: HTMLElement; box: HTMLElement } {
    const box = h('div', { class: 'plot', id, role: 'img', 'aria-label': ariaLabel });
    return { fig: h('figure', { class: 'plot-fig' }, h('figcaption', null, caption), box), box };
  }

  /** Draws into a box that is in the document, at the box's width. */
  add(box: HTMLElement, make: (width: number) => PlotHandle): void {
    const width = box.clientWidth;
    this.plots.push({ box, plot: make(width), width });
    this.observer.observe(box);
  }

  destroy(): void {
    this.observer.disconnect();
    for (const p of this.plots) p.plot.destroy();
    this.plots.length = 0;
  }

  private fit(): void {
    for (const p of this.plots) {
      const w = p.box.clientWidth;
      if (w !== p.width && w > 0) {
        p.width = w;
        p.plot.resize(w);
      }
    }
  }
}
