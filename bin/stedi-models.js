#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script), bundled into a few
// files under dist/bundle/ so that start-up does not resolve and read hundreds of modules.
import { runCli } from '../dist/bundle/stedi-models.js';

// `stedi-models ls | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2));
