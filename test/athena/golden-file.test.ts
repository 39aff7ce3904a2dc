import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/stedi-project.js';
import { expectGolden } from './golden-file.js';

describe('golden files', () => {
  it('fails when the golden file is missing, instead of writing it and comparing it with itself', () => {
    const golden = path.join(tempDir('stedi-golden-'), 'missing.sql');
    expect(() => expectGolden(golden, 'select 1')).toThrow(
      /golden file .*missing\.sql is missing: run `npm run golden:update`/,
    );
  });

  it('fails when the text differs from the golden file', () => {
    const golden = path.join(tempDir('stedi-golden-'), 'plan.sql');
    writeFileSync(golden, 'select 1\n');
    expect(() => expectGolden(golden, 'select 2\n')).toThrow();
    expect(() => expectGolden(golden, 'select 1\n')).not.toThrow();
  });
});
