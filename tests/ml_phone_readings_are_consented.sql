-- Blocking: it audits machine_learning_curated's new rows before they are published, in run as well as in build.
{{ config(blocking=true) }}
-- Every phone reading in the training table is a landing reading of a customer whose newest landing record grants
-- research consent (and, with consent_cutoff: as_of, was taken on or after it). Checked against the landing zone,
-- independently of the trusted tables: a consenting record counts only if no record of the same customer at least
-- as new withdraws it.
with consenting as (
    {{ consenting_customers('email') }}
),

-- The phone readings of consenting customers, each once. (A left join to these, rather than a correlated not
-- exists, costs less than half as much: DuckDB decorrelates not exists into three hash operations.)
consented_readings as (
    select distinct a."timestamp", a.x, a.y, a.z
    from {{ source('landing', 'accelerometer_landing') }} as a
    inner join consenting as c
        on c.customer_key = a."user"
    {%- if var('consent_cutoff') == 'as_of' %}
    where a."timestamp" >= c.consent_from
    {%- endif %}
)

select ml.*
from {{ ref('machine_learning_curated') }} as ml
left join consented_readings as r
    on r."timestamp" = ml."timestamp"
   and r.x = ml.x
   and r.y = ml.y
   and r.z = ml.z
where r."timestamp" is null
