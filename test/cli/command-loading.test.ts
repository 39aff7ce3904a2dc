import { describe, expect, it } from 'vitest';
import { commandsToLoad } from '../../src/cli/main.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli } from '../helpers/stedi-project.js';

const ALL = [
  'run',
  'build',
  'test',
  'seed',
  'run-operation',
  'retry',
  'parse',
  'compile',
  'lineage',
  'ls',
  'snapshot',
  'source',
  'show',
  'debug',
  'deps',
  'clean',
  'generate-data',
  'docs',
];

describe('loading commands on demand', () => {
  it('defines only the command the first argument names', () => {
    expect(commandsToLoad(['compile', '--project-dir', 'x'])).toEqual(['compile']);
    expect(commandsToLoad(['build', '--select', 'run'])).toEqual(['build']);
    expect(commandsToLoad(['list'])).toEqual(['ls']);
  });

  it('defines every command for help, --version, `help <command>` and an unknown command', () => {
    for (const argv of [[], ['--help'], ['--version'], ['help', 'compile'], ['compil']])
      expect(commandsToLoad(argv), argv.join(' ')).toEqual(ALL);
  });

  it('lists every command in the help', async () => {
    const help = await cli(['--help'], { cwd: process.cwd() });
    expect(help.code).toBe(0);
    for (const name of ALL) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it('suggests the command meant by a misspelt one', async () => {
    const run = await cli(['compil'], { cwd: process.cwd() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'compil'");
    expect(run.stderr).toContain('compile');
  });

  it('runs a command through its alias', async () => {
    const dir = fixtureProject({ 'models/only.sql': 'select 1 as id' });
    const run = await cli(['list'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('only\n');
  });
});
