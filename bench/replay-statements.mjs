#!/usr/bin/env node
// The engine's floor: replays the statements a `stedi-models run` executed (target/run/**.sql) through
// @duckdb/node-api and nothing else. Nodes run in the same DAG order and with the same concurrency as the tool:
// a node starts when its dependencies are done, each on its own connection.
//
//   node bench/replay-statements.mjs <database file> <plan.json>
//
// plan.json: { threads, schemas: "<file>", nodes: [{ id, file, deps: [id...] }] } (written by bench/overhead.mjs).
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [databasePath, planPath] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planPath, 'utf8'));

/** The statements of a target/run file: separated by lines holding only `;`. */
const statementsOf = (file) =>
  readFileSync(file, 'utf8')
    .split(/\n;\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && s !== ';');

const instance = await DuckDBInstance.create(databasePath, plan.settings ?? {});
const runFile = async (file) => {
  const connection = await instance.connect();
  try {
    for (const sql of statementsOf(file)) await connection.run(sql);
  } finally {
    connection.closeSync();
  }
};

await runFile(plan.schemas);
const done = new Map();
const slots = { free: plan.threads, waiting: [] };
const acquire = () => (slots.free > 0 ? (slots.free--, Promise.resolve()) : new Promise((r) => slots.waiting.push(r)));
const release = () => (slots.waiting.length > 0 ? slots.waiting.shift()() : slots.free++);
const start = (node) => {
  if (!done.has(node.id)) {
    done.set(
      node.id,
      (async () => {
        await Promise.all(node.deps.map((d) => start(plan.nodes.find((n) => n.id === d))));
        await acquire();
        try {
          await runFile(node.file);
        } finally {
          release();
        }
      })(),
    );
  }
  return done.get(node.id);
};
await Promise.all(plan.nodes.map(start));
instance.closeSync();
