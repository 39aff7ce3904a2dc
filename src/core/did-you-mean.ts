import { closest, distance } from 'fastest-levenshtein';

/** ` Did you mean 'x'?` for the candidate nearest to a mistyped name, or '' when none is near. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(name, [...candidates]);
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? ` Did you mean '${best}'?` : '';
}
