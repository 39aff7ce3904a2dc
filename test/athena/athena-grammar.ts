import { HiveSQL, TrinoSQL } from 'dt-sql-parser';

const hive = new HiveSQL();
const trino = new TrinoSQL();

// The statements Athena sends to its Hive DDL parser; everything else goes to Trino.
const HIVE_DDL =
  /^(create\s+external\s+table|alter\s+table|drop\s+table|(create|drop)\s+(database|schema)|msck|show|describe)\b/i;

// VACUUM and OPTIMIZE are Athena's own statements: neither Hive's nor Trino's grammar has them (dt-sql-parser rejects
// both), Athena's Trino parser rejected them before engine version 3 ("mismatched input 'VACUUM'", PyAthena#382), and
// their table names follow quoting rules of their own (backticks, never double quotes: Athena's VACUUM page). What is
// checked is the synopsis Athena documents for each.
const MAINTENANCE = /^(vacuum|optimize)\b/i;
const MAINTENANCE_TABLE = '[a-z0-9][a-z0-9_]*\\.(?:[a-z0-9_]+|`[^`]+`)';
const MAINTENANCE_SYNOPSES = [
  new RegExp(`^vacuum ${MAINTENANCE_TABLE}$`, 'i'),
  new RegExp(`^optimize ${MAINTENANCE_TABLE} rewrite data using bin_pack$`, 'i'),
];

/** Which of Athena's parsers reads a statement: Hive's for DDL, Athena's own for table maintenance, Trino's for the rest. */
export function athenaGrammar(sql: string): 'hive' | 'maintenance' | 'trino' {
  const body = sql.replace(/^(\s*--[^\n]*\n)*\s*/, '');
  if (MAINTENANCE.test(body)) return 'maintenance';
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
  if (grammar === 'maintenance') {
    // dbt-athena found that a comment before VACUUM makes Athena read it as a query (dbt-athena#54, #704).
    if (!MAINTENANCE.test(sql))
      return ['Athena recognises VACUUM and OPTIMIZE only at the very start of the statement'];
    return MAINTENANCE_SYNOPSES.some((synopsis) => synopsis.test(sql.trim().replace(/\s+/g, ' ')))
      ? []
      : ['not the synopsis Athena documents: VACUUM [db.]table, or OPTIMIZE [db.]table REWRITE DATA USING BIN_PACK'];
  }
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
