{#- Consent rules of the STEDI lakehouse, shared by every trusted and curated model. -#}

{#- A customer record grants research consent when the consent date is present and not 0 (0 is how the
    website records a withdrawn or never-given consent). -#}
{% macro has_research_consent(consent_column) -%}
({{ consent_column }} is not null and {{ consent_column }} <> 0)
{%- endmacro %}

{#- Reads a var that must be one of a fixed set of values; anything else stops compilation with a clear message. -#}
{% macro var_choice(name, choices) -%}
{%- set value = var(name) -%}
{%- if value not in choices -%}
{{ exceptions.raise_compiler_error("var " ~ name ~ " must be one of " ~ choices | join(", ") ~ "; got '" ~ value ~ "'. Set it with --vars '{" ~ name ~ ": " ~ choices[0] ~ "}'.") }}
{%- endif -%}
{{ value }}
{%- endmacro %}
