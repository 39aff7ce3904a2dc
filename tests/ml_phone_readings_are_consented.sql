-- Blocking: it audits machine_learning_curated's new rows before they are published, in run as well as in build.
{{ config(blocking=true) }}
-- Every phone reading in the training table is a landing reading of a customer whose newest landing record grants
-- research consent (and, with consent_cutoff: as_of, was taken on or after it). Checked against the landing zone,
-- independently of the trusted tables: a consenting record counts only if no record of the same customer at least
-- as new withdraws it.
with consenting as (
    {{ consenting_customers('email') }}
)

select ml.*
from {{ ref('machine_learning_curated') }} as ml
where not exists (
    select 1
    from {{ source('landing', 'accelerometer_landing') }} as a
    inner join consenting as c
        on c.customer_key = a."user"
    where a."timestamp" = ml."timestamp"
      and a.x = ml.x
      and a.y = ml.y
      and a.z = ml.z
      {%- if var('consent_cutoff') == 'as_of' %}
      and a."timestamp" >= c.consent_from
      {%- endif %}
)
