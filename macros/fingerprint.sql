{#- A number that summarises a row's values, for comparing groups of rows by count and sum of fingerprints. Kept
    below 2^31 so that sums over millions of rows stay inside a bigint on every engine. -#}
{% macro duckdb__row_fingerprint(columns) -%}
(hash({{ columns | join(', ') }}) % 2147483647)
{%- endmacro %}

{#- Athena has no hash of several values: the values are joined into one text, each as its length, a colon and its
    text, and a null as a dash. Length-prefixed, the text has one reading: with a separator, ('a|b', 'c') and
    ('a', 'b|c') joined alike, and a placeholder for null equalled the same text as a value. -#}
{% macro athena__row_fingerprint(columns) -%}
{%- set texts = [] %}{% for c in columns %}{% set _ = texts.push("coalesce(cast(length(cast(" ~ c ~ " as varchar)) as varchar) || ':' || cast(" ~ c ~ " as varchar), '-')") %}{% endfor -%}
abs(from_big_endian_64(xxhash64(to_utf8(concat({{ texts | join(', ') }})))) % 2147483647)
{%- endmacro %}
