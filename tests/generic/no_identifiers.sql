{#- Fails for every column named like a direct identifier (seed identifier_columns) and for every string value
    that equals an email, phone or name of customer_landing. -#}
{% test no_identifiers(model) %}
{#- Blocking: it audits a model's new rows before they are published, in run as well as in build. -#}
{{ config(blocking=true) }}
select 'column' as finding, c.column_name as detail
from information_schema.columns as c
inner join {{ ref('identifier_columns') }} as i
    on lower(c.column_name) like i.pattern
where c.table_schema = {{ sql_string(model.schema) }}
  and c.table_name = {{ sql_string(model.identifier) }}
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
