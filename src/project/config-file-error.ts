import { ProjectError } from '../errors.js';

/** A value in a file the user writes (project file, schema yml, profiles.yml) is invalid; names file, line and key path. */
export class ConfigFileError extends ProjectError {
  constructor(
    readonly file: string,
    readonly keyPath: string,
    readonly problem: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ${keyPath ? `${keyPath}: ` : ''}${problem}`);
  }
}
