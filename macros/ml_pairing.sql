{#- The pairs of machine_learning_curated: each trusted step trainer reading (s) with the trusted phone readings (a)
    of the same millisecond; with ml_pairing: same_customer, only those of the phone of the device's owner (c). The
    model and ml_changed_instants() read the pairs through this one join, so what is built and what is compared
    with it cannot drift apart. -#}
{% macro ml_pairs() -%}
from {{ ref('step_trainer_trusted') }} as s
inner join {{ ref('accelerometer_trusted') }} as a
    on a."timestamp" = s.sensorreadingtime
{%- if var_choice('ml_pairing', ['timestamp', 'same_customer']) == 'same_customer' %}
inner join {{ ref('customer_curated') }} as c
    on c.serialnumber = s.serialnumber
   and c.email = a."user"
{%- endif %}
{%- endmacro %}

{#- The instants (sensorreadingtime) at which machine_learning_curated no longer matches the trusted tables: the
    pairs the trusted tables give now differ in count or fingerprint from the rows the table holds. Both sides go
    through one grouping, the pairs counted +1 with their fingerprint and the held rows -1 with its negation (as
    bigints: a product of the sign and an unsigned hash would be summed as a wider type): an instant is unchanged
    when both sums are 0.
    (Two groupings and a full outer join of their ≈ 2.4 M instants each cost ≈ 20 % more at 1,000,000 customers.) -#}
{% macro ml_changed_instants() -%}
{%- set columns = ['sensorreadingtime', 'serialnumber', 'distancefromobject', '"timestamp"', 'x', 'y', 'z'] -%}
select at_time as sensorreadingtime
from (
    select s.sensorreadingtime as at_time, 1 as side,
           cast({{ row_fingerprint(['s.sensorreadingtime', 's.serialnumber', 's.distancefromobject', 'a."timestamp"', 'a.x', 'a.y', 'a.z']) }} as bigint) as fingerprint
    {{ ml_pairs() | indent(4) }}
    union all
    select sensorreadingtime, -1, -cast({{ row_fingerprint(columns) }} as bigint)
    from {{ this }}
) as both_sides
group by at_time
having sum(side) <> 0 or sum(fingerprint) <> 0
{%- endmacro %}
