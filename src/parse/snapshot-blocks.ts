import { z } from 'zod';
import type { ProjectFileText } from '../core/project-file-text.js';
import { ConfigFileError } from '../project/config-file-error.js';
import { plainIssue } from '../project/plain-issue.js';

/** One `{% snapshot name %}...{% endsnapshot %}` block of a snapshots/ file. */
export interface SnapshotBlock {
  name: string;
  /** The block's body as a file to render (its own path when the file holds several blocks). */
  body: ProjectFileText;
  file: string;
}

const BLOCK = /\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*endsnapshot\s*-?%\}/g;

/** The snapshot blocks of the project's snapshot files, in file order. */
export function snapshotBlocks(files: readonly ProjectFileText[]): SnapshotBlock[] {
  return files.flatMap((file) => {
    const found = [...file.text.matchAll(BLOCK)];
    return found.map((m) => ({
      name: m[1]!,
      file: file.path,
      body: { path: found.length === 1 ? file.path : `${file.path} (snapshot ${m[1]})`, text: m[2]! },
    }));
  });
}

const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier (letters, digits, _)');
const columns = z.union([name, z.array(name).min(1)]).transform((c) => [c].flat());

/** dbt's snapshot configs this tool takes (set with config() in the block). */
export const snapshotConfigSchema = z
  .object({
    strategy: z.enum(['timestamp', 'check']),
    unique_key: columns,
    updated_at: name.optional(),
    check_cols: z.union([z.literal('all'), columns]).optional(),
    target_schema: name.optional(),
    schema: name.optional(),
    alias: name.optional(),
    invalidate_hard_deletes: z.boolean().default(false),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.strategy === 'timestamp' && !c.updated_at)
      ctx.addIssue({ code: 'custom', path: ['updated_at'], message: 'strategy timestamp needs updated_at: <column>' });
    if (c.strategy === 'check' && !c.check_cols)
      ctx.addIssue({
        code: 'custom',
        path: ['check_cols'],
        message: "strategy check needs check_cols: [columns] or 'all'",
      });
  });

export type SnapshotConfig = z.output<typeof snapshotConfigSchema>;

/** The config of a snapshot from its config() calls (later keys win), or the problems with it, each with its key. */
export function snapshotConfig(block: SnapshotBlock, written: ReadonlyArray<Record<string, unknown>>): SnapshotConfig {
  const parsed = snapshotConfigSchema.safeParse(Object.assign({}, ...written), { error: plainIssue });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ConfigFileError(block.file, `snapshot ${block.name} config(${issue.path.join('.')})`, issue.message);
}
