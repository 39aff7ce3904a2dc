{#- The instants (sensorreadingtime) at which machine_learning_curated no longer matches the trusted tables: the
    pairs the trusted tables give now differ in count or fingerprint from the rows the table holds. Both sides go
    through one grouping, the pairs counted +1 and the held rows -1: an instant is unchanged when both sums are 0.
    (Two groupings and a full outer join of their ≈ 2.4 M instants each cost ≈ 20 % more at 1,000,000 customers.) -#}
{% macro ml_changed_instants() -%}
{%- set columns = ['sensorreadingtime', 'serialnumber', 'distancefromobject', '"timestamp"', 'x', 'y', 'z'] -%}
select at_time as changed_at
from (
    select s.sensorreadingtime as at_time, 1 as side,
           {{ row_fingerprint(['s.sensorreadingtime', 's.serialnumber', 's.distancefromobject', 'a."timestamp"', 'a.x', 'a.y', 'a.z']) }} as fingerprint
    from {{ ref('step_trainer_trusted') }} as s
    inner join {{ ref('accelerometer_trusted') }} as a
        on a."timestamp" = s.sensorreadingtime
    {% if var('ml_pairing') == 'same_customer' %}
    inner join {{ ref('customer_curated') }} as c
        on c.serialnumber = s.serialnumber
       and c.email = a."user"
    {% endif %}
    union all
    select sensorreadingtime, -1, {{ row_fingerprint(columns) }}
    from {{ this }}
) as both_sides
group by at_time
having sum(side) <> 0 or sum(side * fingerprint) <> 0
{%- endmacro %}

{#- True for a row of machine_learning_curated (`this`) at an instant where the trusted tables no longer give any pair:
    such an instant changed but has no new rows, so replace_where names it beside the instants the new rows carry.
    Cheaper than ml_changed_instants(): only whether a pair exists, no counts or fingerprints. An uncorrelated
    `not in` (of values never NULL; the table's instants never are either) is planned as one join, where a
    correlated `not exists` per trusted table was not. -#}
{% macro ml_instant_without_pairs() -%}
{%- if var('ml_pairing') == 'same_customer' -%}
sensorreadingtime not in (
    select s.sensorreadingtime
    from {{ ref('step_trainer_trusted') }} as s
    inner join {{ ref('customer_curated') }} as c
        on c.serialnumber = s.serialnumber
    inner join {{ ref('accelerometer_trusted') }} as a
        on a."timestamp" = s.sensorreadingtime
       and a."user" = c.email
)
{%- else -%}
(sensorreadingtime not in (select s.sensorreadingtime from {{ ref('step_trainer_trusted') }} as s where s.sensorreadingtime is not null)
 or sensorreadingtime not in (select a."timestamp" from {{ ref('accelerometer_trusted') }} as a where a."timestamp" is not null))
{%- endif -%}
{%- endmacro %}
