// Renders bench/results.json as tables: the same tables are printed by `npm run bench` and written to BENCHMARKS.md.

const fmt = (x, digits = 2) =>
  x === undefined || x === null
    ? '–'
    : typeof x === 'number'
      ? x.toLocaleString('en-US', { maximumFractionDigits: digits })
      : String(x);
const table = (head, rows) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map((c) => fmt(c)).join(' | ')} |`),
  ].join('\n');
const verdict = (ok) => (ok === undefined ? '' : ok ? 'met' : '**missed**');

function overhead(o) {
  if (!o) return 'not run';
  if (o.failed) return `**failed:** ${o.failed.split('\n')[0]}`;
  if (o.skipped) return `skipped: ${o.skipped}`;
  const parts = [overheadMode(o, o.target)];
  if (o.rerun)
    parts.push(
      '',
      overheadMode(o.rerun, undefined, "no target: the tool's fixed start-up cost against a replay of almost nothing"),
    );
  return parts.join('\n');
}

function overheadMode(o, target, note) {
  return [
    ...(o.mode ? [`**${o.mode}**${target ? ` (target ≤ ${target})` : ''}${note ? ` (${note})` : ''}:`, ''] : []),
    table(
      [
        'pair',
        'stedi-models run (s)',
        'replay through @duckdb/node-api (s)',
        'ratio',
        'CPU s: stedi-models',
        'CPU s: replay',
        'CPU ratio',
      ],
      o.pairs.map((p, i) => [i + 1, p.tool, p.replay, p.ratio, p.toolCpu, p.replayCpu, p.cpuRatio]),
    ),
    '',
    `Median wall: stedi-models ${fmt(o.medianToolSeconds)} s, replay ${fmt(o.medianReplaySeconds)} s, **median ratio ${fmt(o.medianRatio)}**${target ? ` (target ≤ ${target}: ${verdict(o.medianRatio <= target)})` : ''}. ${o.nodes} nodes, ${o.threads} threads on both sides.`,
    o.medianCpuRatio === undefined
      ? ''
      : `Median CPU (user + system, GNU time): stedi-models ${fmt(o.medianToolCpuSeconds)} s, replay ${fmt(o.medianReplayCpuSeconds)} s, ratio ${fmt(o.medianCpuRatio)}.`,
    '',
    `- stedi-models: \`${o.commands.tool}\``,
    `- baseline: \`${o.commands.replay}\``,
  ].join('\n');
}

function scale(s) {
  if (!s) return 'not run';
  if (s.failed) return `**failed:** ${s.failed.split('\n')[0]}`;
  const rows = s.runs.map((r) => [
    r.customers,
    r.landingRows,
    r.landingMb,
    r.generateSeconds,
    r.buildSeconds ?? r.error,
    r.buildCpuSeconds,
    r.rowsPerSecond,
    r.peakRssMb,
    (r.slowestNodes ?? []).map((n) => `${n.name} ${fmt(n.seconds, 1)}s`).join(', '),
  ]);
  return [
    table(
      [
        'customers',
        'landing rows',
        'landing MB',
        'generate-data (s)',
        'build (s)',
        'build CPU (s)',
        'rows/s',
        'peak RSS (MB)',
        'slowest nodes',
      ],
      rows,
    ),
    '',
    s.slopes.length
      ? table(
          [
            'from → to',
            'rows ×',
            'wall time ×',
            'elasticity of wall time (1 = linear)',
            'CPU time ×',
            'elasticity of CPU time',
          ],
          s.slopes.map((x) => [
            `${fmt(x.from)} → ${fmt(x.to)}`,
            x.rowsRatio,
            x.timeRatio,
            x.elasticity,
            x.cpuTimeRatio,
            x.cpuElasticity,
          ]),
        )
      : '',
    '',
    `- generate: \`${s.commands.generate}\``,
    `- build: \`${s.commands.build}\``,
  ].join('\n');
}

function incremental(i) {
  if (!i) return 'not run';
  if (!i.measured)
    return `**${i.pending}.** No model in models/ is \`materialized: incremental\` yet. When one is, this measures it: \`${i.command}\` (adds 1% new landing data at 1,000,000 customers and builds again; target ≤ 0.1 of the full build).`;
  if (i.error) return `incremental models exist, but: ${i.error}`;
  const slow = (r) => r.slowestNodes.map((n) => `${n.name} ${fmt(n.seconds, 1)}s`).join(', ');
  return [
    table(
      ['after 1% new landing data', 'wall (s)', 'CPU (s)', 'slowest nodes'],
      [
        ['`run` (incremental)', i.run.seconds, i.run.cpuSeconds, slow(i.run)],
        ['`run --full-refresh` (same data)', i.fullRun.seconds, i.fullRun.cpuSeconds, slow(i.fullRun)],
        ...(i.fullBuild
          ? [
              [
                '`build --full-refresh` (same data, every data test)',
                i.fullBuild.seconds,
                i.fullBuild.cpuSeconds,
                slow(i.fullBuild),
              ],
            ]
          : []),
        ['`build` (incremental, with every data test)', i.build.seconds, i.build.cpuSeconds, slow(i.build)],
        ...(i.firstBuildSeconds
          ? [['first full `build` (scale section, empty database)', i.firstBuildSeconds, undefined, '']]
          : [['full `build` (scale section)', i.fullBuildSeconds, undefined, '']]),
      ],
    ),
    '',
    `Incremental \`run\`: **${fmt(i.fractionOfFullBuild, 3)} of the full build** (target ≤ ${i.target}: ${verdict(i.fractionOfFullBuild <= i.target)}) and ${fmt(i.fractionOfFullRun, 3)} of a full run on the same data (≤ ${i.target}: ${verdict(i.fractionOfFullRun <= i.target)}); incremental \`build\`: ${fmt(i.buildFractionOfFullBuild, 3)} of the full build.`,
    ...(i.pairs
      ? [
          '',
          `Alternated rounds (incremental run, full run, full build, s): ${i.pairs.map((p) => `${fmt(p.run, 2)}, ${fmt(p.fullRun, 1)}, ${p.fullBuild === undefined ? '–' : fmt(p.fullBuild, 1)}${p.buildRatio === undefined ? '' : ` (${fmt(p.buildRatio, 3)} of the build)`}`).join('; ')}. The table shows the median of each; the fractions are the medians of each round's ratios.`,
        ]
      : []),
    '',
    `- ${i.command}`,
  ].join('\n');
}

function compile(c) {
  if (!c) return 'not run';
  if (c.failed) return `**failed:** ${c.failed.split('\n')[0]}`;
  const rows = c.runs.map((r) => [
    r.models,
    r.dataTests,
    r.compileCold.seconds,
    r.compileWarm.seconds,
    r.compileOneEdited.seconds,
    r.ls.seconds,
    r.lsWarm.seconds,
    Math.max(r.compileCold.peakRssMb, r.ls.peakRssMb),
    `< ${r.targetSeconds} s: ${verdict(r.met)}`,
  ]);
  return [
    table(
      [
        'models',
        'data tests',
        'compile cold (s)',
        'compile again (s)',
        'compile, 1 model edited (s)',
        'ls cold (s)',
        'ls again (s)',
        'peak RSS (MB)',
        'target',
      ],
      rows,
    ),
    '',
    `- project: ${c.commands.generate}`,
    `- \`${c.commands.compile}\`; \`${c.commands.ls}\``,
  ].join('\n');
}

function concurrency(c) {
  if (!c) return 'not run';
  if (c.failed) return `**failed:** ${c.failed.split('\n')[0]}`;
  const rows = c.dags.flatMap((d) =>
    d.rows.map((r) => [
      d.dag,
      d.nodes,
      r.threads,
      r.queries,
      r.wallSeconds,
      r.criticalPathSeconds,
      r.lowerBoundSeconds,
      r.ratio,
    ]),
  );
  return [
    `Engine: ${c.latencyMs} ms per query (a timer; bench/lib/latency-adapter.mjs). Lower bound = max(critical path of engine time, total engine time / threads), from the engine time each node's queries actually took.`,
    '',
    table(
      ['DAG', 'nodes', 'threads', 'queries', 'wall (s)', 'critical path (s)', 'lower bound (s)', 'wall / bound'],
      rows,
    ),
    '',
    `- \`${c.commands.run}\``,
  ].join('\n');
}

function audits(a) {
  if (!a) return 'not run';
  if (a.failed) return `**failed:** ${a.failed.split('\n')[0]}`;
  const rows = a.sets.flatMap((set) =>
    [set.full, set.incremental]
      .filter(Boolean)
      .map((m) => [
        m.label,
        m.pairs.length,
        m.medianAudited,
        m.medianUnaudited,
        m.medianRatio,
        m.medianCpuRatio ?? '–',
      ]),
  );
  return [
    table(['run', 'pairs', 'audited (s)', 'not audited (s)', 'median ratio (wall)', 'median ratio (CPU)'], rows),
    '',
    `Pairs (audited, not audited, s): ${a.sets.flatMap((set) => [set.full, set.incremental].filter(Boolean).map((m) => `${m.label}: ${m.pairs.map((p) => `${fmt(p.audited.seconds, 2)}/${fmt(p.unaudited.seconds, 2)}`).join(', ')}`)).join('; ')}.`,
    '',
    `- ${a.command}`,
  ].join('\n');
}

/** The tables of every section, for the terminal. */
export function renderTables(r) {
  return [
    '## 1. Overhead on the real STEDI data',
    overhead(r.overhead),
    '## 2. Scale',
    scale(r.scale),
    '## 3. Incremental',
    incremental(r.incremental),
    '## 4. Compile speed',
    compile(r.compile),
    '## 5. Concurrency',
    concurrency(r.concurrency),
    '## 6. Audits before publishing',
    audits(r.audits),
  ].join('\n\n');
}

/** BENCHMARKS.md: the machine, the tables, and the findings written by hand in bench/findings.md. */
function plain(p) {
  if (!p) return '_not measured yet: npm run bench -- --only plain_';
  if (p.skipped || p.failed) return `_${p.skipped ?? `failed: ${p.failed}`}_`;
  const rows = p.sets.map(
    (s) =>
      `| ${s.label} | ${s.pairs.length} | ${fmt(s.medianToolSeconds, 2)} | ${fmt(s.medianPlainSeconds, 2)} | **${fmt(s.medianRatio, 2)}** | ${fmt(s.medianCpuRatio, 2)} | ${fmt(s.medianToolPeakMb, 0)} | ${fmt(s.medianPlainPeakMb, 0)} | ${fmt(s.medianMemoryRatio, 2)} |`,
  );
  const pairs = p.sets.map((s) => `${s.label}: ${s.pairs.map((x) => `${x.tool}/${x.plain}`).join(', ')}`);
  return `| data | pairs | stedi-models run (s) | plain script (s) | median ratio (wall) | median ratio (CPU) | peak RSS stedi-models (MB) | peak RSS script (MB) | median ratio (memory) |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Pairs (stedi-models / script, s): ${pairs.join('; ')}.

- stedi-models: \`${p.commands.tool}\`
- plain script: \`${p.commands.plain}\`
- data: ${p.commands.data}`;
}

export function renderMarkdown(r, findings) {
  const m = r.machine;
  return `# Benchmarks

Written by \`npm run bench\` (bench/run.mjs) on ${r.generatedAt}${r.quick ? ' with --quick (small sizes)' : ''}; the same numbers are in
[bench/results.json](bench/results.json). Every time is a whole process measured from outside unless said otherwise,
and every ratio is against a baseline measured in the same run. Sections run this time: ${(r.sectionsRun ?? []).join(', ')}
(${fmt(r.benchSeconds, 0)} s); the others keep their numbers from the previous run.

**Machine:** ${m.cpus} cores (${m.cpuModel}), ${m.memoryGb} GB memory, ${m.platform}; Node ${m.node}; DuckDB ${m.duckdb}
(@duckdb/node-api ${m.duckdbNodeApi}); commit ${m.commit}${m.uncommittedChanges ? ` with ${m.uncommittedChanges} uncommitted changed files (other work in progress)` : ''}.
Load average (1, 5, 15 min) ${m.loadAverageAtStart?.join(', ')} at the start and ${m.loadAverageAtEnd?.join(', ')} at the end: the machine is shared,
so single timings are noisy; medians and same-run ratios are what to compare.

Reproduce: \`npm run bench\` (all sections, under 30 minutes on 2 cores), \`npm run bench -- --only compile\`, \`npm run bench -- --quick\`.

## 0. Against a plain DuckDB script

\`stedi-models run\` into a fresh database against an independent plain script (bench/plain-script.mjs: DuckDB's
\`read_json\` with the declared columns and the eight relations as plain \`create table as\`, written in bench/, not our
compiled statements), both whole processes, alternated pair by pair, medians. The tool also quarantines unreadable
lines, keeps a file ledger and runs its blocking privacy audits; the script does none of that. Target: ≤ 1.3 on the
real data ×20 and at 1,000,000 customers, ≤ 1.6 on the real data; peak memory at 1,000,000 customers ≤ 1.5.

${plain(r.plain)}

## 1. Overhead on the real STEDI data (second figure: against a replay of the tool's own statements)

\`stedi-models run\` on \`../shared/stedi-landing\`, against a minimal script (bench/replay-statements.mjs) that runs the
statements the previous run executed (target/run/**.sql), in the same DAG order and with the same concurrency, through
@duckdb/node-api. Both start from the same database state (a copy), alternate pair by pair (who goes first alternates).

${overhead(r.overhead)}

## 2. Scale

\`generate-data\` at each size, then a full \`build\` (seeds, landing loads, models, unit and data tests) into a fresh database.
Rows = landing rows read (customers + accelerometer + step trainer). Peak RSS = the process tree, sampled from /proc every 200 ms.
Elasticity = log(time ratio) / log(rows ratio) between consecutive sizes: 1 is linear, below 1 better (fixed costs amortised), above 1 super-linear.

${scale(r.scale)}

## 3. Incremental

${incremental(r.incremental)}

## 4. Compile speed

Generated projects in a temp dir. "cold": no target/; "again": the same command right after (a warm re-parse: the parse
cache, target/partial_parse.json, renders only changed files); "1 model edited": one model file changed since the
previous run. The target counts as met only when every column is under it.

${compile(r.compile)}

## 5. Concurrency

\`runNodes\` (src/run/run-nodes.ts) driving \`buildNode\` exactly as \`stedi-models run\` does, on an engine with a fixed latency per query.

${concurrency(r.concurrency)}

## 6. Audits before publishing

What write–audit–publish costs \`run\`: the project as shipped, whose privacy tests are blocking (every trusted and
curated model is audited before it is published), against the same project with \`blocking=true\` taken out of its
tests (nothing audited in \`run\`, as before audits existed), alternated pair by pair from the same saved database. In
\`build\` the audits replace the data tests that ran after each model, so they add no queries there.

${audits(r.audits)}
${findings ? `\n${findings.trim()}\n` : ''}`;
}
