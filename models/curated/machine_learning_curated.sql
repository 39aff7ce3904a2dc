-- The training table: each trusted step trainer reading paired with the trusted phone readings of the same
-- millisecond. It carries no direct identifier (no email, name, phone or birthday).
-- ml_pairing: timestamp pairs on time alone (the reference table; a reading may meet another customer's phone
-- reading that shares the millisecond); same_customer also requires the phone to belong to the device's owner.
-- Incremental: a run rebuilds exactly the instants whose pairs changed (a new reading, a late file, a withdrawn
-- consent), found by comparing each instant's row count and fingerprint with what the trusted tables give now.
-- That comparison reads every table whole, so it runs once, as replace_keys: every row at those instants is
-- replaced, also at an instant that no longer has any pair (it has no new rows, so its rows are only deleted).
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['sensorreadingtime'],
    replace_keys=ml_changed_instants()
) }}
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
{{ ml_pairs() }}
{% if is_incremental() %}
where s.sensorreadingtime in (select sensorreadingtime from {{ incremental_replaced_keys() }})
{% endif %}
