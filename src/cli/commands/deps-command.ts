import { Command } from 'commander';
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { ProjectError, throwIfAny } from '../../errors.js';
import { ConfigFileError } from '../../project/config-file-error.js';
import { readPackagesFile } from '../../project/packages.js';
import { readProjectFile } from '../../project/project-file.js';
import type { CliIo } from '../cli-io.js';

/**
 * `stedi-models deps`: installs the local packages of packages.yml (or dependencies.yml) into packages-install-path
 * (dbt_packages/) as links to their folders, as dbt does, so their models and macros are part of the project. Hub,
 * git and tarball packages need the network, which stedi-models does not reach: they stop the command, naming each
 * one, before anything is installed.
 */
export function depsCommand(io: CliIo): Command {
  return new Command('deps')
    .description('install the local packages of packages.yml into dbt_packages/')
    .option('--project-dir <dir>', 'folder with stedi_project.yml or dbt_project.yml (default: current folder)')
    .action((options: { projectDir?: string }) => {
      const projectDir = path.resolve(io.cwd, options.projectDir ?? '.');
      const project = readProjectFile(projectDir);
      const listed = readPackagesFile(projectDir);
      if (!listed || listed.entries.length === 0) {
        io.stdout.write('No packages to install (no packages.yml or dependencies.yml lists any).\n');
        return;
      }
      throwIfAny(
        listed.entries.flatMap((e) =>
          e.kind === 'remote'
            ? [
                new ConfigFileError(
                  e.file,
                  `packages[${e.index}]`,
                  `${e.what} cannot be fetched: stedi-models installs local packages only. Download it (e.g. with dbt deps or git clone) and list its folder as \`- local: <folder>\`.`,
                ),
              ]
            : [],
        ),
      );
      const installRoot = path.resolve(projectDir, project.packagesInstallPath);
      mkdirSync(installRoot, { recursive: true });
      for (const entry of listed.entries) {
        if (entry.kind !== 'local') continue;
        const source = path.resolve(projectDir, entry.folder);
        if (!existsSync(source))
          throw new ConfigFileError(
            listed.file,
            `packages[${entry.index}].local`,
            `no folder ${source}; fix the path.`,
          );
        const name = readProjectFile(source).name;
        const link = path.join(installRoot, name);
        // A package folder holding the project's packages folder would contain its own link, and files read twice.
        if (!path.relative(source, installRoot).startsWith('..'))
          throw new ProjectError(
            `${listed.file}: package ${name} (${entry.folder}) holds this project's ${project.packagesInstallPath}/ folder; list a folder beside the project instead.`,
          );
        if (lstatSync(link, { throwIfNoEntry: false })) rmSync(link, { recursive: true, force: true });
        symlinkSync(source, link, 'dir');
        io.stdout.write(`Installed ${name} from ${entry.folder} into ${path.relative(projectDir, link)}\n`);
      }
    });
}
