import { Command, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startDocsServer } from '../../docs/docs-server.js';
import { generateDocs } from '../../docs/generate-docs.js';
import { ProjectError } from '../../errors.js';
import { readProjectFile } from '../../project/project-file.js';
import type { CliIo } from '../cli-io.js';
import { projectOptions, withProjectOptions, type ProjectCommandOptions } from '../project-options.js';
import { createReporter } from '../reporter.js';

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new InvalidArgumentError(`expected a port from 0 to 65535, got '${value}'`);
  return n;
}

/** Resolves when the signal aborts (Ctrl-C): the server runs until then. */
function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function generate(io: CliIo): Command {
  return withProjectOptions(
    new Command('generate').description('write the documentation site to target/docs/ (one self-contained index.html)'),
    { selection: false },
  )
    .option('--empty-catalog', 'do not connect to the engine; show the declared column types')
    .action(async (options: ProjectCommandOptions & { emptyCatalog?: boolean }) => {
      const reporter = createReporter(options.logFormat, io);
      try {
        const outcome = await generateDocs({ ...projectOptions(options, io), emptyCatalog: options.emptyCatalog });
        for (const note of outcome.notes) reporter.warn(note);
        const where = path.relative(io.cwd, outcome.indexFile) || outcome.indexFile;
        reporter.info(`Wrote the docs of ${outcome.relations} relations and ${outcome.tests} tests to ${where}`, {
          relations: outcome.relations,
          tests: outcome.tests,
        });
      } finally {
        reporter.close();
      }
    });
}

function serve(io: CliIo): Command {
  return new Command('serve')
    .description('serve target/docs/ on 127.0.0.1 until Ctrl-C')
    .option('--project-dir <dir>', 'folder with stedi_project.yml (default: current folder)')
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', portNumber, 8080)
    .action(async (options: { projectDir?: string; port: number }) => {
      const projectDir = path.resolve(io.cwd, options.projectDir ?? '.');
      const docsDir = path.resolve(projectDir, readProjectFile(projectDir).targetPath, 'docs');
      if (!existsSync(path.join(docsDir, 'index.html'))) {
        throw new ProjectError(
          `${path.relative(io.cwd, docsDir) || docsDir}/index.html does not exist: run \`stedi-models docs generate\` first.`,
        );
      }
      const server = await startDocsServer({ dir: docsDir, port: options.port });
      io.stdout.write(`Serving the docs at ${server.url} (only on this machine). Press Ctrl-C to stop.\n`);
      try {
        await untilAborted(io.signal);
      } finally {
        await server.close();
        io.stdout.write('Stopped serving the docs.\n');
      }
    });
}

/** `stedi-models docs generate|serve`: the documentation site for the people who read the models. */
export function docsCommand(io: CliIo): Command {
  const command = new Command('docs').description('generate or serve the documentation site');
  for (const sub of [generate(io), serve(io)]) {
    command.addCommand(
      sub.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) }),
    );
  }
  return command;
}
