// `npm ci` bundles the CLI through prepare: the rolldown CLI listed every chunk it wrote (about 45 lines on every
// install); its API writes the same bundle and reports only warnings and errors. An argument bundles elsewhere
// (the test that holds the install quiet writes to a temporary folder, not over dist/).
import { build } from 'rolldown';
import config from './rolldown.config.mjs';

const [dir] = process.argv.slice(2);
await build(dir ? { ...config, output: { ...config.output, dir } } : config);
