// The experiment's time course: TER and TEC of each insert against the day (or the time since the
// first sweep), per area when every measurement has one, with ± one standard error, and a note of
// the sweeps left out and why.

import { h, replace } from './dom';
import { courseLeftOut, insertJitter, timeCourse, type CoursePoint } from './measured-math';
import { paddedTicks } from './plots-math';
import { PlotSet } from './plot-set';
import { SERIES_COLORS, xyPlot, type XySeries } from './plots';
import { insertOf, type Row } from './experiment-table';

const COURSE_HEIGHT = 240;
/** Room either side of the first and last day: half a day, so that side-by-side inserts stay whole. */
const DAY_PAD = 0.5;

/** The time course, drawn into its element from the table's rows; its plots are `plots`. */
export function coursePart(plots: PlotSet): { element: HTMLElement; render(rows: Row[]): void } {
  const element = h('div', { id: 'time-course' });
  function render(rows: Row[]): void {
    plots.destroy();
    const usable = rows.filter((r) => r.fit.status !== 'invalid_data');
    const leftOutNote = (axis: 'day' | 'time') => {
      const left = courseLeftOut(
        rows.map((r) => ({ name: `${r.m.file_name} sweep ${r.fit.sweep}`, status: r.fit.status, day: r.m.day, ter: r.fit.ter })),
        axis,
      );
      if (left.length === 0) return null;
      const noDay = left.some((t) => t.endsWith('(no day set)')) ? ' Set the day on the measurement’s page.' : '';
      return h('p', { class: 'hint', id: 'course-left-out' }, `Left out: ${left.join(', ')}.${noDay}`);
    };
    if (usable.length === 0) {
      // Without a point, days do not matter: only what keeps each sweep out is said.
      replace(element, h('p', { class: 'muted' }, 'No fitted sweep to follow yet.'), leftOutNote('time'));
      return;
    }
    const perArea = usable.every((r) => r.fit.ter_ohm_cm2 != null);
    const points: CoursePoint[] = usable.map((r) => {
      const { ter, tec } = r.fit.stderr;
      // Per area, the errors scale as the values do: TER·A = TER·A, TEC/A = TEC/A.
      const a = perArea ? r.fit.area_cm2 : null;
      return {
        insert: insertOf(r.m),
        time: r.fit.start_time,
        day: r.m.day,
        ter: perArea ? r.fit.ter_ohm_cm2 : r.fit.ter,
        tec: perArea ? r.fit.tec_uf_per_cm2 : r.fit.tec == null ? null : r.fit.tec * 1e6,
        terErr: ter == null ? null : a != null ? ter * a : ter,
        tecErr: tec == null ? null : a != null ? (tec * 1e6) / a : tec * 1e6,
      };
    });
    const course = timeCourse(points);
    const xLabel = course.axis === 'day' ? 'Day' : 'Days since the first sweep';
    const inserts = [...course.lines.keys()];
    const color = (i: number) => SERIES_COLORS[i % SERIES_COLORS.length];
    // Against the day, inserts of one day stand side by side; times since the first sweep differ anyway.
    const shift = (i: number) => (course.axis === 'day' ? insertJitter(i, inserts.length) : 0);
    const all = [...course.lines.values()].flat();
    const xs = all.map((p) => p.x);
    const xTicks = course.axis === 'day' ? paddedTicks(Math.min(...xs), Math.max(...xs), 1, DAY_PAD) : paddedTicks(Math.min(...xs), Math.max(...xs));
    const yTicks = (pick: 'ter' | 'tec') => {
      const err = pick === 'ter' ? 'terErr' : 'tecErr';
      const ends = all.flatMap((p) => (p[pick] == null ? [] : [p[pick]! - (p[err] ?? 0), p[pick]! + (p[err] ?? 0)]));
      return paddedTicks(Math.min(...ends), Math.max(...ends));
    };
    const series = (pick: 'ter' | 'tec'): XySeries[] =>
      inserts.flatMap((name, i) => {
        const line = course.lines.get(name)!;
        const x = line.map((p) => p.x + shift(i));
        const y = line.map((p) => p[pick]);
        const err = line.map((p) => (pick === 'ter' ? p.terErr : p.tecErr));
        // A line through the points, and the points themselves with ±σ (one point alone shows as a dot).
        return [
          { label: name, color: color(i), x, y },
          { label: name, color: color(i), x, y, err, points: true },
        ];
      });
    const ter = PlotSet.figure('course-ter', perArea ? 'TER·A [Ω·cm²] against time' : 'TER [Ω] against time', `Time course of TER for ${inserts.length} inserts`);
    const tec = PlotSet.figure('course-tec', perArea ? 'TEC/A [µF/cm²] against time' : 'TEC [µF] against time', `Time course of TEC for ${inserts.length} inserts`);
    ter.box.dataset.lines = String(inserts.length);
    replace(
      element,
      perArea ? null : h('p', { class: 'hint' }, 'Not every measurement has an insert area: TER and TEC are shown as they are, not per area.'),
      h(
        'ul',
        { class: 'legend', id: 'course-legend', 'aria-label': 'Inserts' },
        inserts.map((name, i) => h('li', { class: 'legend-item' }, h('span', { class: 'legend-dot', style: `background:${color(i)}` }), name)),
      ),
      h('div', { class: 'plot-grid plot-grid-even' }, ter.fig, tec.fig),
      h(
        'p',
        { class: 'hint', id: 'course-note' },
        'Bars: ± one standard error.',
        course.axis === 'day' && inserts.length > 1 ? ' Inserts of one day are set side by side around it.' : '',
      ),
      leftOutNote(course.axis),
    );
    plots.add(ter.box, (w) =>
      xyPlot(ter.box, { xLabel, xTicks, yTicks: yTicks('ter'), yLabel: perArea ? 'TER·A [Ω·cm²]' : 'TER [Ω]' }, series('ter'), w, COURSE_HEIGHT),
    );
    plots.add(tec.box, (w) =>
      xyPlot(tec.box, { xLabel, xTicks, yTicks: yTicks('tec'), yLabel: perArea ? 'TEC/A [µF/cm²]' : 'TEC [µF]' }, series('tec'), w, COURSE_HEIGHT),
    );
  }

  return { element, render };
}
