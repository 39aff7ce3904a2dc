-- build table step_trainer_trusted under a temporary name: write its rows once, unpartitioned
create table "stedi"."step_trainer_trusted__tmp_b0ba0001r" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/step_trainer_trusted/b0ba0001r/', format = 'PARQUET', write_compression = 'ZSTD') as
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
;

-- build table step_trainer_trusted under a temporary name: partitions of batch 1 (at most 100 keys a batch)
create table "stedi"."step_trainer_trusted__tmp_b0ba0001" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/step_trainer_trusted/b0ba0001/', format = 'PARQUET', write_compression = 'ZSTD', partitioning = ARRAY['truncate(sensorreadingtime, 86400000)']) as
select r.* from "stedi"."step_trainer_trusted__tmp_b0ba0001r" as r
inner join (
    select "__stedi_k0" from (
        select "__stedi_k0", (row_number() over (order by "__stedi_k0") - 1) / 100 as "__stedi_batch"
        from (select distinct r."sensorreadingtime" - ((r."sensorreadingtime" % 86400000) + 86400000) % 86400000 as "__stedi_k0" from "stedi"."step_trainer_trusted__tmp_b0ba0001r" as r) as d
    ) as ranked
    where "__stedi_batch" = 0
) as b
    on r."sensorreadingtime" - ((r."sensorreadingtime" % 86400000) + 86400000) % 86400000 is not distinct from b."__stedi_k0"
;

-- build table step_trainer_trusted under a temporary name: partitions of each further batch
insert into "stedi"."step_trainer_trusted__tmp_b0ba0001"
select r.* from "stedi"."step_trainer_trusted__tmp_b0ba0001r" as r
inner join (
    select "__stedi_k0" from (
        select "__stedi_k0", (row_number() over (order by "__stedi_k0") - 1) / 100 as "__stedi_batch"
        from (select distinct r."sensorreadingtime" - ((r."sensorreadingtime" % 86400000) + 86400000) % 86400000 as "__stedi_k0" from "stedi"."step_trainer_trusted__tmp_b0ba0001r" as r) as d
    ) as ranked
    where "__stedi_batch" = 1
) as b
    on r."sensorreadingtime" - ((r."sensorreadingtime" % 86400000) + 86400000) % 86400000 is not distinct from b."__stedi_k0"
;

-- drop the partly built step_trainer_trusted
drop table if exists `stedi`.`step_trainer_trusted__tmp_b0ba0001`
;

-- drop the unpartitioned rows of step_trainer_trusted
drop table if exists `stedi`.`step_trainer_trusted__tmp_b0ba0001r`
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
from "stedi"."step_trainer_trusted__tmp_b0ba0001" as t
where not exists (
    select 1
    from consenting as c
    where c.customer_key = t."serialnumber"
)
) as test_failures
) as audit
;

-- drop the new step_trainer_trusted if an audit refused it
drop table if exists `stedi`.`step_trainer_trusted__tmp_b0ba0001`
;

-- publish step_trainer_trusted
alter table `stedi`.`step_trainer_trusted__tmp_b0ba0001` rename to `stedi`.`step_trainer_trusted`
;
