import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ProjectError, ProjectErrors, throwIfAny } from '../errors.js';
import { targetSchema, type Target } from '../adapters/engines.js';
import { ConfigFileError } from './config-file-error.js';
import { readYamlFile } from './read-yaml-file.js';
import { plainIssue } from './plain-issue.js';

/** The file that holds connection targets, like dbt's profiles.yml. */
export const PROFILES_FILE = 'profiles.yml';

const profileSchema = z
  .object({
    target: z.string().default('dev'),
    outputs: z.record(z.string(), z.record(z.string(), z.unknown())),
  })
  .strict();

/** Profiles by name; dbt's file may also hold a `config:` block of dbt's own settings (usage statistics...). */
const profilesFileSchema = z.object({ config: z.unknown().optional() }).catchall(profileSchema);

/**
 * The folder whose profiles.yml an invocation reads, where dbt looks: `--profiles-dir`, else $STEDI_PROFILES_DIR or
 * dbt's $DBT_PROFILES_DIR, else the project folder when it holds one, else ~/.dbt/ (a dbt user's usual place).
 */
export function profilesDirOf(
  projectDir: string,
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const given = flag ?? env.STEDI_PROFILES_DIR ?? env.DBT_PROFILES_DIR;
  if (given) return path.resolve(given);
  const home = env.HOME ?? env.USERPROFILE;
  if (existsSync(path.join(projectDir, PROFILES_FILE)) || !home) return projectDir;
  const dbtHome = path.join(home, '.dbt');
  return existsSync(path.join(dbtHome, PROFILES_FILE)) ? dbtHome : projectDir;
}

/** Renders a templated string value of profiles.yml (env_var, var); supplied by the templating layer. */
export type RenderValue = (text: string, keyPath: string) => string;

function renderValues(value: unknown, render: RenderValue, keyPath: string): unknown {
  if (typeof value === 'string') return render(value, keyPath);
  if (Array.isArray(value)) return value.map((v, i) => renderValues(v, render, `${keyPath}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValues(v, render, `${keyPath}.${k}`)]));
  }
  return value;
}

/** Options for resolving the target of an invocation. */
export interface ResolveTargetOptions {
  profilesDir: string;
  profileName: string;
  targetName?: string;
  render: RenderValue;
  /** Receives problems that do not stop the run, such as a secret written in the file. */
  onWarning?: (message: string) => void;
}

// Keys whose values are credentials; `key` alone is too broad (key_prefix...), so only its credential forms.
const SECRET_KEY = /password|passwd|passphrase|secret|token|credential|api_?key|access_?key|private_?key|session_?key/i;

/**
 * Key paths in profiles.yml whose value is a secret written in the file rather than read with env_var(): a key
 * named like a credential holding a literal (untemplated) value.
 */
export function plaintextSecrets(value: unknown, keyPath = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => plaintextSecrets(v, `${keyPath}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const at = keyPath ? `${keyPath}.${key}` : key;
    const literal = (typeof v === 'string' && v.trim() !== '' && !v.includes('{{')) || typeof v === 'number';
    return SECRET_KEY.test(key) && literal ? [at] : plaintextSecrets(v, at);
  });
}

/** Reads profiles.yml, picks the profile and target, renders its templated values and validates them. */
export function resolveTarget(options: ResolveTargetOptions): Target {
  const { profilesDir, profileName, targetName, render } = options;
  const absPath = path.join(profilesDir, PROFILES_FILE);
  if (!existsSync(absPath)) {
    throw new ProjectError(
      `No ${PROFILES_FILE} found in ${profilesDir} (nor in ~/.dbt/). Create one (see README: "Targets") or pass --profiles-dir <folder>.`,
    );
  }
  const { config: dbtSettings, ...profiles } = readYamlFile(absPath, PROFILES_FILE, profilesFileSchema) as {
    config?: unknown;
  } & Record<string, z.output<typeof profileSchema>>;
  if (dbtSettings !== undefined)
    options.onWarning?.(`${PROFILES_FILE}: 'config' holds dbt's own settings; stedi-models ignores them.`);
  for (const keyPath of plaintextSecrets(profiles)) {
    const variable = `STEDI_SECRET_${keyPath.split('.').pop()!.replace(/\W/g, '_').toUpperCase()}`;
    options.onWarning?.(
      `${PROFILES_FILE}: ${keyPath} holds a secret written in the file. Read it from the environment instead: "{{ env_var('${variable}') }}" (STEDI_SECRET_* values are also masked in logs and artifacts).`,
    );
  }
  const profile = profiles[profileName];
  if (!profile) {
    throw new ConfigFileError(
      PROFILES_FILE,
      profileName,
      `no profile named '${profileName}' (the project's profile). Profiles found: ${Object.keys(profiles).join(', ') || 'none'}.`,
    );
  }
  const name = targetName ?? profile.target;
  const raw = profile.outputs[name];
  if (!raw) {
    throw new ConfigFileError(
      PROFILES_FILE,
      `${profileName}.outputs`,
      `no target named '${name}'. Targets: ${Object.keys(profile.outputs).join(', ')}. Pick one with --target.`,
    );
  }
  const keyPath = `${profileName}.outputs.${name}`;
  // Every value is rendered even after one fails, so that all the missing environment variables are named at once.
  const problems: ProjectError[] = [];
  const collecting: RenderValue = (text, at) => {
    try {
      return render(text, at);
    } catch (error) {
      if (!(error instanceof ProjectError)) throw error;
      problems.push(error);
      return '';
    }
  };
  const rendered = renderValues(raw, collecting, keyPath);
  throwIfAny(problems);
  const parsed = targetSchema.safeParse(rendered, { error: plainIssue });
  if (!parsed.success) {
    // Every problem of the target at once, each with its key path, so one edit fixes them all.
    throw new ProjectErrors(
      parsed.error.issues.map(
        (issue) => new ConfigFileError(PROFILES_FILE, [keyPath, ...issue.path.map(String)].join('.'), issue.message),
      ),
    );
  }
  return { ...parsed.data, name } as Target;
}
