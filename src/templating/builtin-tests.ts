/**
 * The generic tests every project has, as templated SQL that selects failing rows. Written in the SQL that DuckDB
 * and Trino (Athena) share. `column_name` arrives already quoted; other identifiers go through quote_identifier().
 */
export const BUILTIN_TESTS_FILE = '<stedi-models>/builtin-tests.sql';

export const BUILTIN_TESTS_SQL = `
{% test not_null(model, column_name) %}
select {{ column_name }} from {{ model }} where {{ column_name }} is null
{% endtest %}

{% test unique(model, column_name) %}
select {{ column_name }} as unique_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
{% endtest %}

{% test accepted_values(model, column_name, values, quote=true) %}
{%- if not values or values.length == 0 %}{{ exceptions.raise_compiler_error('accepted_values needs a non-empty list: values: [a, b]') }}{% endif -%}
select {{ column_name }} as value_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
  and {{ column_name }} not in ({% for v in values %}{{ sql_string(v) if quote else v }}{{ ', ' if not loop.last }}{% endfor %})
group by {{ column_name }}
{% endtest %}

{% test relationships(model, column_name, to, field) %}
select child.{{ column_name }} as from_field
from {{ model }} as child
where child.{{ column_name }} is not null
  and not exists (
    select 1 from {{ to }} as parent where parent.{{ quote_identifier(field) }} = child.{{ column_name }}
  )
{% endtest %}

{% test unique_combination_of_columns(model, combination_of_columns) %}
{%- set columns = [] %}{% for c in combination_of_columns %}{% set _ = columns.push(quote_identifier(c)) %}{% endfor -%}
select {{ columns | join(', ') }}, count(*) as n_records
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{% test expression_is_true(model, expression, column_name=none) %}
select * from {{ model }} where not ({{ (column_name ~ ' ') if column_name }}{{ expression }})
{% endtest %}

{% test row_count(model, equals=none, min=none, max=none) %}
{%- if equals is none and min is none and max is none %}{{ exceptions.raise_compiler_error('row_count needs equals: N, or min: and/or max:') }}{% endif -%}
select row_count from (select count(*) as row_count from {{ model }}) as counted
where {% if equals is not none %}row_count <> {{ equals }}{% else %}{{ ('row_count < ' ~ min) if min is not none else 'false' }} or {{ ('row_count > ' ~ max) if max is not none else 'false' }}{% endif %}
{% endtest %}
`;
