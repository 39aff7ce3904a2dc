import type { z } from 'zod';

function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'nothing (null)';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

const KINDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of keys to values',
  record: 'a mapping of keys to values',
};

/**
 * Zod's default messages speak of the schema ("Invalid input: expected number, received NaN"); a user reading an
 * error about a YAML file wants what was written, what was expected, in words. Passed as the `error` option of
 * safeParse, it replaces the default messages only: a message written in a schema still wins.
 */
export const plainIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = KINDS[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return `missing: expected ${expected}`;
      // A coerced number that could not be read arrives as NaN, the text it came from already lost.
      if (typeof issue.input === 'number' && Number.isNaN(issue.input)) return `expected ${expected}`;
      return `expected ${expected}, got ${shown(issue.input)}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${shown(issue.values[0])}, got ${shown(issue.input)}`
        : `expected one of ${issue.values.map(shown).join(', ')}; got ${shown(issue.input)}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (issue.discriminator && options) {
        const written = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
        return `expected one of ${options.map(shown).join(', ')}; got ${written === undefined ? 'none' : shown(written)}`;
      }
      return `${shown(issue.input)} matches none of the accepted forms`;
    }
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `expected at least ${String(issue.minimum)} ${issue.origin === 'array' ? 'item(s)' : 'character(s)'}`
        : `expected at least ${String(issue.minimum)}, got ${shown(issue.input)}`;
    case 'too_big':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `expected at most ${String(issue.maximum)} ${issue.origin === 'array' ? 'item(s)' : 'character(s)'}`
        : `expected at most ${String(issue.maximum)}, got ${shown(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map(shown).join(', ')}: check the spelling`;
    default:
      return undefined;
  }
};
