-- build table step_trainer_trusted
create table "stedi"."step_trainer_trusted" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/step_trainer_trusted/b0ba0001/', format = 'PARQUET', write_compression = 'ZSTD') as
-- Step trainer readings of devices whose owner consented and has phone readings (customer_curated).
-- A serial number that a landing record also gives to a customer without consent cannot be attributed safely,
-- so its readings are excluded. With consent_cutoff: as_of, readings before the owner's consent are excluded too.
-- Incremental like accelerometer_trusted: the lookback window, every reading of devices new to this table, and a
-- purge of devices that are no longer trusted (post_hook).

with devices as (
select d.serialnumber, max(d.sharewithresearchasofdate) as consent_from
from "stedi"."customer_curated" as d
where not exists (
    select 1
    from "stedi"."customer_landing" as l
    where l.serialnumber = d.serialnumber
      and not exists (select 1 from "stedi"."customer_trusted" as t where t.email = l.email)
)
group by d.serialnumber
)

select
    s.sensorreadingtime,
    s.serialnumber,
    s.distancefromobject
from "stedi"."step_trainer_landing" as s
inner join devices as d
    on s.serialnumber = d.serialnumber
where true
;
