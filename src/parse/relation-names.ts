import { ProjectError } from '../errors.js';
import { newRenderScope, type TemplateEngine } from '../templating/template-engine.js';

/** What dbt gives generate_schema_name and generate_alias_name as `node`: the parts a naming rule reads. */
export interface NamedNode {
  name: string;
  resource_type: 'model' | 'seed';
  unique_id: string;
  original_file_path: string;
  fqn: string[];
  tags: string[];
  config: { schema?: string; alias?: string; materialized?: string; tags: string[] };
}

/** The `node` of a model or seed in `folder` (relative to its model or seed path). */
export function namedNode(
  project: string,
  resourceType: NamedNode['resource_type'],
  name: string,
  file: string,
  folder: string,
  config: NamedNode['config'],
): NamedNode {
  return {
    name,
    resource_type: resourceType,
    unique_id: `${resourceType}.${project}.${name}`,
    original_file_path: file,
    fqn: [project, ...folder.split('/').filter(Boolean), name],
    tags: config.tags,
    config,
  };
}

/** A project's generate_schema_name or generate_alias_name macro failed or named no relation. */
export class RelationNameError extends ProjectError {}

/**
 * Where a model or seed goes, as dbt decides: `generate_schema_name(custom_schema_name, node)` and
 * `generate_alias_name(custom_alias_name, node)` when the project defines them, else dbt's defaults: the target's
 * schema, or `<target schema>_<custom schema>` for a `schema` config; the `alias` config, else the name. The macros
 * run only in projects that define them, so the others parse as fast as before.
 */
export function relationNames(
  templates: TemplateEngine,
  targetSchema: string,
  node: NamedNode,
  problems: ProjectError[],
  macrosUsed: Set<string>,
): { schema: string; identifier: string } {
  const { schema: custom, alias } = node.config;
  const schema = custom === undefined ? targetSchema : `${targetSchema}_${custom.trim()}`;
  return {
    schema:
      fromMacro(templates, 'generate_schema_name', 'custom_schema_name', custom, node, problems, macrosUsed) ?? schema,
    identifier:
      fromMacro(templates, 'generate_alias_name', 'custom_alias_name', alias, node, problems, macrosUsed) ??
      alias ??
      node.name,
  };
}

function fromMacro(
  templates: TemplateEngine,
  macro: string,
  argument: string,
  custom: string | undefined,
  node: NamedNode,
  problems: ProjectError[],
  macrosUsed: Set<string>,
): string | undefined {
  if (!templates.macroNames.includes(macro)) return undefined;
  macrosUsed.add(macro);
  const scope = newRenderScope('parse', node.original_file_path);
  const value = templates.callMacro(macro, { [argument]: custom ?? null, node }, scope);
  problems.push(...scope.problems);
  if (scope.problems.length > 0) return undefined;
  const name = String(value ?? '').trim();
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  problems.push(
    new RelationNameError(
      `${node.original_file_path}: ${macro}() gave ${JSON.stringify(name)} for ${node.resource_type} ${node.name}; it must give a plain identifier (letters, digits, _). Check the macro in macros/.`,
    ),
  );
  return undefined;
}
