import { Command } from 'commander';
import path from 'node:path';
import { openAdapter } from '../../adapters/engines.js';
import { buildProjectGraph } from '../../compile/compile-project.js';
import { loadProject } from '../../project/load-project.js';
import type { CliIo } from '../cli-io.js';
import { projectOptions, withProjectOptions, type ProjectCommandOptions } from '../project-options.js';

/** `stedi-models debug`: checks the project, the profile and the connection, one line per check. */
export function debugCommand(io: CliIo): Command {
  return withProjectOptions(
    new Command('debug').description('check the project, profiles.yml and the connection to the target'),
    { selection: false },
  ).action(async (options: ProjectCommandOptions) => {
    const say = (text: string) => io.stdout.write(`${text}\n`);
    const project = loadProject(projectOptions(options, io));
    say(`project: ${project.file.name} (${path.join(project.dir, project.file.fileName)}) OK`);
    say(
      `profile: ${project.file.profile} of ${project.profilesPath}, target: ${project.target.name} (${project.target.type}) OK`,
    );
    const context = buildProjectGraph(project);
    const counts = [...context.graph.nodes.values()].reduce<Record<string, number>>(
      (acc, n) => ({ ...acc, [n.kind]: (acc[n.kind] ?? 0) + 1 }),
      {},
    );
    say(
      `graph: ${Object.entries(counts)
        .map(([k, v]) => `${v} ${k}s`)
        .join(', ')} OK`,
    );
    const adapter = await openAdapter(project.target, project.dir);
    try {
      const facts = await adapter.describe();
      say(
        `connection: ${Object.entries(facts)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')} OK`,
      );
    } finally {
      await adapter.close();
    }
    say('All checks passed.');
  });
}
