import { parseAllDocuments } from 'yaml';
import { BUILTIN_TESTS_FILE, BUILTIN_TESTS_SQL } from '../templating/builtin-tests.js';
import { ProjectError } from '../errors.js';
import type { LoadedProject } from '../project/load-project.js';
import type { ProjectFileText } from '../core/project-file-text.js';
import { testBlocksToMacros } from '../templating/test-blocks.js';
import { varReads, type TemplateSource } from '../templating/var-reads.js';
import { didYouMean } from '../core/did-you-mean.js';
import type { DataTestNode } from '../core/nodes.js';

/** A var set with `--vars` or in the project file that no template of the project reads: a typo changes nothing. */
export class UnreadVarError extends ProjectError {
  constructor(
    readonly varName: string,
    readonly setIn: readonly string[],
    suggestion: string,
  ) {
    super(
      `${setIn.join(' and ')}: var '${varName}' is read by no model, macro, test, schema yml or project file, so setting it would change nothing.` +
        (suggestion || ` Remove it, or read it with var('${varName}').`),
    );
  }
}

const COMMENT = /\{#[\s\S]*?#\}/g;
const LITERAL_VAR_CALL = /\bvar\s*\(\s*(['"])((?:(?!\1)[^\\\n])*)\1/g;

/** Names written as `var('name')` in a text, outside `{# #}` comments: read in any template that holds them. */
function literalVarCalls(text: string): string[] {
  return [...text.replace(COMMENT, '').matchAll(LITERAL_VAR_CALL)].map((m) => m[2]!);
}

/** The templated strings of a yml file's content (source locations, hooks, test arguments...). */
function templatedStrings(file: string, content: unknown): TemplateSource[] {
  const strings: TemplateSource[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string' && (value.includes('{{') || value.includes('{%')))
      strings.push({ file, text: value });
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(content);
  return strings;
}

/** A settings file's templated strings; undefined when it does not parse (reading it reports that). */
function settingsTemplates(file: ProjectFileText): TemplateSource[] | undefined {
  try {
    const documents = parseAllDocuments(file.text);
    if (!Array.isArray(documents) || documents.some((d) => d.errors.length > 0)) return undefined;
    return documents.flatMap((d) => templatedStrings(file.path, d.toJS()));
  } catch {
    return undefined;
  }
}

/** A schema yml file as the parse pass read it. */
export interface ParsedSchemaFile {
  file: string;
  content: unknown;
}

/**
 * Every template of the project that can read a var: SQL files whole, yml files by their templated strings.
 * Undefined when a yml file could not be read, so its templates are unknown.
 */
function projectTemplates(
  project: LoadedProject,
  schemaFiles: readonly ParsedSchemaFile[],
): TemplateSource[] | undefined {
  const { files } = project;
  if (schemaFiles.length !== files.schemaYml.length) return undefined;
  const sql = [
    ...files.modelSql,
    ...files.testSql,
    ...[...files.macroSql, { path: BUILTIN_TESTS_FILE, text: BUILTIN_TESTS_SQL }].map((f) => ({
      path: f.path,
      text: testBlocksToMacros(f.text, f.path).text,
    })),
  ].map((f) => ({ file: f.path, text: f.text }));
  const settings = project.settingsFiles.map(settingsTemplates);
  if (!settings.every((t) => t !== undefined)) return undefined;
  return [...sql, ...schemaFiles.flatMap((f) => templatedStrings(f.file, f.content)), ...settings.flat()];
}

/**
 * The vars set with `--vars` or in the project file that nothing reads, each with where it was set and the read var
 * nearest its name. A var is read when a template names it in a literal var('name') call, or when one of the
 * names var() is given can be traced to it (see varReads); when a var name cannot be traced, every var may be read
 * and none is reported.
 */
export function unreadVarProblems(
  project: LoadedProject,
  schemaFiles: readonly ParsedSchemaFile[],
  tests: readonly DataTestNode[],
): UnreadVarError[] {
  const setVars = Object.keys(project.vars);
  if (setVars.length === 0) return [];
  const { files } = project;
  const sqlAndYml = [
    ...files.modelSql,
    ...files.testSql,
    ...files.macroSql,
    ...files.schemaYml,
    ...project.settingsFiles,
  ];
  // Most projects name every var they set literally: then no template needs parsing.
  const literal = new Set(sqlAndYml.flatMap((f) => literalVarCalls(f.text)));
  if (setVars.every((name) => literal.has(name))) return [];
  const templates = projectTemplates(project, schemaFiles);
  if (!templates) return [];
  const testCalls = tests.flatMap((t) => (t.testName ? [{ test: t.testName, args: t.args }] : []));
  const reads = varReads(templates, testCalls);
  if ('untraced' in reads) return [];
  const read = new Set([...literal, ...reads.names]);
  return setVars
    .filter((name) => !read.has(name))
    .map((name) => {
      const setIn = [
        Object.hasOwn(project.cliVars, name) && '--vars',
        Object.hasOwn(project.file.vars, name) && `${project.file.fileName} (vars.${name})`,
      ];
      return new UnreadVarError(
        name,
        setIn.filter((s): s is string => s !== false),
        didYouMean(name, [...read]),
      );
    });
}
