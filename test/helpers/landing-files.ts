import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every JSON record of a landing dataset folder (`<root>/<dataset>/landing/*.json`), read independently of the tool. */
export function readLanding(
  root: string,
  dataset: 'customer' | 'accelerometer' | 'step_trainer',
): Array<Record<string, unknown>> {
  const folder = path.join(root, dataset, 'landing');
  return readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) =>
      readFileSync(path.join(folder, f), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    );
}
