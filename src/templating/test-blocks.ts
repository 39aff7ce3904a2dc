/** The signature of a generic test, read from its `{% test name(args) %}` line. */
export interface TestSignature {
  name: string;
  /** Parameter names besides `model` and `column_name`, which every generic test receives from its declaration. */
  params: string[];
  /** Parameters without a default value, which a declaration must give. */
  required: string[];
  file: string;
}

const TEST_OPEN = /\{%(-?)\s*test\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)\s*(-?)%\}/g;
const TEST_CLOSE = /\{%(-?)\s*endtest\s*(-?)%\}/g;

/**
 * Rewrites dbt-style `{% test name(...) %}...{% endtest %}` blocks into nunjucks macros named `test_<name>`, on the
 * same lines, so error line numbers still point into the user's file. Returns the signatures found.
 */
export function testBlocksToMacros(text: string, file: string): { text: string; tests: TestSignature[] } {
  const tests: TestSignature[] = [];
  const rewritten = text
    .replace(TEST_OPEN, (_all, lead: string, name: string, params: string, trail: string) => {
      const declared = params
        .split(',')
        .map((p) => ({ name: p.split('=')[0]!.trim(), optional: p.includes('=') }))
        .filter((p) => p.name !== '' && p.name !== 'model' && p.name !== 'column_name');
      tests.push({
        name,
        params: declared.map((p) => p.name),
        required: declared.filter((p) => !p.optional).map((p) => p.name),
        file,
      });
      return `{%${lead} macro test_${name}(${params}) ${trail}%}`;
    })
    .replace(TEST_CLOSE, (_all, lead: string, trail: string) => `{%${lead} endmacro ${trail}%}`);
  return { text: rewritten, tests };
}
