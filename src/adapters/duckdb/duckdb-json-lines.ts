import type { ColumnType } from '../../core/column-type.js';

type Column = { name: string; type: ColumnType; jsonKey: string };
type Quote = (text: string) => string;

const NUMBER_TYPES = "('UBIGINT', 'BIGINT', 'DOUBLE')";

// What a JSON value may be to be read as each declared type. A number where a string belongs (a phone written as a
// number) and digits in a string where a number belongs (a timestamp as "1655564376361") are tolerated; anything else
// that is present and not null makes the line a reject, with the reason.
function valueSql(column: Column, extract: string, jsonType: string, sqlType: string): string {
  switch (column.type) {
    case 'string':
      return `case when ${jsonType} in ('VARCHAR', 'UBIGINT', 'BIGINT', 'DOUBLE', 'BOOLEAN') then ${extract} end`;
    case 'boolean':
      return `case when ${jsonType} in ('BOOLEAN', 'VARCHAR') then try_cast(${extract} as BOOLEAN) end`;
    case 'bigint':
    case 'int':
      // A cast would round a fraction (a consent date of 0.6 would become 1, a consent); only whole numbers are
      // read: integers, digit strings, and integral doubles small enough to be exact (|x| <= 2^53).
      return `case when ${jsonType} in ('UBIGINT', 'BIGINT') then try_cast(${extract} as ${sqlType})
        when ${jsonType} = 'DOUBLE' and try_cast(${extract} as DOUBLE) = trunc(try_cast(${extract} as DOUBLE)) and abs(try_cast(${extract} as DOUBLE)) <= 9007199254740992 then try_cast(try_cast(${extract} as DOUBLE) as ${sqlType})
        when ${jsonType} = 'VARCHAR' and regexp_full_match(trim(${extract}), '[+-]?[0-9]+') then try_cast(trim(${extract}) as ${sqlType}) end`;
    default:
      return `case when ${jsonType} in ${NUMBER_TYPES} or ${jsonType} = 'VARCHAR' then try_cast(trim(${extract}) as ${sqlType}) end`;
  }
}

/**
 * Declared keys that make a line ambiguous. Athena's JSON SerDe matches keys without regard to case, where DuckDB's
 * paths are exact: a key twice (or twice but for case) has no one right value, and a key in another case would be
 * read on Athena but missed here. Both are rejects rather than a silent guess or NULL. `lower_keys` are the line's
 * keys in lower case; `t<i>` is NULL where the exact key is absent. (Cheap per-key checks: set operations on every
 * line's key list doubled the cost of a load.)
 */
function keyProblems(columns: readonly Column[], quoteString: Quote): string {
  return columns
    .map((c, i) => {
      const key = quoteString(c.jsonKey.toLowerCase());
      const twice = `list_position(lower_keys, ${key}) <> len(lower_keys) + 1 - list_position(list_reverse(lower_keys), ${key})`;
      return `case when ${twice} then ${quoteString(`${c.jsonKey}: the key appears more than once (letter case aside)`)}
        when t${i} is null and list_contains(lower_keys, ${key}) then ${quoteString(`${c.jsonKey}: the key is written in another letter case`)} end`;
    })
    .join(',\n      ');
}

/**
 * DuckDB SQL that reads every line of the landing files under a location (with `onlyFiles`, a query of file names:
 * of those files only) and checks it against the declared columns. Lines are numbered as an editor numbers them; CRLF endings and a UTF-8 byte-order mark are tolerated.
 */
export function jsonLinesSql(
  files: string | readonly string[],
  columns: readonly Column[],
  quoteString: Quote,
  quoteIdentifier: Quote,
  sqlType: (t: ColumnType) => string,
  onlyFiles?: string,
): string {
  // One list of paths: DuckDB then parses each line once for all columns, not twice per column.
  const paths = `[${columns.map((c) => quoteString(`$.${JSON.stringify(c.jsonKey)}`)).join(', ')}]`;
  const fields = columns.map((_, i) => `types[${i + 1}] as t${i}, texts[${i + 1}] as e${i}`).join(',\n    ');
  const values = columns
    .map((c, i) => `${valueSql(c, `e${i}`, `t${i}`, sqlType(c.type))} as ${quoteIdentifier(c.name)}`)
    .join(',\n    ');
  const problems = columns
    .map(
      (c, i) =>
        `case when t${i} is not null and t${i} <> 'NULL' and (${valueSql(c, `e${i}`, `t${i}`, sqlType(c.type))}) is null then ${quoteString(`${c.jsonKey}: `)} || coalesce(left(e${i}, 80), t${i}) || ${quoteString(` is not a ${c.type}`)} end`,
    )
    .join(',\n      ');
  return `with raw_lines as (
  select filename as file, unnest(generate_series(1, len(parts))) as line_number, unnest(parts) as raw_line
  from (select filename, string_split(content, chr(10)) as parts from read_text(${typeof files === 'string' ? quoteString(files) : `[${files.map(quoteString).join(', ')}]::varchar[]`})${
    // The filter sits under string_split, so files the fast read vouched for are never split into lines.
    onlyFiles ? `\n    where filename in (${onlyFiles})` : ''
  })
),
lines as (
  select file, line_number, raw_line, regexp_replace(rtrim(raw_line, chr(13)), '^\\x{FEFF}', '') as line
  from raw_lines
  -- Blank lines hold nothing to load or reject: spaces, tabs and a CR alone (the test's line count agrees).
  where trim(raw_line, ' ' || chr(9) || chr(13)) <> ''
),
documents as (
  -- try_cast keeps an unreadable line as NULL instead of failing the whole load.
  select *, try_cast(line as JSON) as doc from lines
),
objects as (
  select *, coalesce(json_type(doc) = 'OBJECT', false) as is_object from documents
),
parsed as (
  select *,
    case when is_object then json_keys(lower(doc)) end as lower_keys,
    case when is_object then json_type(doc, ${paths}) end as types,
    case when is_object then json_extract_string(doc, ${paths}) end as texts
  from objects
),
typed as (
  select *,
    ${fields}
  from parsed
)
select
    file,
    line_number,
    raw_line,
    nullif(concat_ws('; ',
      case when not is_object then 'not a JSON object (malformed or truncated line)' end,
      ${keyProblems(columns, quoteString)},
      ${problems}
    ), '') as reason,
    ${values}
from typed`;
}

// The fast read declares each column's type to DuckDB's JSON reader, which converts what it can without saying so
// (1.5 into a BIGINT becomes 2, an array becomes NULL, "7" becomes 7). The whole-file tests below let it through
// only values it converts exactly as the line-by-line check would: the JSON kind each type may start with, and for
// whole numbers no fraction, no exponent and fewer digits than can overflow.
const FAST_TYPES: Partial<Record<ColumnType, { sql: string; badValue: string }>> = {
  string: { sql: 'VARCHAR', badValue: '[^"n\\s]' },
  bigint: { sql: 'BIGINT', badValue: '[^-0-9n\\s]|-?[0-9]+[.eE]|-?[0-9]{19}' },
  int: { sql: 'INTEGER', badValue: '[^-0-9n\\s]|-?[0-9]+[.eE]|-?[0-9]{10}' },
  double: { sql: 'DOUBLE', badValue: '[^-0-9n\\s]|[eE][-+]?[0-9]{3}' },
  boolean: { sql: 'BOOLEAN', badValue: '[^tfn\\s]' },
};

/** A key in every letter case but its own: `"(?:User|uSer|...)"` without the exact spelling (RE2 has no lookahead). */
function otherCases(key: string): string[] {
  const anyCase = (ch: string) => (/[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : ch);
  return [...key].flatMap((ch, i) =>
    /[a-z]/i.test(ch)
      ? [
          key.slice(0, i) +
            (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) +
            [...key.slice(i + 1)].map(anyCase).join(''),
        ]
      : [],
  );
}

/**
 * One RE2 pattern that matches somewhere in a file whenever a line of it might be read differently by DuckDB's JSON
 * reader than by the line-by-line check (a false alarm only costs speed): a declared key in another letter case or
 * twice on one line, and a value of a kind its declared type must not read.
 */
export function suspiciousLinePattern(columns: readonly Column[]): string {
  const keys = columns.map((c) => c.jsonKey);
  const variants = keys.flatMap(otherCases);
  return [
    ...(variants.length ? [`"(?:${variants.join('|')})"`] : []),
    ...keys.map((k) => `"${k}"[^\\n]*"${k}"`),
    ...columns.map((c) => `"${c.jsonKey}"\\s*:\\s*(?:${FAST_TYPES[c.type]!.badValue})`),
  ].join('|');
}

// Found by plain substring search (memchr-fast, where a pattern starting with a quote is not): a `\u` escape (a key
// could be spelled with one), a byte-order mark (DuckDB's reader skips it only sometimes), the two characters
// whose lower case is an ASCII letter (KELVIN SIGN, dotted capital I), so a key spelled with them is a case variant
// to the line-by-line check, and form feed and vertical tab, which the reader skips as whitespace around an object
// (`{...}\f` loads) where the line-by-line JSON cast rejects the line.
const SUSPICIOUS_TEXT = ['\\u', '\uFEFF', '\u212A', '\u0130', '\f', '\v'];

/**
 * A fast read of landing files with DuckDB's own JSON reader, and the whole-file tests that say which files it read
 * exactly as `jsonLinesSql` would, line for line (undefined when the columns cannot be read this way: a type the
 * tests do not cover, a key with characters other than letters, digits and `_`, or two keys equal but for case).
 * `rows`: `__stedi_file_number` (0-based position in `files`) and the declared columns, one row per non-blank line, a line
 * the reader cannot parse giving a row of NULLs (`ignore_errors`). `fileChecks`: per file `file_number`, `file`,
 * `clean` (no suspicious text or line) and `lines` (every line, blank or not, but the empty one after a final newline).
 * A file is read whole when it is clean, its rows equal its lines (so it has no blank line, which the reader skips,
 * and no line the reader split or merged) and none of its rows is all NULL (an unparseable line); every other file
 * is for the line-by-line check.
 */
export function jsonLinesFastSql(
  files: readonly string[],
  columns: readonly Column[],
  quoteString: Quote,
  quoteIdentifier: Quote,
): { rows: string; fileChecks: string } | undefined {
  const lowerKeys = new Set(columns.map((c) => c.jsonKey.toLowerCase()));
  if (
    files.length === 0 ||
    lowerKeys.size !== columns.length ||
    // A glob character would make the reader expand the path, and file_index would no longer be its position.
    files.some((f) => /[*?[\]{}]/.test(f)) ||
    columns.some((c) => !FAST_TYPES[c.type] || !/^[A-Za-z0-9_]+$/.test(c.jsonKey))
  )
    return undefined;
  const list = `[${files.map(quoteString).join(', ')}]::varchar[]`;
  const declared = columns.map((c) => `${quoteString(c.jsonKey)}: '${FAST_TYPES[c.type]!.sql}'`).join(', ');
  const selected = columns.map((c) => `${quoteIdentifier(c.jsonKey)} as ${quoteIdentifier(c.name)}`).join(', ');
  return {
    rows: `select file_index as __stedi_file_number, ${selected}
from read_json(${list}, format = 'newline_delimited', columns = {${declared}}, ignore_errors = true)`,
    fileChecks: `select list_position(${list}, filename) - 1 as file_number, filename as file,
  not (${SUSPICIOUS_TEXT.map((t) => `contains(content, ${quoteString(t)})`).join(' or ')}
    or regexp_matches(content, ${quoteString(suspiciousLinePattern(columns))})) as clean,
  len(string_split(content, chr(10))) - suffix(content, chr(10))::int as lines
from read_text(${list})`,
  };
}
