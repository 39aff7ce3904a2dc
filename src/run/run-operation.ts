import { openAdapter } from '../adapters/engines.js';
import { compileScope, renderWithQueries, type ProjectGraph } from '../compile/compile-project.js';
import { ProjectError, throwIfAny } from '../errors.js';
import { didYouMean } from '../core/did-you-mean.js';
import { parseOptionMapping } from '../project/load-project.js';

/** `run-operation` named a macro the project does not define. */
export class RunOperationError extends ProjectError {}

/** Parses `--args`, a YAML or JSON mapping of the macro's keyword arguments. */
export function parseOperationArgs(text: string | undefined): Record<string, unknown> {
  return parseOptionMapping(text, '--args', "the macro's argument names to values", "'{days: 7}'");
}

/**
 * Calls a project macro with a live connection, as dbt's run-operation: `execute` is true and run_query() sends its
 * SQL to the target. Returns the macro's value (what it return()ed, else its text).
 */
export async function runOperation(
  context: ProjectGraph,
  macro: string,
  args: Record<string, unknown>,
): Promise<unknown> {
  const { templates } = context;
  const names = templates.macroNames.filter((n) => !n.startsWith('test_'));
  if (!names.includes(macro))
    throw new RunOperationError(
      `run-operation: no macro named '${macro}' in ${context.project.file.macroPaths.join(', ')}.${didYouMean(macro, names)}`,
    );
  const adapter = await openAdapter(context.project.target, context.project.dir);
  let value: unknown;
  try {
    const scope = await renderWithQueries(
      (queryResults) => {
        const s = compileScope(context, `run-operation ${macro}`, undefined, { queryResults });
        value = templates.callMacro(macro, args, s);
        return s;
      },
      (sql) => adapter.query(sql),
    );
    throwIfAny(scope.problems);
    templates.emitMessages(scope);
  } finally {
    await adapter.close();
  }
  return value;
}
