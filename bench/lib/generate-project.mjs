// Writes a synthetic stedi-models project of n models for the compile and concurrency benchmarks: 20 chains
// of models with fan-in every 10th model, macros called from every model, and a data test on every model.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { duckDbProfiles } from './common.mjs';

const MODELS_PER_FOLDER = 100;
const CHAINS = 20;

/** The names of the models a model refs: the previous model of its chain, and two earlier models on fan-in. */
export function parentsOf(i) {
  if (i < CHAINS) return [];
  const parents = [i - CHAINS];
  if (i % 10 === 0) parents.push(i - CHAINS - 7, Math.floor((i - CHAINS) / 3));
  return [...new Set(parents.filter((p) => p >= 0 && p < i))];
}

const modelName = (i) => `m${String(i).padStart(5, '0')}`;

const MACROS = `{#- Macros every generated model calls, so rendering exercises macro lookups. -#}
{% macro safe_add(a, b) -%}
coalesce({{ a }}, 0) + coalesce({{ b }}, 0)
{%- endmacro %}

{% macro label(prefix, n) -%}
{{ sql_string(prefix ~ '_' ~ n) }}
{%- endmacro %}

{% macro duckdb__bucket(col) -%}
({{ col }} % 16)
{%- endmacro %}

{% macro default__bucket(col) -%}
mod({{ col }}, 16)
{%- endmacro %}
`;

function modelSql(i) {
  const parents = parentsOf(i);
  const config = `{{ config(materialized='${i % 2 ? 'view' : 'table'}', tags=['generated', 'chain_${i % CHAINS}']) }}`;
  if (parents.length === 0) {
    return `${config}\nselect ${i} as id, {{ label('root', ${i}) }} as name, {{ bucket('${i}') }} as bucket\n`;
  }
  const [first, ...rest] = parents;
  const joins = rest.map((p, k) => `left join {{ ref('${modelName(p)}') }} as j${k} on j${k}.id = p.id`).join('\n');
  const extra = rest.map((_, k) => `, {{ safe_add('p.id', 'j${k}.id') }} as sum_${k}`).join('');
  return `${config}
-- Model ${i} of a generated chain.
{% set cols = ['id', 'name', 'bucket'] %}
select
  {{ safe_add('p.id', 1) }} as id,
  {{ label('m', ${i}) }} as name,
  {{ bucket('p.id') }} as bucket${extra}
from {{ ref('${modelName(first)}') }} as p
${joins}
{% if var('bench_limit', none) is not none %}limit {{ var('bench_limit') }}{% endif %}
`;
}

function schemaYml(from, to) {
  const lines = ['version: 2', '', 'models:'];
  for (let i = from; i < to; i++) {
    lines.push(
      `  - name: ${modelName(i)}`,
      `    description: Generated model ${i}.`,
      '    columns:',
      '      - name: id',
      '        tests:',
      '          - not_null',
    );
    if (i % 10 === 0) lines.push('          - unique');
  }
  return `${lines.join('\n')}\n`;
}

/** Writes a project of `models` models into dir; returns the model names by index. */
export function generateProject(dir, models) {
  mkdirSync(path.join(dir, 'macros'), { recursive: true });
  writeFileSync(
    path.join(dir, 'stedi_project.yml'),
    `name: bench\nversion: 1.0.0\nprofile: stedi\nmodel-paths: [models]\nmacro-paths: [macros]\ntarget-path: target\n`,
  );
  writeFileSync(path.join(dir, 'profiles.yml'), duckDbProfiles({ dbPath: path.join(dir, 'bench.duckdb') }));
  writeFileSync(path.join(dir, 'macros', 'bench_macros.sql'), MACROS);
  for (let from = 0; from < models; from += MODELS_PER_FOLDER) {
    const folder = path.join(dir, 'models', `g${String(from / MODELS_PER_FOLDER).padStart(3, '0')}`);
    mkdirSync(folder, { recursive: true });
    const to = Math.min(models, from + MODELS_PER_FOLDER);
    for (let i = from; i < to; i++) writeFileSync(path.join(folder, `${modelName(i)}.sql`), modelSql(i));
    writeFileSync(path.join(folder, '_schema.yml'), schemaYml(from, to));
  }
  return Array.from({ length: models }, (_, i) => modelName(i));
}

/** Appends a comment to one model, as an edit between two invocations. */
export function touchModel(dir, i) {
  const file = path.join(
    dir,
    'models',
    `g${String(Math.floor(i / MODELS_PER_FOLDER)).padStart(3, '0')}`,
    `${modelName(i)}.sql`,
  );
  writeFileSync(file, `${modelSql(i)}-- edited ${Date.now()}\n`);
}
