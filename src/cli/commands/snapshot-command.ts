import { Command } from 'commander';
import { runSnapshots } from '../../run/run-snapshots.js';
import type { CliIo } from '../cli-io.js';
import { projectOptions, withProjectOptions, type ProjectCommandOptions } from '../project-options.js';
import { createReporter } from '../reporter.js';

/** `stedi-models snapshot`: record the snapshots/ blocks' rows as type-2 history (dbt's snapshot); exit 1 on a failure. */
export function snapshotCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return withProjectOptions(
    new Command('snapshot').description("record the snapshots' rows as history (dbt's snapshot; DuckDB for now)"),
  ).action(async (options: ProjectCommandOptions) => {
    const reporter = createReporter(options.logFormat, io);
    try {
      const results = await runSnapshots(projectOptions(options, io));
      for (const r of results) {
        const where = `${r.relation.schema}.${r.relation.identifier}`;
        if (r.status === 'success') reporter.info(`OK snapshot ${where} [${r.rows} new versions]`);
        else reporter.error(r.message!);
      }
      if (results.length === 0)
        reporter.warn('No snapshot selected: snapshots are {% snapshot %} blocks in snapshots/.');
      setExitCode(results.some((r) => r.status === 'error') ? 1 : 0);
    } finally {
      reporter.close();
    }
  });
}
