{#- Consent rules of the STEDI lakehouse, shared by every trusted and curated model. -#}

{#- A customer record grants research consent when the consent date is present and not 0 (0 is how the
    website records a withdrawn or never-given consent). -#}
{% macro has_research_consent(consent_column) -%}
({{ consent_column }} is not null and {{ consent_column }} <> 0)
{%- endmacro %}

{#- Devices whose readings may be trusted: owned by a customer of customer_curated, with the consent date their
    readings are checked against, and not also given by a landing record to a customer without consent (such a
    device cannot be attributed safely). With consent_date=false, only their serial numbers (never NULL), possibly
    repeated: enough to test membership, without grouping every curated customer. -#}
{% macro trusted_devices(consent_date=true) -%}
select d.serialnumber{% if consent_date %}, max(d.sharewithresearchasofdate) as consent_from{% endif %}
from {{ ref('customer_curated') }} as d
where not exists (
    select 1
    from {{ source('landing', 'customer_landing') }} as l
    where l.serialnumber = d.serialnumber
      and not exists (select 1 from {{ ref('customer_trusted') }} as t where t.email = l.email)
)
{%- if consent_date %}
group by d.serialnumber
{%- else %}
  and d.serialnumber is not null
{%- endif %}
{%- endmacro %}

{#- The customers whose newest landing record grants research consent, by key (email or serialnumber), with the
    consent date: a consenting record counts only if no record with the same key at least as new withdraws it.
    Stated from the landing zone alone, so that the privacy tests do not trust the models they check.
    The newest withdrawing record of each key is found by one grouping, then compared: the same rule as a NOT EXISTS
    over every pair of records of a key, at a quarter of its cost at 1,000,000 customers (the privacy tests run it
    before every model they guard is published). -#}
{% macro consenting_customers(key) -%}
select l.{{ key }} as customer_key, l.sharewithresearchasofdate as consent_from
from {{ source('landing', 'customer_landing') }} as l
left join (
    select w.{{ key }} as customer_key, max(coalesce(w.lastupdatedate, 0)) as withdrawn_at
    from {{ source('landing', 'customer_landing') }} as w
    where w.sharewithresearchasofdate is null or w.sharewithresearchasofdate = 0
    group by w.{{ key }}
) as withdrawn
    on withdrawn.customer_key = l.{{ key }}
where l.sharewithresearchasofdate is not null
  and l.sharewithresearchasofdate <> 0
  and (withdrawn.customer_key is null or coalesce(l.lastupdatedate, 0) > withdrawn.withdrawn_at)
{%- endmacro %}
