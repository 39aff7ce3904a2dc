{#- Every row belongs to a customer who agreed to share data for research, matched by email or serial number.
    The rule is stated independently of the models: a landing record with consent (present and not 0) for the key,
    and no landing record for the same key at least as new that lacks consent. With consent_cutoff: as_of, the row's
    reading time must also be on or after that consent. -#}
{% test consented(model, column_name, key='email', reading_time=none) %}
{#- Blocking: it audits a model's new rows before they are published, in run as well as in build. -#}
{{ config(blocking=true) }}
{%- if key not in ['email', 'serialnumber'] %}{{ exceptions.raise_compiler_error("consented: key must be 'email' or 'serialnumber', got '" ~ key ~ "'") }}{% endif %}
with consenting as (
    {{ consenting_customers(key) }}
)

select t.*
from {{ model }} as t
where not exists (
    select 1
    from consenting as c
    where c.customer_key = t.{{ column_name }}
    {%- if reading_time and var('consent_cutoff', 'any') == 'as_of' %}
      and t.{{ quote_identifier(reading_time) }} >= c.consent_from
    {%- endif %}
)
{% endtest %}
