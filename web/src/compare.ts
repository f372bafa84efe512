// The datasets picked for comparison and the address of their comparison view
// (#/compare/NAME,NAME,…). Pure; unit-tested.

const PREFIX = '#/compare/';

/** The view's address; each name encoded, so a comma in a name cannot split it. */
export function compareHash(filenames: readonly string[]): string {
  return PREFIX + filenames.map(encodeURIComponent).join(',');
}

/** The names in a comparison address, each once, in order; null for another address. */
export function parseCompareHash(hash: string): string[] | null {
  if (!hash.startsWith(PREFIX)) return null;
  const names: string[] = [];
  for (const part of hash.slice(PREFIX.length).split(',')) {
    let name: string;
    try {
      name = decodeURIComponent(part);
    } catch {
      continue; // a broken escape names no dataset
    }
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

/** The picks with `filename` added at the end (on) or taken out (off). */
export function togglePick(picks: readonly string[], filename: string, on: boolean): string[] {
  const rest = picks.filter((f) => f !== filename);
  return on ? [...rest, filename] : rest;
}

/** The fewest datasets a comparison shows. */
export const MIN_COMPARED = 2;
