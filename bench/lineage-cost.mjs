// What column lineage costs `compile` (issue 16): a generated project of 1,000 and 10,000 models compiled cold with
// lineage off (no model configured identifier_free: lineage is not computed) and on (every model configured
// identifier_free, so every model's lineage is computed and checked), as whole processes; and DuckDB's parser alone
// on the compiled SQL, per model. Run after `npm run build`: node bench/lineage-cost.mjs [sizes...]
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { measureProcess } from './lib/measure-process.mjs';
import { CLI, REPO, progress, round, tempDir } from './lib/common.mjs';
import { generateProject } from './lib/generate-project.mjs';

const { serializeSqlWithDuckDb } = await import(path.join(REPO, 'dist/adapters/duckdb/duckdb-sql-parser.js'));

async function compileSeconds(project) {
  rmSync(path.join(project, 'target'), { recursive: true, force: true });
  const result = await measureProcess('node', [CLI, 'compile', '--project-dir', project], { sampleMs: 100 });
  return {
    seconds: round(result.seconds),
    cpuSeconds: round(result.cpuSeconds),
    peakRssMb: Math.round(result.peakRssMb),
  };
}

function compiledSql(project) {
  const root = path.join(project, 'target', 'compiled');
  const files = readdirSync(root, { recursive: true }).filter((f) => String(f).endsWith('.sql'));
  return files.map((f) => readFileSync(path.join(root, String(f)), 'utf8'));
}

const sizes = process.argv.slice(2).map(Number);
const rows = [];
const dir = tempDir('lineage');
try {
  for (const models of sizes.length > 0 ? sizes : [1000, 10000]) {
    const project = path.join(dir, `project-${models}`);
    generateProject(project, models);
    const off = await compileSeconds(project);
    const sqls = compiledSql(project);
    const started = performance.now();
    const trees = await serializeSqlWithDuckDb(sqls);
    const parsedAt = performance.now();
    trees.forEach((t) => JSON.parse(t));
    const jsonAt = performance.now();
    appendFileSync(path.join(project, 'stedi_project.yml'), 'models:\n  +privacy: [identifier_free]\n');
    mkdirSync(path.join(project, 'seeds'), { recursive: true });
    writeFileSync(path.join(project, 'seeds', 'identifier_columns.csv'), 'pattern,reason\n%email%,an email\n');
    const on = await compileSeconds(project);
    const row = {
      models,
      compileOff: off,
      compileOn: on,
      parseMsPerModel: round((parsedAt - started) / sqls.length, 3),
      jsonMsPerModel: round((jsonAt - parsedAt) / sqls.length, 3),
    };
    progress(`lineage: ${JSON.stringify(row)}`);
    rows.push(row);
    rmSync(project, { recursive: true, force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
