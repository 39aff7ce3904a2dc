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
 * DuckDB SQL that reads every line of the landing files under a location and checks it against the declared
 * columns. Lines are numbered as an editor numbers them; CRLF endings and a UTF-8 byte-order mark are tolerated.
 */
export function jsonLinesSql(
  files: string | readonly string[],
  columns: readonly Column[],
  quoteString: Quote,
  quoteIdentifier: Quote,
  sqlType: (t: ColumnType) => string,
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
  from (select filename, string_split(content, chr(10)) as parts from read_text(${typeof files === 'string' ? quoteString(files) : `[${files.map(quoteString).join(', ')}]::varchar[]`}))
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
