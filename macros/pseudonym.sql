{#- A keyed pseudonym of an identifier: sha256 of a secret salt and the value, as lowercase hex. The same value
    gives the same pseudonym on every engine, so grouping works across DuckDB and Athena results. -#}
{% macro pseudonym(expression) -%}
{{ pseudonym_hash(sql_string(env_var('STEDI_SECRET_PSEUDONYM_SALT') ~ ':') ~ ' || ' ~ expression) }}
{%- endmacro %}

{% macro duckdb__pseudonym_hash(text_expression) -%}
sha256({{ text_expression }})
{%- endmacro %}

{% macro athena__pseudonym_hash(text_expression) -%}
lower(to_hex(sha256(to_utf8({{ text_expression }}))))
{%- endmacro %}
