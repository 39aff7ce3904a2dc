import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, readTargetJson } from '../helpers/stedi-project.js';
import { fixtureProject } from '../helpers/fixture-project.js';

const SCHEMA = `version: 2
models:
  - name: customers
    description: '{{ doc("customers") }}'
    columns:
      - name: id
        description: "{{ doc('customer_id') }}"
      - name: plain
        description: Written here.
`;

const DOCS = `# Customers

{% docs customers %}
One row per **customer** who agreed to share their data.
{% enddocs %}

{%- docs customer_id -%}
The customer's number.
{%- enddocs -%}
`;

function project(schema = SCHEMA, docs: Record<string, string> = { 'models/docs/customers.md': DOCS }): string {
  return fixtureProject({
    'models/customers.sql': 'select 1 as id, 2 as plain',
    'models/_schema.yml': schema,
    ...docs,
  });
}

describe('docs blocks and doc()', () => {
  it('puts a docs block into the descriptions that call doc(), in the manifest and the docs site', async () => {
    const dir = project();
    const compiled = await cli(['compile'], { cwd: dir });
    expect(compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);
    const manifest = readTargetJson(dir, 'manifest.json');
    const node = manifest.nodes['model.fixture.customers'];
    expect(node.description).toBe('One row per **customer** who agreed to share their data.');
    expect(node.columns.id.description).toBe("The customer's number.");
    expect(manifest.docs['doc.fixture.customer_id']).toMatchObject({
      name: 'customer_id',
      original_file_path: 'models/docs/customers.md',
      block_contents: "The customer's number.",
    });
    expect((await cli(['run'], { cwd: dir })).code).toBe(0);
    const docs = await cli(['docs', 'generate'], { cwd: dir });
    expect(docs.code).toBe(0);
    const site = readFileSync(path.join(dir, 'target/docs/index.html'), 'utf8');
    expect(site).toContain('One row per **customer** who agreed to share their data.');
    expect(site).toContain('The customer');
  });

  it('stops naming the yml file, the key and the doc when doc() names no block', async () => {
    const dir = project(SCHEMA.replace("doc('customer_id')", "doc('customer_ids')"));
    const run = await cli(['compile'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('models/_schema.yml (models.customers.columns.id.description)');
    expect(run.stderr).toContain("doc('customer_ids') names no docs block");
    expect(run.stderr).toContain('docs blocks: customer_id, customers');
  });

  it('refuses two docs blocks of one name, and a block that is not closed', async () => {
    const dir = project(SCHEMA, {
      'models/docs/customers.md': DOCS,
      'models/more.md': '{% docs customers %}again{% enddocs %}\n{% docs open %}never closed',
    });
    const run = await cli(['compile'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "models/more.md:1: a docs block named 'customers' is also in models/docs/customers.md; doc() names must be unique",
    );
    expect(run.stderr).toContain('models/more.md: 1 {% docs name %} block is not closed');
  });
});
