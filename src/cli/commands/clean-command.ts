import { Command } from 'commander';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ProjectError } from '../../errors.js';
import { readProjectFile } from '../../project/project-file.js';
import type { CliIo } from '../cli-io.js';

/** `stedi-models clean`: delete the project's clean-targets (target/ by default, which holds the dev DuckDB file). */
export function cleanCommand(io: CliIo): Command {
  return new Command('clean')
    .description('delete generated folders (clean-targets of the project file; default target/)')
    .option('--project-dir <dir>', 'folder with stedi_project.yml or dbt_project.yml (default: current folder)')
    .action((options: { projectDir?: string }) => {
      const projectDir = path.resolve(io.cwd, options.projectDir ?? '.');
      const project = readProjectFile(projectDir);
      for (const entry of project.cleanTargets) {
        const folder = path.resolve(projectDir, entry);
        // Never delete outside the project or the project itself, whatever the project file says.
        if (!folder.startsWith(`${projectDir}${path.sep}`)) {
          throw new ProjectError(
            `${project.fileName}: clean-targets: '${entry}' is not inside the project folder; refusing to delete it.`,
          );
        }
        rmSync(folder, { recursive: true, force: true });
        io.stdout.write(`removed ${path.relative(projectDir, folder)}/\n`);
      }
    });
}
