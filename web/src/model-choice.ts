// The circuit models a fit may use (SPEC 12), as the server lists them (GET /api/models): asked
// once per page load, and offered as checkboxes in the fit forms, rc ticked.

import { h } from './dom';
import { serverModels } from './models';

/** A checkbox per model, named and with its formula as the title; chosen() gives the ticked names. */
export function modelChoice(): { element: HTMLElement; chosen: () => string[] } {
  const box = h('fieldset', { class: 'model-choice', id: 'fit-models' }, h('legend', null, 'Models'));
  void serverModels().then((models) => {
    for (const m of models) {
      box.append(
        h(
          'label',
          { class: 'check', title: m.formula },
          h('input', { type: 'checkbox', name: 'fit-model', value: m.name, checked: m.name === 'rc', 'data-model': m.name }),
          ` ${m.name}`,
        ),
      );
    }
  });
  return { element: box, chosen: () => [...box.querySelectorAll<HTMLInputElement>('input[name="fit-model"]:checked')].map((i) => i.value) };
}
