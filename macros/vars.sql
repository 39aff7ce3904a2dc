{#- Vars that are written into SQL or choose between versions of a model are checked where they are read. -#}

{#- Reads a var that must be one of a fixed set of values; anything else stops compilation with a clear message. -#}
{% macro var_choice(name, choices) -%}
{%- set value = var(name) -%}
{%- if value not in choices -%}
{{ exceptions.raise_compiler_error("var " ~ name ~ " must be one of " ~ choices | join(", ") ~ "; got '" ~ value ~ "'. Set it with --vars '{" ~ name ~ ": " ~ choices[0] ~ "}'.") }}
{%- endif -%}
{{ value }}
{%- endmacro %}

{#- Reads a var that must be a whole number of at least 0 (it is written into SQL as a number, so anything else,
    a string with SQL in it included, stops compilation). -#}
{% macro var_whole_number(name) -%}
{%- set value = var(name) -%}
{%- if not (value is number) or value != (value | int) or value < 0 -%}
{{ exceptions.raise_compiler_error("var " ~ name ~ " must be a whole number of at least 0; got '" ~ value ~ "'. Set it with --vars '{" ~ name ~ ": 259200000}'.") }}
{%- endif -%}
{{ value }}
{%- endmacro %}
