import { describe, expect, it } from 'vitest';
import { SITE_CSS } from '../../src/docs/assets/site-css.js';
import { SITE_SCRIPT } from '../../src/docs/assets/site-script.js';
import { breakable, escapeHtml, html, scriptJson } from '../../src/docs/html.js';
import { CONTENT_SECURITY_POLICY, renderSite, searchIndex } from '../../src/docs/render-site.js';
import { buildSiteData } from '../../src/docs/site-data.js';
import { STEDI_SHAPE, docsInput, runResults } from './site-fixtures.js';

const HOSTILE = '</script><script>alert("x")</script><img src=x onerror=alert(1)>';
const hostileSite = () =>
  buildSiteData(
    docsInput(
      [
        {
          id: 'model.stedi.evil',
          zone: 'trusted',
          description: HOSTILE,
          columns: [{ name: 'c', description: HOSTILE, data_type: HOSTILE }],
          extra: { raw_code: `select '${HOSTILE}'`, compiled_code: `select '${HOSTILE}'`, tags: [HOSTILE] },
        },
      ],
      { runResults: runResults([{ id: 'model.stedi.evil', status: 'error', message: HOSTILE }]) },
    ),
  );

describe('escaping', () => {
  it('lets long identifiers wrap after _ / and . without changing their text', () => {
    expect(breakable('a_b/c.sql').text).toBe('a_<wbr>b/<wbr>c.<wbr>sql');
    expect(breakable('<x_y>').text).toBe('&lt;x_<wbr>y&gt;');
  });

  it('escapes every interpolated value unless it is already safe markup', () => {
    expect(html`<p title="${'"q"'}">${'<b>'}${html`<i>ok</i>`}</p>`.text).toBe(
      '<p title="&quot;q&quot;">&lt;b&gt;<i>ok</i></p>',
    );
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('keeps JSON in a script element from closing it', () => {
    const text = scriptJson({ d: HOSTILE, s: '\u2028' }).text;
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual({ d: HOSTILE, s: '\u2028' });
  });

  it('renders a description holding <script> as text everywhere on the page', () => {
    const page = renderSite(hostileSite());
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    // Exactly our two script elements: the data block and the site script.
    expect(page.match(/<script/g)).toHaveLength(2);
  });
});

describe('the rendered site', () => {
  const site = buildSiteData(docsInput(STEDI_SHAPE));
  const page = renderSite(site);

  it('needs no network: no external script, stylesheet, font or image', () => {
    expect(page).not.toMatch(/<script[^>]+src=/);
    expect(page).not.toMatch(/<link[^>]+href=/);
    expect(page).not.toMatch(/url\((?!#)|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(page).toContain(`content="${CONTENT_SECURITY_POLICY.replace(/'/g, '&#39;')}"`);
    expect(CONTENT_SECURITY_POLICY).toMatch(
      /^default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+';/,
    );
  });

  it('has a lineage graph with a link per relation and a path per edge', () => {
    expect(page.match(/<a class="node /g)).toHaveLength(8);
    expect(page.match(/<path class="edge/g)).toHaveLength(11);
    expect(page).toContain('href="#node/model.stedi.machine_learning_curated"');
  });

  it("says on a model's page which vars and target built it, and on no page of a model that reads none", () => {
    const input = docsInput([
      { id: 'model.stedi.customer_trusted', zone: 'trusted', extra: { vars_used: ['consent_cutoff'] } },
      { id: 'model.stedi.plain', zone: 'trusted', extra: { vars_used: [] } },
    ]);
    input.manifest.metadata.vars = { consent_cutoff: 'as_of', ml_pairing: 'timestamp' };
    const site = renderSite(buildSiteData(input));
    const pageOf = (id: string) => {
      const from = site.slice(site.indexOf(`id="page-${id}"`));
      return from.slice(0, from.indexOf('</section>'));
    };
    expect(pageOf('model.stedi.customer_trusted')).toMatch(
      /<dt>Built with<\/dt><dd class="vars">target \S+ \(\w+\) · <code>consent_cutoff: &quot;as_of&quot;<\/code>/,
    );
    expect(pageOf('model.stedi.plain')).not.toContain('Built with');
  });

  it('puts an identifier badge on a relation with a column named like a direct identifier', () => {
    const input = docsInput([
      { id: 'model.stedi.people', zone: 'trusted', columns: [{ name: 'Email' }, { name: 'x' }] },
      { id: 'model.stedi.readings', zone: 'trusted', columns: [{ name: 'x' }] },
    ]);
    input.extras.identifierPatterns = [{ pattern: '%email%', reason: 'an email address identifies a person' }];
    const site = buildSiteData(input);
    expect(site.nodes.map((n) => [n.name, n.identifiers.map((i) => i.column)])).toEqual([
      ['people', ['Email']],
      ['readings', []],
    ]);
    expect(renderSite(site)).toContain('Direct identifiers: Email</span>');
  });

  it("says what each test checks in a sentence: built-in ones in words, generic ones by their file's comment", () => {
    const input = docsInput([
      { id: 'model.stedi.people', zone: 'trusted', columns: [{ name: 'email' }] },
      {
        id: 'test.stedi.not_null_people_email',
        kind: 'data_test',
        extra: { test_name: 'not_null', attached_node: 'model.stedi.people', column_name: 'email' },
      },
      {
        id: 'test.stedi.consented_people_email',
        kind: 'data_test',
        extra: {
          test_name: 'consented',
          attached_node: 'model.stedi.people',
          column_name: 'email',
          test_args: { key: 'email' },
        },
      },
    ]);
    input.extras.testDescriptions = { consented: 'Every row belongs to a consenting customer.' };
    const sentences = Object.fromEntries(buildSiteData(input).tests.map((t) => [t.name, t.sentence]));
    expect(sentences).toEqual({
      not_null_people_email: 'No row has a null email.',
      consented_people_email: 'Every row belongs to a consenting customer. (column email; key: email)',
    });
  });

  it('explains the dashed edge of the lineage in a legend', () => {
    expect(page).toContain('A dashed edge: a relation reads one of a later zone');
  });

  it('has a page per relation with its privacy badges', () => {
    expect(page.match(/<section class="page node-page"/g)).toHaveLength(8);
    const ml = page.slice(page.indexOf('id="page-model.stedi.machine_learning_curated"'));
    expect(ml.slice(0, ml.indexOf('</section>'))).toMatch(/Consent-filtered[\s\S]*Identifier-free/);
  });

  it('shows an empty state on the tests page until tests are declared', () => {
    expect(page).toContain('No data tests are declared yet');
    expect(page).toContain('No unit tests yet');
    expect(page).toContain('Tests (0 data, 0 unit)');
  });

  it('indexes relations and columns for search', () => {
    const index = searchIndex(
      buildSiteData(
        docsInput([
          { id: 'model.stedi.m', zone: 'curated', columns: [{ name: 'sensorreadingtime', description: 'ms' }] },
        ]),
      ),
    );
    expect(index).toEqual([
      { kind: 'model', name: 'm', nodeId: 'model.stedi.m', nodeName: 'm', text: 'About m.' },
      { kind: 'column', name: 'sensorreadingtime', nodeId: 'model.stedi.m', nodeName: 'm', text: 'ms' },
    ]);
  });

  it('inlines a script that parses and a stylesheet, neither able to close its element', () => {
    expect(() => new Function(SITE_SCRIPT)).not.toThrow();
    expect(SITE_SCRIPT).not.toMatch(/<\/script/i);
    expect(SITE_CSS).not.toMatch(/<\/style/i);
    expect(SITE_SCRIPT).not.toContain('innerHTML');
  });
});

describe('tests on the site', () => {
  const ML = 'model.stedi.machine_learning_curated';
  const ACC = 'model.stedi.accelerometer_trusted';
  const site = buildSiteData(
    docsInput(
      [
        ...STEDI_SHAPE,
        {
          id: 'test.stedi.ml_cross_customer_pairs',
          kind: 'data_test',
          parents: [ACC, ML],
          extra: { original_file_path: 'tests/ml_cross_customer_pairs.sql' },
        },
        {
          id: 'test.stedi.relationships_accelerometer_trusted_user',
          kind: 'data_test',
          parents: [ACC, 'model.stedi.customer_trusted'],
          extra: {
            test_name: 'relationships',
            attached_node: ACC,
            column_name: 'user',
            test_args: { to: "{{ ref('customer_trusted') }}", field: 'email' },
          },
        },
        {
          id: 'unit_test.stedi.machine_learning_curated.pairs_at_one_instant',
          kind: 'unit_test',
          parents: [ML],
          extra: { attached_node: ML, description: 'Pairs readings of one instant.' },
        },
      ],
      {
        runResults: runResults([
          {
            id: 'test.stedi.ml_cross_customer_pairs',
            status: 'warn',
            failures: 2700,
            message: 'ml_cross_customer_pairs: 2700 failing rows (warning).',
          },
          { id: 'unit_test.stedi.machine_learning_curated.pairs_at_one_instant', status: 'pass', failures: 0 },
        ]),
      },
    ),
  );
  const page = renderSite(site);
  const section = (id: string) => {
    const start = page.indexOf(`id="page-${id}"`);
    // <wbr> only marks where a long name may wrap; the text is what is checked.
    return page.slice(start, page.indexOf('</section>', start)).replace(/<wbr>/g, '');
  };

  it('lists unit tests on the tests page, in their own table with their model and last status', () => {
    const tests = section('tests');
    expect(tests).toContain('<h2>Tests</h2>');
    const unit = tests.slice(tests.indexOf('<table class="tests unit-tests">'));
    expect(unit).toMatch(
      /<tr data-unit-test="pairs_at_one_instant">[\s\S]*machine_learning_curated<\/a>[\s\S]*Pairs readings of one instant\.[\s\S]*status-pass/,
    );
    expect(page).toContain('Tests (2 data, 1 unit)');
  });

  it('writes failing rows with thousands separators and a warning in the warn colour', () => {
    const row = section('tests').match(/<tr data-test="ml_cross_customer_pairs">[\s\S]*?<\/tr>/)![0];
    expect(row).toContain('<td class="num">2,700</td>');
    expect(row).toContain('<div class="message message-warn">');
  });

  it('shows declarations with relation names, not the templates that resolve them', () => {
    const tests = section('tests');
    expect(tests).toContain('relationships: { to: customer_trusted, field: email }');
    expect(tests).not.toContain('{{');
  });

  it("lists on a relation's page every test that reads it, singular tests and unit tests included", () => {
    const ml = section(ML);
    expect(ml).toMatch(
      /<tr data-test="ml_cross_customer_pairs">[\s\S]*also reads[\s\S]*accelerometer_trusted[\s\S]*status-warn[\s\S]*2,700/,
    );
    expect(ml).toContain('<tr data-unit-test="pairs_at_one_instant">');
    const customerTrusted = section('model.stedi.customer_trusted');
    expect(customerTrusted).toMatch(/<tr data-test="relationships_accelerometer_trusted_user">[\s\S]*declared on/);
  });
});
