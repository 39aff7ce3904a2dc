import type { ColumnType } from '../../project/schema-file.js';

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
    default:
      return `case when ${jsonType} in ${NUMBER_TYPES} or ${jsonType} = 'VARCHAR' then try_cast(trim(${extract}) as ${sqlType}) end`;
  }
}

/**
 * DuckDB SQL that reads every line of the landing files under a location and checks it against the declared
 * columns. Lines are numbered as an editor numbers them; CRLF endings and a UTF-8 byte-order mark are tolerated.
 */
export function jsonLinesSql(files: string | readonly string[], columns: readonly Column[], quoteString: Quote, quoteIdentifier: Quote, sqlType: (t: ColumnType) => string): string {
  const perColumn = columns.map((c, i) => {
    const path = quoteString(`$.${JSON.stringify(c.jsonKey)}`);
    return { c, i, jsonType: `case when is_object then json_type(doc, ${path}) end`, extract: `json_extract_string(doc, ${path})` };
  });
  const typed = perColumn.map(({ i, jsonType }) => `${jsonType} as t${i}`).join(',\n    ');
  const values = perColumn
    .map(({ c, i, extract }) => `${valueSql(c, `case when is_object then ${extract} end`, `t${i}`, sqlType(c.type))} as ${quoteIdentifier(c.name)}`)
    .join(',\n    ');
  const problems = perColumn
    .map(({ c, i, extract: bare }) => {
      const extract = `case when is_object then ${bare} end`;
      const value = valueSql(c, extract, `t${i}`, sqlType(c.type));
      return `case when t${i} is not null and t${i} <> 'NULL' and (${value}) is null then ${quoteString(`${c.jsonKey}: `)} || coalesce(left(${extract}, 80), t${i}) || ${quoteString(` is not a ${c.type}`)} end`;
    })
    .join(',\n      ');
  return `with raw_lines as (
  select filename as file, unnest(generate_series(1, len(parts))) as line_number, unnest(parts) as raw_line
  from (select filename, string_split(content, chr(10)) as parts from read_text(${typeof files === 'string' ? quoteString(files) : `[${files.map(quoteString).join(', ')}]::varchar[]`}))
),
lines as (
  select file, line_number, raw_line, regexp_replace(rtrim(raw_line, chr(13)), '^\\x{FEFF}', '') as line
  from raw_lines
  where trim(rtrim(raw_line, chr(13))) <> ''
),
documents as (
  -- try_cast keeps an unreadable line as NULL instead of failing the whole load.
  select *, try_cast(line as JSON) as doc from lines
),
objects as (
  select *, coalesce(json_type(doc) = 'OBJECT', false) as is_object from documents
),
typed as (
  select *,
    ${typed}
  from objects
)
select
    file,
    line_number,
    raw_line,
    nullif(concat_ws('; ',
      case when not is_object then 'not a JSON object (malformed or truncated line)' end,
      ${problems}
    ), '') as reason,
    ${values}
from typed`;
}
