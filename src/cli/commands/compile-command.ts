import { Command } from 'commander';
import { writeCompiledSql, writeManifest } from '../../compile/artifacts.js';
import { buildProjectGraph, compileWithQueries } from '../../compile/compile-project.js';
import { openAdapter } from '../../adapters/engines.js';
import type { Adapter } from '../../adapters/adapter.js';
import { isRunnable } from '../../core/nodes.js';
import { checkIdentifierFree } from '../../lineage/identifier-free-check.js';
import { selectNodes } from '../../graph/selection.js';
import { withState } from '../../compile/state-selection.js';
import { loadProject } from '../../project/load-project.js';
import type { CliIo } from '../cli-io.js';
import { projectOptions, withProjectOptions, type ProjectCommandOptions } from '../project-options.js';
import { createReporter } from '../reporter.js';

/** `stedi-models compile`: render the selected models to target/compiled and write target/manifest.json. */
export function compileCommand(io: CliIo): Command {
  return withProjectOptions(
    new Command('compile').description('render models to target/compiled/**.sql and write target/manifest.json'),
  ).action(async (options: ProjectCommandOptions) => {
    const reporter = createReporter(options.logFormat, io);
    const loadOptions = projectOptions(options, io);
    const context = buildProjectGraph(loadProject(loadOptions));
    const ids = selectNodes(
      context.graph,
      withState(context, loadOptions, loadOptions),
      (n) => n.kind === 'model' && isRunnable(n),
    );
    // dbt's compile runs a model's run_query() calls: the engine is opened only when a model makes one.
    let adapter: Promise<Adapter> | undefined;
    const records = await compileWithQueries(context, ids, {}, async (sql) =>
      (await (adapter ??= openAdapter(context.project.target, context.project.dir))).query(sql),
    ).finally(async () => (await adapter)?.close());
    const compiled = new Map([...records].map(([id, record]) => [id, record.sql]));
    // Exit 2 and nothing written when any identifier_free model carries an identifier (README, Privacy guarantees).
    const lineage = await checkIdentifierFree(context, compiled);
    writeCompiledSql(context, compiled);
    writeManifest(context, compiled, 'compile', lineage?.models);
    reporter.info(
      `Compiled ${compiled.size} model${compiled.size === 1 ? '' : 's'} to ${context.project.file.targetPath}/compiled/`,
      { models: compiled.size },
    );
  });
}
