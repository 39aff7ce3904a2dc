import { Command, InvalidArgumentError, Option } from 'commander';
import { openAdapter } from '../../adapters/engines.js';
import { buildProjectGraph } from '../../compile/compile-project.js';
import { showQuery, ShowError } from '../../compile/show-query.js';
import { StediError } from '../../errors.js';
import { loadProject } from '../../project/load-project.js';
import type { CliIo } from '../cli-io.js';
import { projectOptions, withProjectOptions, type ProjectCommandOptions } from '../project-options.js';
import { formatCsv, formatJson, formatTable } from '../result-table.js';

interface ShowOptions extends ProjectCommandOptions {
  inline?: string;
  limit: number;
  output: 'table' | 'json' | 'csv';
}

function wholeNumber(value: string): number {
  if (!/^-?\d+$/.test(value))
    throw new InvalidArgumentError(`expected a whole number (-1 for every row), got '${value}'`);
  return Number(value);
}

/** `stedi-models show`: the first rows of a model, or of a query with ref(), as dbt's `show`. */
export function showCommand(io: CliIo): Command {
  return withProjectOptions(
    new Command('show').description('preview the rows of a model (--select) or of a query with ref() (--inline)'),
  )
    .option('--inline <sql>', 'a query of its own, e.g. "select * from {{ ref(\'customer_curated\') }}"')
    .option('--limit <n>', 'how many rows to show (-1: all)', wholeNumber, 5)
    .addOption(
      new Option('--output <format>', 'how to print the rows').choices(['table', 'json', 'csv']).default('table'),
    )
    .action(async (options: ShowOptions) => {
      const [name, ...more] = options.select ?? [];
      if (Boolean(name) === Boolean(options.inline) || more.length > 0)
        throw new ShowError(
          'show takes either --select <one model> or --inline "<sql>", e.g. show --select customer_curated.',
        );
      const context = buildProjectGraph(loadProject(projectOptions(options, io)));
      const query = showQuery(context, name ? { select: name } : { inline: options.inline! }, options.limit);
      const adapter = await openAdapter(context.project.target, context.project.dir);
      let rows;
      try {
        rows = await adapter.query(query.sql);
      } catch (error) {
        const hint = name ? ` Has it been built? Run: stedi-models build --select ${name}` : '';
        throw new StediError(`show: ${query.node} cannot be read: ${(error as Error).message}.${hint}`, {
          cause: error,
        });
      } finally {
        await adapter.close();
      }
      const columns = rows[0] ? Object.keys(rows[0]) : [];
      if (options.output === 'json') io.stdout.write(`${formatJson(query.node, rows)}\n`);
      else if (options.output === 'csv') io.stdout.write(`${formatCsv(columns, rows)}\n`);
      else {
        if (rows.length > 0) io.stdout.write(`${formatTable(columns, rows)}\n`);
        io.stdout.write(
          `${rows.length} row${rows.length === 1 ? '' : 's'} of ${query.node}${options.limit >= 0 ? ` (--limit ${options.limit})` : ''}\n`,
        );
      }
    });
}
