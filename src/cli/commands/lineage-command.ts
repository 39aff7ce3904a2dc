import { Command, Option } from 'commander';
import { buildProjectGraph } from '../../compile/compile-project.js';
import { columnLineageAnswer, lineageText } from '../../lineage/column-lineage-query.js';
import { loadProject } from '../../project/load-project.js';
import type { CliIo } from '../cli-io.js';
import { projectOptions, withProjectOptions, type ProjectCommandOptions } from '../project-options.js';

/** `stedi-models lineage <relation>.<column>`: the columns it derives from, down to the landing sources, or feeds. */
export function lineageCommand(io: CliIo): Command {
  return withProjectOptions(
    new Command('lineage')
      .description('the columns a column derives from, down to the landing sources (--downstream: what it feeds)')
      .argument('<relation.column>', 'a column of a model, source or seed, e.g. machine_learning_curated.x'),
    { selection: false },
  )
    .option('--downstream', 'the columns derived from it instead, up to the last model')
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(
      async (written: string, options: ProjectCommandOptions & { downstream?: boolean; output: 'text' | 'json' }) => {
        const context = buildProjectGraph(loadProject(projectOptions(options, io)));
        const answer = await columnLineageAnswer(context, written, options.downstream ? 'downstream' : 'upstream');
        io.stdout.write(options.output === 'json' ? `${JSON.stringify(answer)}\n` : lineageText(answer));
      },
    );
}
