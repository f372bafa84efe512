// The tags part of the dataset view: the form that tags a ranked row, and the dataset's tags.

import type { Tag } from './api';
import { api, ApiError, getKey } from './api';
import type { ModelInfo } from './api-measured';
import { h, replace } from './dom';
import { fmtDate, fmtNum } from './format';
import { STALE } from './latest';
import { serverModels } from './models';
import { rowFrom } from './selection';
import { parseInteger } from './validate';
import { textTooLong } from './limits';
import { parameterTitle, shownValue } from './units';
import type { ViewContext } from './view-context';

const CATEGORIES = ['candidate', 'good fit', 'poor fit', 'physiological', 'unphysiological', 'reference'];

export interface TagsPart {
  element: HTMLElement;
  load(): Promise<void>;
  /** Put a rank into the form and move there. */
  startTag(rank: number): void;
}

/** `total()` is the number of ranked rows, which the results part learns. */
export function tagsPart(ctx: ViewContext, total: () => number): TagsPart {
  const { filename } = ctx;
  const loads = ctx.latest.child();
  const tagRank = h('input', { type: 'number', id: 'tag-rank', name: 'rank', min: 0, step: 1, value: 0, 'aria-describedby': 'tag-rank-error' });
  const tagLabel = h('input', { type: 'text', id: 'tag-label', name: 'label', required: true, 'aria-describedby': 'tag-label-error' });
  const tagCategory = h('input', { type: 'text', id: 'tag-category', name: 'category', list: 'tag-categories', 'aria-describedby': 'tag-category-error' });
  const tagNotes = h('textarea', { id: 'tag-notes', name: 'notes', rows: 2, 'aria-describedby': 'tag-notes-error' });
  const tagMsg = h('p', { class: 'form-msg', id: 'tag-msg', role: 'alert' });
  const tagList = h('div', { id: 'tag-list' });
  const rankErr = h('span', { class: 'field-error', id: 'tag-rank-error' });
  const labelErr = h('span', { class: 'field-error', id: 'tag-label-error' });
  const categoryErr = h('span', { class: 'field-error', id: 'tag-category-error' });
  const notesErr = h('span', { class: 'field-error', id: 'tag-notes-error' });

  void ctx.limits.then((l) => {
    // The server counts bytes: as many characters is a true bound, the exact check is on sending.
    const cap = (el: HTMLInputElement | HTMLTextAreaElement, n: number | undefined) => {
      if (n) el.maxLength = n;
    };
    cap(tagLabel, l.tagLabel);
    cap(tagCategory, l.tagCategory);
    cap(tagNotes, l.tagNotes);
  });

  function say(kind: 'ok' | 'error', text: string): void {
    tagMsg.className = `form-msg ${kind}`;
    tagMsg.textContent = text;
  }

  async function submit(ev: Event): Promise<void> {
    ev.preventDefault();
    for (const e of [rankErr, labelErr, categoryErr, notesErr]) e.textContent = '';
    for (const el of [tagRank, tagLabel, tagCategory, tagNotes]) el.removeAttribute('aria-invalid');
    tagMsg.textContent = '';
    tagMsg.className = 'form-msg';
    const rank = parseInteger(tagRank.value);
    let bad = false;
    if (rank == null || rank < 0 || rank >= total()) {
      rankErr.textContent = `Rank must be a whole number from 0 to ${Math.max(0, total() - 1)}.`;
      bad = true;
    }
    if (!tagLabel.value.trim()) {
      labelErr.textContent = 'Give the tag a label.';
      bad = true;
    }
    const limits = await ctx.limits;
    const fields: [HTMLInputElement | HTMLTextAreaElement, HTMLElement, number | undefined][] = [
      [tagLabel, labelErr, limits.tagLabel],
      [tagCategory, categoryErr, limits.tagCategory],
      [tagNotes, notesErr, limits.tagNotes],
    ];
    for (const [el, err, max] of fields) {
      const tooLong = textTooLong(el.value.trim(), max);
      if (tooLong) err.textContent = `Too long. ${tooLong}`;
    }
    const invalid = ([[tagRank, rankErr], ...fields] as [HTMLElement, HTMLElement][]).filter(([, err]) => err.textContent);
    for (const [el] of invalid) el.setAttribute('aria-invalid', 'true');
    if (bad || invalid.length > 0) {
      invalid[0]?.[0].focus();
      return;
    }
    if (!getKey()) return say('error', 'Sign in with an API key to tag rows.');
    try {
      await api.addTag({
        filename,
        rank: rank!,
        label: tagLabel.value.trim(),
        category: tagCategory.value.trim() || undefined,
        notes: tagNotes.value.trim() || undefined,
      });
      say('ok', `Tagged rank ${rank}.`);
      tagLabel.value = '';
      tagNotes.value = '';
      await load();
    } catch (e) {
      say('error', (e as Error).message);
    }
  }

  async function load(): Promise<void> {
    try {
      const r = await loads.take(Promise.all([api.tags(filename), serverModels()]));
      if (r === STALE) return;
      renderTags(r[0].tags ?? [], r[1]);
    } catch (e) {
      replace(tagList, h('p', { class: 'error-box', role: 'alert' }, `Cannot load the tags: ${(e as Error).message}`));
    }
  }

  /**
   * The tag's parameters in its model's order, with their units (GET /api/models); under a model the
   * server does not list, the names the tag carries, without units. Rs is not part of a tag.
   */
  function parametersOfTag(t: Tag, models: ModelInfo[]): { name: string; unit: string }[] {
    const info = models.find((m) => m.name === t.model);
    return (info?.parameters ?? Object.keys(t.params).map((name) => ({ name, unit: '' }))).filter((p) => p.name in t.params);
  }

  function plotButton(t: Tag, parameters: { name: string }[]): HTMLElement | null {
    if (parameters.length === 0) return null;
    const onclick = () => {
      // As a ranked row of the dataset: its parameters in the order of the file's param_names.
      const values = parameters.map((p) => t.params[p.name] ?? null);
      if (ctx.selection.add(rowFrom(t.rank, values, t.resnorm, t.ter, t.tec))) ctx.selectionChanged();
    };
    return h('button', { type: 'button', class: 'btn btn-small btn-link', 'aria-label': `Plot tagged rank ${t.rank}`, onclick }, 'Plot');
  }

  function deleteButton(t: Tag): HTMLElement | null {
    if (!t.mine) return null;
    const onclick = async () => {
      try {
        await api.deleteTag(t.id);
        await load();
      } catch (e) {
        say('error', e instanceof ApiError && (e.status === 403 || e.status === 404) ? 'You can delete only your own tags.' : (e as Error).message);
      }
    };
    return h('button', { type: 'button', class: 'btn btn-small btn-link danger', 'aria-label': `Delete tag ${t.label}`, onclick }, 'Delete');
  }

  function renderTags(tags: Tag[], models: ModelInfo[]): void {
    if (tags.length === 0) {
      replace(tagList, h('p', { class: 'muted' }, 'No tags on this dataset yet.'));
      return;
    }
    // The tags of one dataset share its model: its parameters head the columns.
    const parameters = parametersOfTag(tags[0], models);
    const heads = ['Rank', 'Label', 'Category', 'Notes', 'Resnorm', ...parameters.map(parameterTitle), 'TER [Ω]', 'TEC [µF]', 'Created', ''];
    replace(
      tagList,
      h(
        'table',
        { class: 'tag-table', id: 'tag-table' },
        h('caption', { class: 'sr-only' }, 'Tags on this dataset'),
        h('thead', null, h('tr', null, heads.map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          null,
          tags.map((t) =>
            h(
              'tr',
              { 'data-tag-id': String(t.id) },
              h('td', { class: 'num' }, String(t.rank)),
              h('td', null, t.label, t.is_reference ? h('span', { class: 'badge badge-public' }, 'Reference') : null),
              h('td', null, t.category ?? ''),
              h('td', { class: 'notes' }, t.notes ?? ''),
              h('td', { class: 'num' }, fmtNum(t.resnorm)),
              parameters.map((p) => {
                const v = t.params[p.name];
                return h('td', { class: 'num', 'data-col': p.name }, v == null ? '—' : fmtNum(shownValue(v, p.unit)));
              }),
              h('td', { class: 'num', 'data-col': 'TER' }, t.ter == null ? '—' : fmtNum(t.ter)),
              h('td', { class: 'num', 'data-col': 'TEC' }, t.tec == null ? '—' : fmtNum(t.tec * 1e6)),
              h('td', null, fmtDate(t.created_at)),
              h('td', { class: 'tag-actions' }, plotButton(t, parametersOfTag(t, models)), deleteButton(t)),
            ),
          ),
        ),
      ),
    );
  }

  const form = h(
    'form',
    { class: 'tag-form', id: 'tag-form', onsubmit: submit },
    h('div', { class: 'field' }, h('label', { for: 'tag-rank' }, 'Rank'), tagRank, rankErr),
    h('div', { class: 'field' }, h('label', { for: 'tag-label' }, 'Label'), tagLabel, labelErr),
    h('div', { class: 'field' }, h('label', { for: 'tag-category' }, 'Category'), tagCategory, categoryErr),
    h('datalist', { id: 'tag-categories' }, CATEGORIES.map((c) => h('option', { value: c }))),
    h('div', { class: 'field field-wide' }, h('label', { for: 'tag-notes' }, 'Notes'), tagNotes, notesErr),
    h('div', { class: 'field field-submit' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add tag')),
    tagMsg,
  );

  return {
    element: h('div', { class: 'tags', id: 'tags' }, getKey() ? null : h('p', { class: 'hint' }, 'Anyone can read tags on public datasets; sign in to add your own.'), form, tagList),
    load,
    startTag: (rank) => {
      tagRank.value = String(rank);
      tagLabel.focus();
      tagLabel.scrollIntoView({ block: 'center' });
    },
  };
}
