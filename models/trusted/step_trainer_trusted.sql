-- Step trainer readings of devices whose owner consented and has phone readings (customer_curated).
-- A serial number that a landing record also gives to a customer without consent cannot be attributed safely,
-- so its readings are excluded. With consent_cutoff: as_of, readings before the owner's consent are excluded too.
with devices as (
    select
        serialnumber,
        max(sharewithresearchasofdate) as consent_from
    from {{ ref('customer_curated') }}
    group by serialnumber
),

contested as (
    select distinct l.serialnumber
    from {{ source('landing', 'customer_landing') }} as l
    where not exists (
        select 1 from {{ ref('customer_trusted') }} as t where t.email = l.email
    )
)

select
    s.sensorreadingtime,
    s.serialnumber,
    s.distancefromobject
from {{ source('landing', 'step_trainer_landing') }} as s
inner join devices as d
    on s.serialnumber = d.serialnumber
where not exists (select 1 from contested as x where x.serialnumber = s.serialnumber)
{% if var_choice('consent_cutoff', ['any', 'as_of']) == 'as_of' %}
  and s.sensorreadingtime >= d.consent_from
{% endif %}
