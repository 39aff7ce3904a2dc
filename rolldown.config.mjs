// Bundles the compiled CLI (dist/cli/main.js, from tsc) into dist/bundle/, which bin/stedi-models.js runs.
// Why: Node resolves, reads and (for CommonJS packages) lexes every module one by one at start-up; the CLI and its
// packages are hundreds of modules, which cost more than a small project's work. One file per command (the dynamic imports
// in main.ts become chunks) keeps what a command does not use unloaded.
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: { 'stedi-models': 'dist/cli/main.js' },
  platform: 'node',
  // DuckDB loads a native addon next to its package; the AWS SDK is large and loaded only for an Athena target.
  external: [/^@duckdb\//, /^@aws-sdk\//],
  output: {
    dir: 'dist/bundle',
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: '[name]-[hash].js',
    sourcemap: true,
    // Chunk names carry a content hash: without this, every rebuild would leave the old chunks beside the new.
    cleanDir: true,
    // Error classes name themselves after their class (`new.target.name`): keep those names if bundling renames one.
    keepNames: true,
  },
});
