import { Command } from 'commander';
import { checkSourceFreshness, type FreshnessResult } from '../../run/source-freshness.js';
import type { CliIo } from '../cli-io.js';
import { projectOptions, withProjectOptions, type ProjectCommandOptions } from '../project-options.js';
import { createReporter } from '../reporter.js';

function line(r: FreshnessResult): string {
  const age = r.ageSeconds === null ? '' : ` (newest row ${r.ageSeconds}s old, at ${r.maxLoadedAt})`;
  return `${r.status.toUpperCase()} freshness of ${r.name}${age}${r.message ? `: ${r.message}` : ''}`;
}

/** `stedi-models source freshness`: dbt's check of how old each source's newest row is; exit 1 on an error. */
export function sourceCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const freshness = withProjectOptions(
    new Command('freshness').description(
      "check the sources' newest rows against their freshness: criteria; write target/sources.json",
    ),
  )
    .option('-o, --output <path>', 'where to write the results (default: target/sources.json)')
    .action(async (options: ProjectCommandOptions & { output?: string }) => {
      const reporter = createReporter(options.logFormat, io);
      try {
        const { results, file } = await checkSourceFreshness({
          ...projectOptions(options, io),
          output: options.output,
        });
        for (const r of results) {
          if (r.status === 'pass') reporter.info(line(r));
          else if (r.status === 'warn') reporter.warn(line(r));
          else reporter.error(line(r));
        }
        if (results.length === 0) reporter.warn('No selected source declares freshness: nothing was checked.');
        reporter.info(`Wrote ${file}.`);
        setExitCode(results.some((r) => r.status === 'error' || r.status === 'runtime error') ? 1 : 0);
      } finally {
        reporter.close();
      }
    });
  return new Command('source').description("commands on the project's sources (freshness)").addCommand(freshness);
}
