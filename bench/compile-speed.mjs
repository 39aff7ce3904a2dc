// Section 4: `compile` and `ls` on generated projects of 1,000 and 10,000 models, as whole processes: a cold run
// (no target/), a warm run (target/ from the previous run, nothing changed) and a run after one model was edited;
// `ls` cold (target/ removed) and warm.
import path from 'node:path';
import { measureProcess } from './lib/measure-process.mjs';
import { CLI, progress, round, tempDir } from './lib/common.mjs';
import { generateProject, touchModel } from './lib/generate-project.mjs';
import { rmSync } from 'node:fs';

const TARGETS = { 1000: 1, 10000: 5 };

async function timeCommand(project, command) {
  const result = await measureProcess('node', [CLI, command, '--project-dir', project], { sampleMs: 100 });
  return {
    seconds: round(result.seconds),
    cpuSeconds: round(result.cpuSeconds),
    peakRssMb: Math.round(result.peakRssMb),
  };
}

/** Times compile and ls per project size; returns the numbers with the targets. */
export async function benchCompileSpeed({ sizes = [1000, 10000] } = {}) {
  const dir = tempDir('compile');
  const runs = [];
  try {
    for (const models of sizes) {
      const project = path.join(dir, `project-${models}`);
      generateProject(project, models);
      progress(`compile: ${models} models (${models} models, ${Math.ceil(models / 10) + models} data tests)`);
      const row = { models, dataTests: models + Math.ceil(models / 10), targetSeconds: TARGETS[models] };
      row.compileCold = await timeCommand(project, 'compile');
      row.compileWarm = await timeCommand(project, 'compile');
      touchModel(project, Math.floor(models / 2));
      row.compileOneEdited = await timeCommand(project, 'compile');
      rmSync(path.join(project, 'target'), { recursive: true, force: true });
      row.ls = await timeCommand(project, 'ls');
      row.lsWarm = await timeCommand(project, 'ls');
      const worst = Math.max(
        row.compileCold.seconds,
        row.compileWarm.seconds,
        row.compileOneEdited.seconds,
        row.ls.seconds,
        row.lsWarm.seconds,
      );
      row.met = row.targetSeconds === undefined ? undefined : worst < row.targetSeconds;
      progress(
        `compile: ${models} models: compile ${row.compileCold.seconds}s cold / ${row.compileWarm.seconds}s warm / ${row.compileOneEdited.seconds}s one edited, ls ${row.ls.seconds}s`,
      );
      runs.push(row);
      rmSync(project, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    runs,
    commands: {
      generate:
        'bench/lib/generate-project.mjs: 20 chains, fan-in of 3 on every 10th model, 3 macros (one dispatched per engine) in every model, not_null on every model and unique on every 10th',
      compile: 'node bin/stedi-models.js compile --project-dir <generated project>',
      ls: 'node bin/stedi-models.js ls --project-dir <generated project>',
    },
  };
}
