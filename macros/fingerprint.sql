{#- A number that summarises a row's values, for comparing groups of rows by count and sum of fingerprints. Kept
    below 2^31 so that sums over millions of rows stay inside a bigint on every engine. -#}
{% macro duckdb__row_fingerprint(columns) -%}
(hash({{ columns | join(', ') }}) % 2147483647)
{%- endmacro %}

{% macro athena__row_fingerprint(columns) -%}
{%- set texts = [] %}{% for c in columns %}{% set _ = texts.push("coalesce(cast(" ~ c ~ " as varchar), '\\N')") %}{% endfor -%}
abs(from_big_endian_64(xxhash64(to_utf8(concat_ws('|', {{ texts | join(', ') }})))) % 2147483647)
{%- endmacro %}
