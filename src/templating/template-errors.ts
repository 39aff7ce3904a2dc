import { ProjectError } from '../errors.js';

/** A model or macro file is not a valid template (syntax) or failed while rendering; names the file and line. */
export class TemplateError extends ProjectError {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ${detail}`);
  }
}

/** `var(name)` was called without a default for a var that no file or `--vars` defines. */
export class UndefinedVarError extends ProjectError {
  constructor(file: string, name: string) {
    super(
      `${file}: var('${name}') is not defined. Define it under vars: in stedi_project.yml, pass --vars '{${name}: ...}', or give a default: var('${name}', <default>).`,
    );
  }
}

/** `env_var(name)` was called without a default for an environment variable that is not set. */
export class UndefinedEnvVarError extends ProjectError {
  constructor(file: string, name: string) {
    super(
      `${file}: env_var('${name}') is not set. Export ${name}=... before running, or give a default: env_var('${name}', <default>).`,
    );
  }
}

/** A template called `exceptions.raise_compiler_error(...)` (a model or macro refusing its input). */
export class CompilerErrorRaised extends ProjectError {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

// nunjucks reports `Template render error: (path) [Line 3, Column 5]\n  message`; keep the message, the line and
// the column, and drop its wrapper words so every error reads `file:line:col: message`.
const NUNJUCKS_LOCATION =
  /\((?<path>[^)]*)\)(?:\s*\[Line (?<line>\d+), Column (?<column>\d+)\])?\s*(?<detail>[\s\S]*)$/;

/** Turns an error thrown by nunjucks into a TemplateError naming the file and line. */
export function fromNunjucksError(error: unknown, file: string, text?: string): ProjectError {
  if (error instanceof ProjectError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const match = NUNJUCKS_LOCATION.exec(message);
  const cause = (error as { cause?: unknown }).cause;
  // nunjucks counts from 1 in parse errors, but an error thrown while rendering (one with a cause) carries the
  // lexer's 0-based line and column.
  const shift = cause instanceof Error ? 1 : 0;
  const line = match?.groups?.line ? Number(match.groups.line) + shift : undefined;
  const column = line && match?.groups?.column ? Number(match.groups.column) + shift : undefined;
  // nunjucks wraps what a template global threw as `Name: message`; a refusal of ours reads better as itself.
  if (cause instanceof CompilerErrorRaised) return new TemplateError(cause.file, cause.detail, line, column);
  if (cause instanceof ProjectError) return cause;
  const detail = (match?.groups?.detail ?? message)
    .replace(/^\s*Template render error:?\s*/i, '')
    .replace(/^Error:\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
  const called = /^Unable to call `([^`]+)`/.exec(detail)?.[1];
  const method = called && /\["([^"]+)"\]$/.exec(called)?.[1];
  if (method) {
    const index = text?.split('\n').findIndex((l) => l.includes(`.${method}(`));
    const at = line ?? (index === undefined || index < 0 ? undefined : index + 1);
    return new TemplateError(
      file,
      `template error: .${method}() is not a method of the value it is called on (strings, lists and dicts have Python's methods: upper, lower, strip, split, replace, startswith, format, join, append, extend, items, keys, values, get, update...); check the spelling and the value`,
      at,
      line ? column : undefined,
    );
  }
  if (called) {
    const index = text?.split('\n').findIndex((l) => l.includes(`${called}(`));
    const at = line ?? (index === undefined || index < 0 ? undefined : index + 1);
    return new TemplateError(
      file,
      `template error: ${called}() is not defined: define it with {% macro ${called}(...) %} in macros/, or check the spelling`,
      at,
      line ? column : undefined,
    );
  }
  if (line) return new TemplateError(file, `template error: ${detail}`, line, column);
  // nunjucks gives no position when the file ends inside a tag or block; the end of the file is where it stopped.
  const lastLine = text === undefined ? undefined : text.trimEnd().split('\n').length;
  return new TemplateError(
    file,
    `template error: ${detail} (reached the end of the file: a {{ }}, {% %} or block is not closed)`,
    lastLine,
  );
}
