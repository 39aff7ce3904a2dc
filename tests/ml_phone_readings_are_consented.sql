-- Every phone reading in the training table is a landing reading of a customer whose newest landing record grants
-- research consent (and, with consent_cutoff: as_of, was taken on or after it). Checked against the landing zone,
-- independently of the trusted tables: a consenting record counts only if no record of the same customer at least
-- as new withdraws it.
with consenting as (
    select l.email, l.sharewithresearchasofdate as consent_from
    from {{ source('landing', 'customer_landing') }} as l
    where l.sharewithresearchasofdate is not null
      and l.sharewithresearchasofdate <> 0
      and not exists (
          select 1
          from {{ source('landing', 'customer_landing') }} as newer
          where newer.email = l.email
            and coalesce(newer.lastupdatedate, 0) >= coalesce(l.lastupdatedate, 0)
            and (newer.sharewithresearchasofdate is null or newer.sharewithresearchasofdate = 0)
      )
)

select ml.*
from {{ ref('machine_learning_curated') }} as ml
where not exists (
    select 1
    from {{ source('landing', 'accelerometer_landing') }} as a
    inner join consenting as c
        on c.email = a."user"
    where a."timestamp" = ml."timestamp"
      and a.x = ml.x
      and a.y = ml.y
      and a.z = ml.z
      {%- if var('consent_cutoff') == 'as_of' %}
      and a."timestamp" >= c.consent_from
      {%- endif %}
)
