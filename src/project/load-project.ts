import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYamlText } from 'yaml';
import { ProjectError } from '../errors.js';
import { newRenderScope, TemplateEngine } from '../templating/template-engine.js';
import { PROFILES_FILE, profilesDirOf, resolveTarget } from './profiles.js';
import { type Target } from '../adapters/engines.js';
import { readProjectFile, type ProjectFile } from './project-file.js';
import { readProjectFiles, type ProjectFiles } from './project-files.js';
import { type ProjectFileText } from '../core/project-file-text.js';
import { throwIfAny } from '../errors.js';
import { secretMasker, type Masker } from './secrets.js';

/** Where to find a project and how to run it, as given on the command line. */
export interface LoadProjectOptions {
  projectDir: string;
  profilesDir?: string;
  targetName?: string;
  /** `--vars` as written: YAML or JSON mapping. */
  vars?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives problems that do not stop the command (a plaintext secret in profiles.yml). */
  onWarning?: (message: string) => void;
  /** Receives what templates print for people: log(msg, info=True). */
  onInfo?: (message: string) => void;
}

/** A project read from disk, with its target and vars resolved: the input of parsing. */
export interface LoadedProject {
  dir: string;
  file: ProjectFile;
  files: ProjectFiles;
  target: Target;
  /** The profiles.yml the target was read from (see profilesDirOf for where it is looked for). */
  profilesPath: string;
  vars: Record<string, unknown>;
  /** The vars given with `--vars` (also in `vars`, where they override the project file's). */
  cliVars: Record<string, unknown>;
  /** stedi_project.yml and profiles.yml as written: their templated values may read vars too. */
  settingsFiles: ProjectFileText[];
  env: Readonly<Record<string, string | undefined>>;
  /** Hides secret values in everything written from this project's invocation. */
  mask: Masker;
  /** Reports a problem that does not stop the command (a config path that applies to nothing). */
  warn: (message: string) => void;
  /** Where templates' log(msg, info=True) and exceptions.warn() are reported. */
  report?: { info(message: string): void; warn(message: string): void };
}

/** Parses `--vars`, which must be a YAML or JSON mapping. */
export function parseCliVars(text: string | undefined): Record<string, unknown> {
  return parseOptionMapping(text, '--vars', 'names to values', "'{consent_cutoff: as_of}'");
}

/** Parses a command-line option that must be a YAML or JSON mapping (`--vars`, `--args`), naming it when it is not. */
export function parseOptionMapping(
  text: string | undefined,
  option: string,
  what: string,
  example: string,
): Record<string, unknown> {
  if (!text) return {};
  let value: unknown;
  try {
    value = parseYamlText(text);
  } catch (error) {
    throw new ProjectError(
      `${option}: not valid YAML or JSON (${(error as Error).message.split('\n')[0]}). Example: ${option} ${example}`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProjectError(
      `${option}: expected a mapping of ${what}, e.g. ${option} ${example}, got ${JSON.stringify(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

/** Reads the project file, its files, the profile target and the vars. */
export function loadProject(options: LoadProjectOptions): LoadedProject {
  const dir = path.resolve(options.projectDir);
  const env = options.env ?? process.env;
  const file = readProjectFile(dir);
  const warn = options.onWarning ?? (() => {});
  file.warnings.forEach(warn);
  const cliVars = parseCliVars(options.vars);
  const vars = { ...file.vars, ...cliVars };
  const profilesDir = profilesDirOf(dir, options.profilesDir, env);
  // profiles.yml values may use env_var() and var(); they are rendered before any target exists.
  const renderer = new TemplateEngine({
    macroFiles: [],
    vars,
    env,
    target: { name: '', type: '', schema: '', threads: 1 },
    quoteString: (s) => s,
    quoteIdentifier: (s) => s,
  });
  const target = resolveTarget({
    profilesDir,
    profileName: file.profile,
    targetName: options.targetName,
    onWarning: options.onWarning,
    render: (text, keyPath) => {
      const scope = newRenderScope('compile', `${PROFILES_FILE} (${keyPath})`);
      const value = renderer.renderString(text, scope);
      throwIfAny(scope.problems);
      return value;
    },
  });
  const settingsFiles = [
    { path: file.fileName, text: readFileSync(path.join(dir, file.fileName), 'utf8') },
    { path: PROFILES_FILE, text: readFileSync(path.join(profilesDir, PROFILES_FILE), 'utf8') },
  ];
  return {
    dir,
    file,
    files: readProjectFiles(dir, file),
    target,
    profilesPath: path.join(profilesDir, PROFILES_FILE),
    vars,
    cliVars,
    settingsFiles,
    env,
    mask: secretMasker(env),
    warn,
    report: {
      info: (message) => options.onInfo?.(message),
      warn: (message) => options.onWarning?.(message),
    },
  };
}
