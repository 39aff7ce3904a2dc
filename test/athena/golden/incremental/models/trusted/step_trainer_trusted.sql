-- stage the new rows of step_trainer_trusted
create table "stedi"."step_trainer_trusted__stedi_new_b0ba0002" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/step_trainer_trusted__stedi_new_b0ba0002/b0ba0002/', format = 'PARQUET', write_compression = 'ZSTD') as
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


  and s.sensorreadingtime >= (select coalesce(max(sensorreadingtime), 0) - 259200000 from "stedi"."step_trainer_trusted")
-- The older readings of devices new to this table, as a second part (see accelerometer_trusted).
union all
select
    s.sensorreadingtime,
    s.serialnumber,
    s.distancefromobject
from "stedi"."step_trainer_landing" as s
inner join (
    select d.serialnumber, d.consent_from
    from devices as d
    where not exists (select 1 from (select k.serialnumber from "stedi"."step_trainer_trusted" as k group by k.serialnumber) as known where known.serialnumber = d.serialnumber)
) as d
    on s.serialnumber = d.serialnumber
where (s.sensorreadingtime < (select coalesce(max(sensorreadingtime), 0) - 259200000 from "stedi"."step_trainer_trusted") or s.sensorreadingtime is null)
;

-- replace the rows of step_trainer_trusted whose unique key the new rows carry
merge into "stedi"."step_trainer_trusted" as t
using (
    select n."sensorreadingtime", n."serialnumber", n."distancefromobject", false as "__stedi_replaces" from "stedi"."step_trainer_trusted__stedi_new_b0ba0002" as n
    union all
    select distinct n."sensorreadingtime", n."serialnumber", null, true from "stedi"."step_trainer_trusted__stedi_new_b0ba0002" as n
) as s
on s."__stedi_replaces" and s."serialnumber" = t."serialnumber" and s."sensorreadingtime" = t."sensorreadingtime"
when matched then delete
when not matched and not s."__stedi_replaces" then insert ("sensorreadingtime", "serialnumber", "distancefromobject") values (s."sensorreadingtime", s."serialnumber", s."distancefromobject")
;

-- run post-hook 1 of step_trainer_trusted
delete from "stedi"."step_trainer_trusted" where serialnumber is null
   or serialnumber not in (select d.serialnumber
from "stedi"."customer_curated" as d
where not exists (
    select 1
    from "stedi"."customer_landing" as l
    where l.serialnumber = d.serialnumber
      and not exists (select 1 from "stedi"."customer_trusted" as t where t.email = l.email)
)
  and d.serialnumber is not null)
;

-- drop the staged rows of step_trainer_trusted
drop table if exists `stedi`.`step_trainer_trusted__stedi_new_b0ba0002`
;
