import { ProjectError, throwIfAny } from '../errors.js';
import type { ProjectGraph } from '../compile/compile-project.js';
import type { ColumnRef } from '../core/column-lineage.js';
import { identifierPatterns, identifierStatusOf, IDENTIFIER_SEED } from './identifier-columns.js';
import { computeLineage, type ProjectLineage } from './project-lineage.js';

/** A model configured `privacy: [identifier_free]` has a column that carries an identifier, or cannot be traced. */
export class IdentifierColumnError extends ProjectError {}

/** `relation.column ← relation.column ← …`, by the names people use. */
export function pathText(context: ProjectGraph, path: readonly ColumnRef[]): string {
  return path.map((r) => `${context.graph.nodes.get(r.node)?.name ?? r.node}.${r.column}`).join(' ← ');
}

/**
 * Checks every model of the project configured `privacy: [identifier_free]` from its column lineage, whatever is
 * selected, before anything is sent to an engine; throws every problem at once (exit 2). Computes lineage only when
 * the project has such a model, so projects without one pay nothing. Returns the lineage it computed, or undefined.
 * `builtWhole`: the target's SQL of models rendered with is_incremental() false, reused where the engine allows.
 */
export async function checkIdentifierFree(
  context: ProjectGraph,
  builtWhole?: ReadonlyMap<string, string>,
): Promise<ProjectLineage | undefined> {
  const guarded = [...context.graph.nodes.values()].filter(
    (n) => n.kind === 'model' && n.config.privacy.includes('identifier_free'),
  );
  if (guarded.length === 0) return undefined;
  const patterns = identifierPatterns(context.graph);
  if (!patterns) {
    throw new IdentifierColumnError(
      `${guarded[0]!.filePath}: model ${guarded[0]!.name} is configured privacy: [identifier_free], but the project has no seed ${IDENTIFIER_SEED} (columns pattern,reason) saying which source columns are identifiers. Add seeds/${IDENTIFIER_SEED}.csv.`,
    );
  }
  const lineage = await computeLineage(
    context,
    guarded.map((n) => n.uniqueId),
    builtWhole,
  );
  const statusOf = identifierStatusOf(lineage, patterns);
  const problems: ProjectError[] = [];
  for (const node of guarded) {
    const model = lineage.models.get(node.uniqueId)!;
    const where = `${node.filePath}: model ${node.name} is configured privacy: [identifier_free]`;
    if (model.unknownColumns) {
      problems.push(
        new IdentifierColumnError(
          `${where}, but its columns cannot be traced (${model.unknownColumns}), so none can be shown free of identifiers. Name its columns instead of selecting *, or declare the columns of the relation it reads.`,
        ),
      );
      continue;
    }
    for (const column of model.columns) {
      const status = statusOf({ node: node.uniqueId, column: column.name });
      if (status.kind === 'identifier') {
        const root = status.path.at(-1)!;
        const rootName = pathText(context, [root]);
        problems.push(
          new IdentifierColumnError(
            `${where}, but its column ${column.name} carries an identifier: ${pathText(context, status.path)} (${rootName} matches '${status.pattern.pattern}' in seed ${IDENTIFIER_SEED}: ${status.pattern.reason}). Pass the value through pseudonym(...), drop the column, or remove identifier_free from the model's privacy config.`,
          ),
        );
      } else if (status.kind === 'unknown') {
        problems.push(
          new IdentifierColumnError(
            `${where}, but its column ${column.name} cannot be traced (${pathText(context, status.path)}: ${status.reason}), so it cannot be shown free of identifiers. Write it from named columns of refs, sources or seeds.`,
          ),
        );
      }
    }
  }
  throwIfAny(problems);
  return lineage;
}
