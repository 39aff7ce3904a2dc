import { Command, Option } from 'commander';
import { buildProjectGraph } from '../../compile/compile-project.js';
import type { Node } from '../../core/nodes.js';
import { selectNodes } from '../../graph/selection.js';
import { withState } from '../../compile/state-selection.js';
import { loadProject } from '../../project/load-project.js';
import type { CliIo } from '../cli-io.js';
import { projectOptions, withProjectOptions, type ProjectCommandOptions } from '../project-options.js';

/** The name a selector uses for a node: `customer_trusted`, `source:landing.customer_landing`. */
function selectorName(node: Node): string {
  switch (node.kind) {
    case 'source':
      return `source:${node.sourceName}.${node.name}`;
    case 'data_test':
      return `test:${node.name}`;
    default:
      return node.name;
  }
}

function describe(node: Node, relation: string): Record<string, unknown> {
  return {
    name: node.name,
    resource_type: node.kind,
    unique_id: node.uniqueId,
    original_file_path: node.filePath,
    relation,
    tags: node.tags,
    ...(node.kind === 'model' ? { materialized: node.config.materialized } : {}),
    ...(node.kind === 'model' || node.kind === 'data_test' ? { depends_on: node.dependsOn } : {}),
    ...(node.kind === 'source' ? { source_name: node.sourceName } : {}),
  };
}

/** `stedi-models ls`: list the selected nodes, as names, paths or JSON lines. */
export function lsCommand(io: CliIo): Command {
  return withProjectOptions(new Command('ls').alias('list').description('list the selected models and sources'))
    .addOption(
      new Option('--output <format>', 'what to print for each node').choices(['name', 'path', 'json']).default('name'),
    )
    .addOption(new Option('--resource-type <type>', 'only nodes of this kind').choices(['model', 'source']))
    .action((options: ProjectCommandOptions & { output: 'name' | 'path' | 'json'; resourceType?: string }) => {
      const loadOptions = projectOptions(options, io);
      const context = buildProjectGraph(loadProject(loadOptions));
      const ids = selectNodes(
        context.graph,
        withState(context, loadOptions, loadOptions),
        (n) => !options.resourceType || n.kind === options.resourceType,
      );
      for (const id of ids) {
        const node = context.graph.nodes.get(id)!;
        const line =
          options.output === 'json'
            ? JSON.stringify(describe(node, context.engine.dialect.relation(node.relation)))
            : options.output === 'path'
              ? node.filePath
              : selectorName(node);
        io.stdout.write(`${line}\n`);
      }
    });
}
