import type { ProjectFileText } from '../core/project-file-text.js';
import { ProjectError } from '../errors.js';

/** A `{% docs name %}...{% enddocs %}` block of a project's .md files: text that descriptions include with doc(). */
export interface DocBlock {
  name: string;
  /** The .md file it is written in, relative to the project. */
  file: string;
  /** The block's text, trimmed, as written (Markdown): dbt does not render templates inside a docs block either. */
  text: string;
}

/** Two docs blocks share a name, or a block is not closed. */
export class DocBlockError extends ProjectError {}

const BLOCK = /\{%-?\s*docs\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;
const OPENING = /\{%-?\s*docs\b/g;

/** Reads the docs blocks of .md files; a duplicate name or an unclosed block is a problem naming the files. */
export function readDocBlocks(files: readonly ProjectFileText[]): {
  docs: Map<string, DocBlock>;
  problems: ProjectError[];
} {
  const docs = new Map<string, DocBlock>();
  const problems: ProjectError[] = [];
  for (const file of files) {
    if (!file.text.includes('docs')) continue;
    let closed = 0;
    for (const match of file.text.matchAll(BLOCK)) {
      closed++;
      const [, name, text] = match as unknown as [string, string, string];
      const line = file.text.slice(0, match.index).split('\n').length;
      const other = docs.get(name);
      if (other) {
        problems.push(
          new DocBlockError(
            `${file.path}:${line}: a docs block named '${name}' is also in ${other.file}; doc() names must be unique, rename one.`,
          ),
        );
        continue;
      }
      docs.set(name, { name, file: file.path, text: text.trim() });
    }
    const opened = [...file.text.matchAll(OPENING)].length;
    if (opened > closed)
      problems.push(
        new DocBlockError(
          `${file.path}: ${opened - closed} {% docs name %} block${opened - closed === 1 ? ' is' : 's are'} not closed: end each with {% enddocs %}.`,
        ),
      );
  }
  return { docs, problems };
}
