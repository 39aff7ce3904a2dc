{#- A keyed pseudonym of an identifier: sha256 of a secret salt and the value, as lowercase hex. The same value
    gives the same pseudonym on every engine, so grouping works across DuckDB and Athena results.
    The comment before it marks the output for column lineage (src/lineage): a column computed from an identifier
    only through this expression is not an identifier. The parser drops comments but keeps each expression's
    offset, so the mark names exactly the call it precedes; the call must start right after it. -#}
{% macro pseudonym(expression) -%}
/* stedi:pseudonym */ {{ pseudonym_hash(sql_string(env_var('STEDI_SECRET_PSEUDONYM_SALT') ~ ':') ~ ' || ' ~ expression) }}
{%- endmacro %}

{% macro duckdb__pseudonym_hash(text_expression) -%}
sha256({{ text_expression }})
{%- endmacro %}

{% macro athena__pseudonym_hash(text_expression) -%}
lower(to_hex(sha256(to_utf8({{ text_expression }}))))
{%- endmacro %}
