import { ConfigFileError } from '../project/config-file-error.js';

/** A declared test names no generic test, or gives it arguments it does not take. */
export class TestDeclarationError extends ConfigFileError {}
