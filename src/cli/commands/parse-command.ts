import { Command } from 'commander';
import { performance } from 'node:perf_hooks';
import { writeManifest } from '../../compile/artifacts.js';
import { buildProjectGraph } from '../../compile/compile-project.js';
import { loadProject } from '../../project/load-project.js';
import type { CliIo } from '../cli-io.js';
import { projectOptions, withProjectOptions, type ProjectCommandOptions } from '../project-options.js';
import { createReporter } from '../reporter.js';

/** The node kinds in the order the summary names them, with their plural names as dbt prints them. */
const KINDS = [
  ['model', 'models'],
  ['seed', 'seeds'],
  ['data_test', 'data tests'],
  ['unit_test', 'unit tests'],
  ['source', 'sources'],
] as const;

/**
 * `stedi-models parse`: reads the whole project (project file, profile, every template and yml), checks the graph,
 * and writes target/manifest.json without compiling or connecting; exit 2 with every problem when it does not parse.
 */
export function parseCommand(io: CliIo): Command {
  return withProjectOptions(
    new Command('parse').description(
      'parse the project and write target/manifest.json, without compiling or connecting',
    ),
    { selection: false },
  ).action((options: ProjectCommandOptions) => {
    const started = performance.now();
    const reporter = createReporter(options.logFormat, io);
    const context = buildProjectGraph(loadProject(projectOptions(options, io)));
    writeManifest(context, new Map(), 'parse');
    const counts = Object.fromEntries(KINDS.map(([kind]) => [kind, 0])) as Record<string, number>;
    for (const node of context.graph.nodes.values()) counts[node.kind] = (counts[node.kind] ?? 0) + 1;
    const seconds = (performance.now() - started) / 1000;
    reporter.info(
      `Parsed ${KINDS.map(([kind, plural]) => `${counts[kind]} ${plural}`).join(', ')} in ${seconds.toFixed(2)}s; wrote ${context.project.file.targetPath}/manifest.json`,
      { ...counts, seconds },
    );
  });
}
