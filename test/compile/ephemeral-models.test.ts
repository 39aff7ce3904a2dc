import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withCtes } from '../../src/compile/ephemeral-models.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { queryDatabase } from '../helpers/query-database.js';
import { cli, copyStediProject, readTargetJson } from '../helpers/stedi-project.js';

const EPHEMERAL = "{{ config(materialized='ephemeral') }}\n";
const PROJECT = {
  'seeds/people.csv': 'id,email,age\n1,a@x.test,30\n2,b@x.test,40\n3,c@x.test,50\n',
  'models/people_e.sql': `${EPHEMERAL}select id, email, age from {{ ref('people') }}`,
  'models/adults_e.sql': `${EPHEMERAL}select * from {{ ref('people_e') }} where cast(age as integer) >= 40`,
  'models/report.sql': `{{ config(materialized='table') }}
-- Adults, with everyone counted beside them.
with everyone as (select count(*) as n from {{ ref('people_e') }})
select a.email as contact, e.n from {{ ref('adults_e') }} as a cross join everyone as e`,
};

describe('ephemeral models', () => {
  it('are inlined as __dbt__cte__ CTEs, parents first, into the queries that read them, and never built', async () => {
    const dir = fixtureProject(PROJECT);
    const compiled = await cli(['compile'], { cwd: dir });
    expect(compiled.stderr).toBe('');
    const sql = readFileSync(path.join(dir, 'target/compiled/models/report.sql'), 'utf8');
    expect(sql).toMatch(/^-- Adults[^\n]*\nwith __dbt__cte__people_e as \(\n/);
    expect(sql.indexOf('__dbt__cte__people_e as (')).toBeLessThan(sql.indexOf('__dbt__cte__adults_e as ('));
    expect(sql).toContain('),\neveryone as (select count(*) as n from __dbt__cte__people_e)');
    expect(sql.match(/__dbt__cte__people_e as \(/g)).toHaveLength(1);

    const run = await cli(['build'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/people_e|adults_e/);
    const database = path.join(dir, 'target/fixture.duckdb');
    expect(await queryDatabase(database, 'select contact, n from analytics.report order by contact')).toEqual([
      { contact: 'b@x.test', n: 3 },
      { contact: 'c@x.test', n: 3 },
    ]);
    const tables = await queryDatabase(
      database,
      "select table_name from information_schema.tables where table_name in ('people_e', 'adults_e')",
    );
    expect(tables).toEqual([]);
  });

  it("answers an ephemeral model's run_query() and reports its log(), as a model's", async () => {
    const dir = fixtureProject({
      'seeds/people.csv': PROJECT['seeds/people.csv'],
      // As dbt projects write it: run_query() only when executing (while parsing there is no answer).
      'models/oldest_e.sql': `${EPHEMERAL}{% if execute %}{% set oldest = run_query('select max(cast(age as integer)) as oldest from ' ~ ref('people')).rows[0][0] %}{% else %}{% set oldest = 0 %}{% endif %}{{ log('oldest: ' ~ oldest, info=True) }}
select {{ oldest }} as oldest`,
      'models/oldest.sql': "{{ config(materialized='table') }}\nselect oldest from {{ ref('oldest_e') }}",
    });
    expect((await cli(['seed'], { cwd: dir })).code).toBe(0);
    const run = await cli(['run'], { cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('oldest: 50');
    expect(readFileSync(path.join(dir, 'target/compiled/models/oldest.sql'), 'utf8')).toContain('select 50 as oldest');
    const database = path.join(dir, 'target/fixture.duckdb');
    expect(await queryDatabase(database, 'select oldest from analytics.oldest')).toEqual([{ oldest: 50 }]);
  });

  it('keeps column lineage through the CTE: the column comes from the seed the ephemeral model reads', async () => {
    const dir = fixtureProject(PROJECT);
    const lineage = await cli(['lineage', 'report.contact'], { cwd: dir });
    expect(lineage.stderr).toBe('');
    expect(lineage.stdout).toContain('path: report.contact ← people.email');
    expect(lineage.stdout).toContain('filtered or joined by (not derived from): people.age');
  });

  it('refuses a test on an ephemeral model, naming the test, the model and the fix', async () => {
    const dir = fixtureProject({
      ...PROJECT,
      'models/_schema.yml':
        'models:\n  - name: adults_e\n    columns:\n      - name: email\n        tests: [not_null]\n',
    });
    const run = await cli(['build'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'models/_schema.yml: test not_null_adults_e_email reads adults_e, an ephemeral model (models/adults_e.sql), which is never built, so there is nothing to test. Test the models that read it, or make it a view (materialized: view).',
    );
  });

  it("puts CTEs into a query's own WITH (after leading comments), or a new one", () => {
    const ctes = [{ name: '__dbt__cte__a', sql: 'select 1 as x' }];
    expect(withCtes('select * from __dbt__cte__a', ctes)).toBe(
      'with __dbt__cte__a as (\nselect 1 as x\n)\nselect * from __dbt__cte__a',
    );
    expect(withCtes('/* c */\n-- d\nWITH b as (select 2) select * from b', ctes)).toBe(
      '/* c */\n-- d\nWITH __dbt__cte__a as (\nselect 1 as x\n),\nb as (select 2) select * from b',
    );
    expect(withCtes('with recursive r as (select 1) select * from r', ctes)).toBe(
      'with recursive __dbt__cte__a as (\nselect 1 as x\n),\nr as (select 1) select * from r',
    );
  });
});

describe('an ephemeral model cannot carry unconsented rows into trusted', () => {
  it('the published model is audited: rows an ephemeral model lets through keep customer_trusted unpublished', async () => {
    const project = copyStediProject();
    writeFileSync(
      path.join(project, 'models/trusted/customer_everyone.sql'),
      `${EPHEMERAL}select * from {{ source('landing', 'customer_landing') }}
where sharewithresearchasofdate is null and email not like '%@x.test'
order by email
limit 2`,
    );
    appendFileSync(
      path.join(project, 'models/trusted/customer_trusted.sql'),
      `
union all
select customername, email, phone, birthday, serialnumber, registrationdate, lastupdatedate, sharewithresearchasofdate,
       sharewithpublicasofdate, sharewithfriendsasofdate
from {{ ref('customer_everyone') }}
`,
    );
    const run = await cli(['run'], { cwd: project });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const results = readTargetJson(project, 'run_results.json').results as Array<{
      name: string;
      status: string;
      message: string;
    }>;
    const trusted = results.find((r) => r.name === 'customer_trusted')!;
    expect(trusted.status).toBe('error');
    expect(trusted.message).toContain(
      'was not published: test consented_customer_trusted_email found 2 failing rows in its new rows',
    );
    expect(results.find((r) => r.name === 'customer_everyone')).toBeUndefined();
    const compiled = readFileSync(path.join(project, 'target/compiled/models/trusted/customer_trusted.sql'), 'utf8');
    expect(compiled).toContain('__dbt__cte__customer_everyone as (');
    const database = path.join(project, 'target/lakehouse.duckdb');
    expect(existsSync(database)).toBe(true);
    expect(
      await queryDatabase(
        database,
        "select table_name from information_schema.tables where table_name = 'customer_trusted'",
      ),
    ).toEqual([]);
  });
});
