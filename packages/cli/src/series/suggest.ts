import { closest, distance } from 'fastest-levenshtein';

/** ` (did you mean 'close'?)` when one of `known` is a plausible typo of `given`, else ''. */
export function didYouMean(given: string, known: readonly string[]): string {
  if (known.length === 0) return '';
  const best = closest(given, [...known]);
  const exactButCase = best.toLowerCase() === given.toLowerCase();
  return exactButCase || distance(given, best) <= Math.max(2, Math.floor(given.length / 3)) ? ` (did you mean '${best}'?)` : '';
}

/** `'a', 'b', 'c'`. */
export function quoteList(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}
