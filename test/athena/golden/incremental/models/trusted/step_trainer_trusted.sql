-- purge the rows of step_trainer_trusted that may no longer be kept
delete from "stedi"."step_trainer_trusted"
where serialnumber is null
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

-- keep snapshots of step_trainer_trusted for 4 hours
alter table `stedi`.`step_trainer_trusted` set tblproperties ('vacuum_max_snapshot_age_seconds' = '14400', 'vacuum_min_snapshots_to_keep' = '1', 'optimize_rewrite_delete_file_threshold' = '1', 'optimize_rewrite_data_file_threshold' = '1')
;

-- rewrite the data files of step_trainer_trusted that hold deleted rows
optimize stedi.step_trainer_trusted rewrite data using bin_pack
;

-- expire snapshots of step_trainer_trusted older than 4 hours and delete their files
vacuum stedi.step_trainer_trusted
;

-- stage the new rows of step_trainer_trusted
create table "stedi"."step_trainer_trusted__stedi_new_b0ba0002" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/step_trainer_trusted__stedi_new_b0ba0002/b0ba0002/', format = 'PARQUET', write_compression = 'ZSTD') as
-- Step trainer readings of devices whose owner consented and has phone readings (customer_curated).
-- A serial number that a landing record also gives to a customer without consent cannot be attributed safely,
-- so its readings are excluded. With consent_cutoff: as_of, readings before the owner's consent are excluded too.
-- Incremental like accelerometer_trusted: the lookback window, every reading of devices new to this table, and a
-- purge of devices that are no longer trusted (purge, in _trusted.yml).
-- Partitioned by reading day on Athena, for the reasons given in accelerometer_trusted.sql: sensorreadingtime is
-- epoch milliseconds, so truncate(86400000, ...) is its UTC day. DuckDB ignores partitioned_by.

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

-- audit step_trainer_trusted with test consented_step_trainer_trusted_serialnumber before publishing
-- audit: consented_step_trainer_trusted_serialnumber
select failures, failures <> 0 as blocks from (
select count(*) as failures from (
with consenting as (
    select l.serialnumber as customer_key, l.sharewithresearchasofdate as consent_from
from "stedi"."customer_landing" as l
left join (
    select w.serialnumber as customer_key, max(coalesce(w.lastupdatedate, 0)) as withdrawn_at
    from "stedi"."customer_landing" as w
    where w.sharewithresearchasofdate is null or w.sharewithresearchasofdate = 0
    group by w.serialnumber
) as withdrawn
    on withdrawn.customer_key = l.serialnumber
where l.sharewithresearchasofdate is not null
  and l.sharewithresearchasofdate <> 0
  and (withdrawn.customer_key is null or coalesce(l.lastupdatedate, 0) > withdrawn.withdrawn_at)
)

select t.*
from (
select "sensorreadingtime", "serialnumber", "distancefromobject" from "stedi"."step_trainer_trusted" where not exists (select 1 from (select "serialnumber", "sensorreadingtime" from "stedi"."step_trainer_trusted__stedi_new_b0ba0002") as r where r."serialnumber" = "stedi"."step_trainer_trusted"."serialnumber" and r."sensorreadingtime" = "stedi"."step_trainer_trusted"."sensorreadingtime")
union all
select "sensorreadingtime", "serialnumber", "distancefromobject" from "stedi"."step_trainer_trusted__stedi_new_b0ba0002"
) as t
where not exists (
    select 1
    from consenting as c
    where c.customer_key = t."serialnumber"
)
) as test_failures
) as audit
;

-- drop the staged rows of step_trainer_trusted if an audit refused them
drop table if exists `stedi`.`step_trainer_trusted__stedi_new_b0ba0002`
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

-- drop the staged rows of step_trainer_trusted
drop table if exists `stedi`.`step_trainer_trusted__stedi_new_b0ba0002`
;
