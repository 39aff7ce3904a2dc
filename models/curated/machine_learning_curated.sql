-- The training table: each trusted step trainer reading paired with the trusted phone readings of the same
-- millisecond. It carries no direct identifier (no email, name, phone or birthday).
-- ml_pairing: timestamp pairs on time alone (the reference table; a reading may meet another customer's phone
-- reading that shares the millisecond); same_customer also requires the phone to belong to the device's owner.
-- Incremental: a run rebuilds exactly the instants whose pairs changed (a new reading, a late file, a withdrawn
-- consent), found by comparing each instant's row count and fingerprint with what the trusted tables give now.
-- That comparison reads every table whole, so it runs once, for the new rows; the rows replaced are those at the
-- instants the new rows carry, and at instants that no longer have any pair (changed, but without new rows).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_where',
    replace_where="sensorreadingtime in (select sensorreadingtime from " ~ incremental_new_rows() ~ ") or " ~ ml_instant_without_pairs()
) }}
{%- set pairing = var_choice('ml_pairing', ['timestamp', 'same_customer']) %}
select
    s.sensorreadingtime,
    s.serialnumber,
    s.distancefromobject,
    a."timestamp",
    a.x,
    a.y,
    a.z
{%- if var('ml_customer_pseudonym', false) %},
    {{ pseudonym('a."user"') }} as customer_pseudonym
{%- endif %}
from {{ ref('step_trainer_trusted') }} as s
inner join {{ ref('accelerometer_trusted') }} as a
    on a."timestamp" = s.sensorreadingtime
{% if pairing == 'same_customer' %}
inner join {{ ref('customer_curated') }} as c
    on c.serialnumber = s.serialnumber
   and c.email = a."user"
{% endif %}
{% if is_incremental() %}
where s.sensorreadingtime in (select changed_at from ({{ ml_changed_instants() }}) as changed)
{% endif %}
