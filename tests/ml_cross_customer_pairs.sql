{{ config(severity='warn') }}
-- Training rows that pair a step trainer reading with a phone reading of a different customer who happened to
-- record at the same millisecond (ml_pairing: timestamp allows it; same_customer does not). A warning: the
-- reference table includes them, but a data scientist should know.
-- The table has no user column, and phone readings of two customers can have equal values, so rows are matched as
-- a multiset: within each group of identical rows, those beyond the number of same-customer pairs are cross-customer.
{%- set columns = ['sensorreadingtime', 'serialnumber', 'distancefromobject', '"timestamp"', 'x', 'y', 'z'] %}
with training as (
    select
        ml.*,
        row_number() over (partition by {{ columns | join(', ') }} order by sensorreadingtime) as copy_number
    from {{ ref('machine_learning_curated') }} as ml
),

same_customer_pairs as (
    select
        s.sensorreadingtime, s.serialnumber, s.distancefromobject, a."timestamp", a.x, a.y, a.z,
        count(*) as copies
    from {{ ref('step_trainer_trusted') }} as s
    inner join {{ ref('customer_curated') }} as c
        on c.serialnumber = s.serialnumber
    inner join {{ ref('accelerometer_trusted') }} as a
        on a."user" = c.email
       and a."timestamp" = s.sensorreadingtime
    group by s.sensorreadingtime, s.serialnumber, s.distancefromobject, a."timestamp", a.x, a.y, a.z
)

select t.sensorreadingtime, t.serialnumber, t.distancefromobject, t."timestamp", t.x, t.y, t.z
from training as t
left join same_customer_pairs as p
    on {% for c in columns %}p.{{ c }} = t.{{ c }}{{ ' and ' if not loop.last }}{% endfor %}
where t.copy_number > coalesce(p.copies, 0)
