-- Every phone reading in the training table is a landing reading of a customer whose landing record grants
-- research consent (and, with consent_cutoff: as_of, was taken on or after it). Checked against the landing zone,
-- independently of the trusted tables.
select ml.*
from {{ ref('machine_learning_curated') }} as ml
where not exists (
    select 1
    from {{ source('landing', 'accelerometer_landing') }} as a
    inner join {{ source('landing', 'customer_landing') }} as c
        on c.email = a."user"
    where c.sharewithresearchasofdate is not null
      and c.sharewithresearchasofdate <> 0
      and a."timestamp" = ml."timestamp"
      and a.x = ml.x
      and a.y = ml.y
      and a.z = ml.z
      {%- if var('consent_cutoff') == 'as_of' %}
      and a."timestamp" >= c.sharewithresearchasofdate
      {%- endif %}
)
