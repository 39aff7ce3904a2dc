// Errors of generate-data a user can fix. The option and directory problems are ProjectErrors: they are
// found before anything is written, and the CLI maps ProjectError to its "bad input" exit code.
import { ProjectError, StediError } from '../errors.js';

/** An option of generate-data has a value it cannot use. */
export class InvalidGenerateOptionError extends ProjectError {
  constructor(option: string, value: unknown, expected: string) {
    super(`generate-data: ${option} must be ${expected}, got ${String(value)}. Pass ${option} with such a value.`);
  }
}

/** The output path exists but is a file, so landing folders cannot be created in it. */
export class OutputPathNotADirectoryError extends ProjectError {
  constructor(outDir: string) {
    super(`generate-data: ${outDir} is a file, not a directory. Pass --out a directory path (it may not exist yet).`);
  }
}

/** The output directory already holds landing files, which a new run would silently mix with or replace. */
export class OutputDirectoryNotEmptyError extends ProjectError {
  constructor(outDir: string, existingFiles: readonly string[]) {
    const example = existingFiles.slice(0, 3).join(', ');
    const more = existingFiles.length > 3 ? ` and ${existingFiles.length - 3} more` : '';
    super(
      `generate-data: ${outDir} already holds ${existingFiles.length} landing file(s) (${example}${more}). ` +
        'Choose an empty --out directory, or pass --overwrite (overwrite: true) to replace them.',
    );
  }
}

/** Writing the generated files failed part-way; nothing was moved into the output directory. */
export class LandingDataWriteError extends StediError {
  constructor(outDir: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `generate-data: could not write landing data for ${outDir}: ${reason}. ` +
        'Nothing was moved into place; check free space and permissions beside that directory, then run again.',
      { cause },
    );
  }
}
