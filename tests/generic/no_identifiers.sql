{#- Fails for every column named like a direct identifier (seed identifier_columns) and for every string value
    that equals an email, phone or name of customer_landing. -#}
{% test no_identifiers(model) %}
{#- Blocking: it audits a model's new rows before they are published, in run as well as in build. -#}
{{ config(blocking=true) }}
{#- The column names are those of the rows being checked (the engine describes them), not the catalog's: an audit
    reads rows that are not in the catalog under the model's name yet. -#}
{%- set names = [] %}{% for column in columns_of(model) %}{% set _ = names.push('(' ~ sql_string(column.name) ~ ')') %}{% endfor %}
select 'column' as finding, c.column_name as detail
from (values {{ names | join(', ') if names | length else '(cast(null as varchar))' }}) as c(column_name)
inner join {{ ref('identifier_columns') }} as i
    on lower(c.column_name) like i.pattern
{%- for column in columns_of(model) %}
{%- set type = column.type | lower %}
{%- if type == 'string' or type.indexOf('char') >= 0 %}
union all
select 'value in ' || {{ sql_string(column.name) }} as finding, cast(m.{{ quote_identifier(column.name) }} as varchar) as detail
from {{ model }} as m
where m.{{ quote_identifier(column.name) }} in (
    select email from {{ source('landing', 'customer_landing') }} where email is not null
    union select phone from {{ source('landing', 'customer_landing') }} where phone is not null
    union select customername from {{ source('landing', 'customer_landing') }} where customername is not null
)
{%- endif %}
{%- endfor %}
{% endtest %}
