-- Step trainer readings of devices whose owner consented and has phone readings (customer_curated).
-- A serial number that a landing record also gives to a customer without consent cannot be attributed safely,
-- so its readings are excluded. With consent_cutoff: as_of, readings before the owner's consent are excluded too.
-- Incremental like accelerometer_trusted: the lookback window, every reading of devices new to this table, and a
-- purge of devices that are no longer trusted (purge, in _trusted.yml).
-- Partitioned by reading day on Athena, for the reasons given in accelerometer_trusted.sql: sensorreadingtime is
-- epoch milliseconds, so truncate(86400000, ...) is its UTC day. DuckDB ignores partitioned_by.
{{ config(materialized='incremental', partitioned_by=['truncate(86400000, sensorreadingtime)'],
          incremental_strategy='delete+insert', unique_key=['serialnumber', 'sensorreadingtime']) }}
{%- set as_of = var_choice('consent_cutoff', ['any', 'as_of']) == 'as_of' %}
with devices as (
{{ trusted_devices() }}
)

select
    s.sensorreadingtime,
    s.serialnumber,
    s.distancefromobject
from {{ source('landing', 'step_trainer_landing') }} as s
inner join devices as d
    on s.serialnumber = d.serialnumber
where true
{% if as_of %}
  and s.sensorreadingtime >= d.consent_from
{% endif %}
{% if is_incremental() %}
  and s.sensorreadingtime >= {{ incremental_window_start('sensorreadingtime') }}
-- The older readings of devices new to this table, as a second part (see accelerometer_trusted).
union all
select
    s.sensorreadingtime,
    s.serialnumber,
    s.distancefromobject
from {{ source('landing', 'step_trainer_landing') }} as s
inner join (
    select d.serialnumber, d.consent_from
    from devices as d
    where not exists (select 1 from (select k.serialnumber from {{ this }} as k group by k.serialnumber) as known where known.serialnumber = d.serialnumber)
) as d
    on s.serialnumber = d.serialnumber
where (s.sensorreadingtime < {{ incremental_window_start('sensorreadingtime') }} or s.sensorreadingtime is null)
{% if as_of %}
  and s.sensorreadingtime >= d.consent_from
{% endif %}
{% endif %}
