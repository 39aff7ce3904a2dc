import { DBT_COMPATIBLE_VERSION } from '../core/tool-version.js';

type Version = [number, number, number];

function parseVersion(text: string): Version | undefined {
  // dbt writes pre-releases as 1.10.0b1 or 1.10.0-rc1; the release part is what ranges compare.
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-.]?[a-z][0-9a-z.]*)?$/i.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)] : undefined;
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

const MEETS: Record<string, (order: number) => boolean> = {
  '>=': (o) => o >= 0,
  '<=': (o) => o <= 0,
  '>': (o) => o > 0,
  '<': (o) => o < 0,
  '=': (o) => o === 0,
  '==': (o) => o === 0,
  '': (o) => o === 0,
};

/**
 * Checks require-dbt-version (a string or a list of them, each a comparison such as ">=1.5.0", comma-separated ones
 * allowed) against the dbt version stedi-models claims compatibility with. Returns the problem in words, or
 * undefined when the range includes that version.
 */
export function requireDbtVersionProblem(
  required: string | readonly string[],
  version = DBT_COMPATIBLE_VERSION,
): string | undefined {
  const ours = parseVersion(version)!;
  const specs = (typeof required === 'string' ? [required] : required).flatMap((r) => r.split(','));
  for (const spec of specs.map((s) => s.trim()).filter(Boolean)) {
    const match = /^(>=|<=|==|=|>|<)?\s*(.+)$/.exec(spec)!;
    const wanted = parseVersion(match[2]!);
    if (!wanted) return `'${spec}' is not a version range; write comparisons such as ">=1.5.0" and "<2.0.0".`;
    if (!MEETS[match[1] ?? '']!(compare(ours, wanted)))
      return `this project requires dbt ${specs.map((s) => s.trim()).join(', ')}, but stedi-models reads projects as dbt ${version} does. Widen the range to include ${version} if the project works with it.`;
  }
  return undefined;
}
