import { HiveSQL, TrinoSQL } from 'dt-sql-parser';

const hive = new HiveSQL();
const trino = new TrinoSQL();

// The statements Athena sends to its Hive DDL parser; everything else goes to Trino.
const HIVE_DDL = /^(create\s+external\s+table|alter\s+table|drop\s+table|(create|drop)\s+(database|schema)|msck|show|describe)\b/i;

/** Which of Athena's two parsers reads a statement. */
export function athenaGrammar(sql: string): 'hive' | 'trino' {
  const body = sql.replace(/^(\s*--[^\n]*\n)*\s*/, '');
  return HIVE_DDL.test(body) ? 'hive' : 'trino';
}

// Quoted identifiers outside string literals and comments: `x` (Hive) and "x" (Trino).
function quotedIdentifiers(sql: string): { backticks: number; doubleQuotes: number } {
  const code = sql.replace(/--[^\n]*/g, '').replace(/'(?:[^']|'')*'/g, "''");
  return { backticks: (code.match(/`[^`]*`/g) ?? []).length, doubleQuotes: (code.match(/"[^"]*"/g) ?? []).length };
}

/** Problems Athena would have parsing a statement, by the grammar it uses for it; empty when it parses. */
export function athenaSyntaxProblems(sql: string): string[] {
  const grammar = athenaGrammar(sql);
  const quotes = quotedIdentifiers(sql);
  if (grammar === 'hive') {
    const problems = hive.validate(sql).map((e) => `Hive: line ${e.startLine}:${e.startColumn}: ${e.message}`);
    if (quotes.doubleQuotes > 0) problems.push('Hive DDL quotes identifiers in backticks, not double quotes');
    return problems;
  }
  const problems = trino.validate(sql).map((e) => `Trino: line ${e.startLine}:${e.startColumn}: ${e.message}`);
  // Trino's lexer knows backquoted identifiers only to reject them later, so the grammar alone accepts them.
  if (quotes.backticks > 0) problems.push('Trino does not accept backquoted identifiers; use double quotes');
  return problems;
}

/** The statements of a target/run file: `-- purpose` then the SQL, separated by lines holding only `;`. */
export function statementsOfRunFile(text: string): string[] {
  return text
    .split(/^;$/m)
    .map((chunk) => chunk.replace(/^\s*--[^\n]*\n/, '').trim())
    .filter((sql) => sql.length > 0);
}
