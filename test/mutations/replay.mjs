// Applies each breakage of mutations.mjs in turn, runs the test files it names, and restores the code. A breakage
// that no test notices is reported and makes the run fail. Usage: npm run mutations [-- <part of a mutation's name>]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MUTATIONS } from './mutations.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const only = process.argv[2];
const work = mkdtempSync(path.join(tmpdir(), 'stedi-mutations-'));

/** Applies a mutation's edits; returns how to undo them. Refuses an edit whose text is not found exactly once. */
function apply(mutation) {
  const undo = [];
  try {
    for (const edit of mutation.edits) {
      if ('delete' in edit) {
        const file = path.join(root, edit.delete);
        const aside = path.join(work, path.basename(file));
        renameSync(file, aside);
        undo.push(() => renameSync(aside, file));
        continue;
      }
      const file = path.join(root, edit.file);
      const text = readFileSync(file, 'utf8');
      const count = text.split(edit.find).length - 1;
      if (count !== 1)
        throw new Error(
          `${edit.file}: the text to change occurs ${count} times, not once: update test/mutations/mutations.mjs`,
        );
      writeFileSync(
        file,
        text.replace(edit.find, () => edit.replace),
      );
      undo.push(() => writeFileSync(file, text));
    }
  } catch (error) {
    for (const step of undo.reverse()) step();
    throw error;
  }
  return () => {
    for (const step of undo.reverse()) step();
  };
}

/** Runs test files; returns the names of the tests that failed. */
function failingTests(mutation) {
  const report = path.join(work, 'report.json');
  rmSync(report, { force: true });
  const run = spawnSync('npx', ['vitest', 'run', ...mutation.tests, '--reporter=json', `--outputFile=${report}`], {
    cwd: root,
    env: { ...process.env, ...mutation.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  let results;
  try {
    results = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    return run.status === 0
      ? []
      : [`(the test run failed before reporting: exit ${run.status}) ${run.stderr.slice(-400)}`];
  }
  return results.testResults.flatMap((file) => [
    ...file.assertionResults
      .filter((t) => t.status === 'failed')
      .map((t) => `${path.relative(root, file.name)} > ${t.fullName}`),
    ...(file.status === 'failed' && file.assertionResults.length === 0
      ? [`${path.relative(root, file.name)} (failed to load: ${file.message})`]
      : []),
  ]);
}

const missed = [];
for (const mutation of MUTATIONS.filter((m) => !only || m.name.includes(only))) {
  const restore = apply(mutation);
  let failed;
  try {
    failed = failingTests(mutation);
  } finally {
    restore();
  }
  console.log(`${failed.length > 0 ? 'caught' : 'MISSED'}: ${mutation.name}`);
  for (const name of failed) console.log(`  fails: ${name}`);
  if (failed.length === 0) missed.push(mutation.name);
}
rmSync(work, { recursive: true, force: true });
if (missed.length > 0) {
  console.error(`\n${missed.length} breakage(s) no test noticed:\n${missed.map((m) => `  ${m}`).join('\n')}`);
  process.exit(1);
}
