-- Phone readings of customers who agreed to share their data for research.
-- With consent_cutoff: as_of, readings taken before the customer's consent date are excluded too.
select
    a."user",
    a."timestamp",
    a.x,
    a.y,
    a.z
from {{ source('landing', 'accelerometer_landing') }} as a
inner join {{ ref('customer_trusted') }} as c
    on a."user" = c.email
{% if var_choice('consent_cutoff', ['any', 'as_of']) == 'as_of' %}
where a."timestamp" >= c.sharewithresearchasofdate
{% endif %}
