-- Step trainer readings of devices whose owner consented and has phone readings (customer_curated).
-- A serial number that a landing record also gives to a customer without consent cannot be attributed safely,
-- so its readings are excluded. With consent_cutoff: as_of, readings before the owner's consent are excluded too.
-- Incremental like accelerometer_trusted: the lookback window, every reading of devices new to this table, and a
-- purge of devices that are no longer trusted (post_hook).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['serialnumber', 'sensorreadingtime']) }}
select
    s.sensorreadingtime,
    s.serialnumber,
    s.distancefromobject
from {{ source('landing', 'step_trainer_landing') }} as s
inner join ({{ trusted_devices() }}) as d
    on s.serialnumber = d.serialnumber
where true
{% if var_choice('consent_cutoff', ['any', 'as_of']) == 'as_of' %}
  and s.sensorreadingtime >= d.consent_from
{% endif %}
{% if is_incremental() %}
  and (
      s.sensorreadingtime >= {{ incremental_window_start('sensorreadingtime') }}
      or not exists (select 1 from {{ this }} as known where known.serialnumber = s.serialnumber)
  )
{% endif %}
