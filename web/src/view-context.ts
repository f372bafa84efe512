// What the parts of the dataset view share: the dataset, the view's Latest (so a part's response
// arriving after the view was left is dropped), the rows chosen for the plots, the server's limits.

import type { Dataset } from './api';
import type { Latest } from './latest';
import type { ServerLimits } from './limits';
import type { Selection } from './selection';

export interface ViewContext {
  filename: string;
  dataset: Dataset;
  title: string;
  latest: Latest;
  selection: Selection;
  limits: Promise<ServerLimits>;
  /** Tell every part that the chosen rows changed. */
  selectionChanged(): void;
}
