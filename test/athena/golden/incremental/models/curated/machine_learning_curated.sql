-- stage the keys that replace_keys names for machine_learning_curated
create table "stedi"."machine_learning_curated__stedi_new_b0ba0002k" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/machine_learning_curated__stedi_new_b0ba0002k/b0ba0002k/', format = 'PARQUET', write_compression = 'ZSTD') as
select * from (
select at_time as sensorreadingtime
from (
    select s.sensorreadingtime as at_time, 1 as side,
           cast(abs(from_big_endian_64(xxhash64(to_utf8(concat(coalesce(cast(length(cast(s.sensorreadingtime as varchar)) as varchar) || ':' || cast(s.sensorreadingtime as varchar), '-'), coalesce(cast(length(cast(s.serialnumber as varchar)) as varchar) || ':' || cast(s.serialnumber as varchar), '-'), coalesce(cast(length(cast(s.distancefromobject as varchar)) as varchar) || ':' || cast(s.distancefromobject as varchar), '-'), coalesce(cast(length(cast(a."timestamp" as varchar)) as varchar) || ':' || cast(a."timestamp" as varchar), '-'), coalesce(cast(length(cast(a.x as varchar)) as varchar) || ':' || cast(a.x as varchar), '-'), coalesce(cast(length(cast(a.y as varchar)) as varchar) || ':' || cast(a.y as varchar), '-'), coalesce(cast(length(cast(a.z as varchar)) as varchar) || ':' || cast(a.z as varchar), '-'))))) % 2147483647) as bigint) as fingerprint
    from "stedi"."step_trainer_trusted" as s
    inner join "stedi"."accelerometer_trusted" as a
        on a."timestamp" = s.sensorreadingtime
    union all
    select sensorreadingtime, -1, -cast(abs(from_big_endian_64(xxhash64(to_utf8(concat(coalesce(cast(length(cast(sensorreadingtime as varchar)) as varchar) || ':' || cast(sensorreadingtime as varchar), '-'), coalesce(cast(length(cast(serialnumber as varchar)) as varchar) || ':' || cast(serialnumber as varchar), '-'), coalesce(cast(length(cast(distancefromobject as varchar)) as varchar) || ':' || cast(distancefromobject as varchar), '-'), coalesce(cast(length(cast("timestamp" as varchar)) as varchar) || ':' || cast("timestamp" as varchar), '-'), coalesce(cast(length(cast(x as varchar)) as varchar) || ':' || cast(x as varchar), '-'), coalesce(cast(length(cast(y as varchar)) as varchar) || ':' || cast(y as varchar), '-'), coalesce(cast(length(cast(z as varchar)) as varchar) || ':' || cast(z as varchar), '-'))))) % 2147483647) as bigint)
    from "stedi"."machine_learning_curated"
) as both_sides
group by at_time
having sum(side) <> 0 or sum(fingerprint) <> 0
) as k("sensorreadingtime")
;

-- stage the new rows of machine_learning_curated
create table "stedi"."machine_learning_curated__stedi_new_b0ba0002" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/machine_learning_curated__stedi_new_b0ba0002/b0ba0002/', format = 'PARQUET', write_compression = 'ZSTD') as
-- The training table: each trusted step trainer reading paired with the trusted phone readings of the same
-- millisecond. It carries no direct identifier (no email, name, phone or birthday).
-- ml_pairing: timestamp pairs on time alone (the reference table; a reading may meet another customer's phone
-- reading that shares the millisecond); same_customer also requires the phone to belong to the device's owner.
-- Incremental: a run rebuilds exactly the instants whose pairs changed (a new reading, a late file, a withdrawn
-- consent), found by comparing each instant's row count and fingerprint with what the trusted tables give now.
-- That comparison reads every table whole, so it runs once, as replace_keys: every row at those instants is
-- replaced, also at an instant that no longer has any pair (it has no new rows, so its rows are only deleted).

select
    s.sensorreadingtime,
    s.serialnumber,
    s.distancefromobject,
    a."timestamp",
    a.x,
    a.y,
    a.z
from "stedi"."step_trainer_trusted" as s
inner join "stedi"."accelerometer_trusted" as a
    on a."timestamp" = s.sensorreadingtime

where s.sensorreadingtime in (select sensorreadingtime from "stedi"."machine_learning_curated__stedi_new_b0ba0002k")
;

-- audit machine_learning_curated with test no_identifiers_machine_learning_curated before publishing
-- audit: no_identifiers_machine_learning_curated
select failures, failures <> 0 as blocks from (
select count(*) as failures from (
select 'column' as finding, c.column_name as detail
from (values ('sensorreadingtime'), ('serialnumber'), ('distancefromobject'), ('timestamp'), ('x'), ('y'), ('z')) as c(column_name)
inner join "stedi"."identifier_columns" as i
    on lower(c.column_name) like i.pattern
union all
select 'value in ' || 'serialnumber' as finding, cast(m."serialnumber" as varchar) as detail
from (
select "sensorreadingtime", "serialnumber", "distancefromobject", "timestamp", "x", "y", "z" from "stedi"."machine_learning_curated" where not exists (select 1 from (select "sensorreadingtime" from "stedi"."machine_learning_curated__stedi_new_b0ba0002" union select "sensorreadingtime" from "stedi"."machine_learning_curated__stedi_new_b0ba0002k") as r where r."sensorreadingtime" = "stedi"."machine_learning_curated"."sensorreadingtime")
union all
select "sensorreadingtime", "serialnumber", "distancefromobject", "timestamp", "x", "y", "z" from "stedi"."machine_learning_curated__stedi_new_b0ba0002"
) as m
where m."serialnumber" in (
    select email from "stedi"."customer_landing" where email is not null
    union select phone from "stedi"."customer_landing" where phone is not null
    union select customername from "stedi"."customer_landing" where customername is not null
)
) as test_failures
) as audit
;

-- audit machine_learning_curated with test consented_machine_learning_curated_serialnumber before publishing
-- audit: consented_machine_learning_curated_serialnumber
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
select "sensorreadingtime", "serialnumber", "distancefromobject", "timestamp", "x", "y", "z" from "stedi"."machine_learning_curated" where not exists (select 1 from (select "sensorreadingtime" from "stedi"."machine_learning_curated__stedi_new_b0ba0002" union select "sensorreadingtime" from "stedi"."machine_learning_curated__stedi_new_b0ba0002k") as r where r."sensorreadingtime" = "stedi"."machine_learning_curated"."sensorreadingtime")
union all
select "sensorreadingtime", "serialnumber", "distancefromobject", "timestamp", "x", "y", "z" from "stedi"."machine_learning_curated__stedi_new_b0ba0002"
) as t
where not exists (
    select 1
    from consenting as c
    where c.customer_key = t."serialnumber"
)
) as test_failures
) as audit
;

-- audit machine_learning_curated with test ml_phone_readings_are_consented before publishing
-- audit: ml_phone_readings_are_consented
select failures, failures <> 0 as blocks from (
select count(*) as failures from (
-- Blocking: it audits machine_learning_curated's new rows before they are published, in run as well as in build.

-- Every phone reading in the training table is a landing reading of a customer whose newest landing record grants
-- research consent (and, with consent_cutoff: as_of, was taken on or after it). Checked against the landing zone,
-- independently of the trusted tables: a consenting record counts only if no record of the same customer at least
-- as new withdraws it.
with consenting as (
    select l.email as customer_key, l.sharewithresearchasofdate as consent_from
from "stedi"."customer_landing" as l
left join (
    select w.email as customer_key, max(coalesce(w.lastupdatedate, 0)) as withdrawn_at
    from "stedi"."customer_landing" as w
    where w.sharewithresearchasofdate is null or w.sharewithresearchasofdate = 0
    group by w.email
) as withdrawn
    on withdrawn.customer_key = l.email
where l.sharewithresearchasofdate is not null
  and l.sharewithresearchasofdate <> 0
  and (withdrawn.customer_key is null or coalesce(l.lastupdatedate, 0) > withdrawn.withdrawn_at)
),

-- The phone readings of consenting customers, each once. (A left join to these, rather than a correlated not
-- exists, costs less than half as much: DuckDB decorrelates not exists into three hash operations.)
consented_readings as (
    select distinct a."timestamp", a.x, a.y, a.z
    from "stedi"."accelerometer_landing" as a
    inner join consenting as c
        on c.customer_key = a."user"
)

select ml.*
from (
select "sensorreadingtime", "serialnumber", "distancefromobject", "timestamp", "x", "y", "z" from "stedi"."machine_learning_curated" where not exists (select 1 from (select "sensorreadingtime" from "stedi"."machine_learning_curated__stedi_new_b0ba0002" union select "sensorreadingtime" from "stedi"."machine_learning_curated__stedi_new_b0ba0002k") as r where r."sensorreadingtime" = "stedi"."machine_learning_curated"."sensorreadingtime")
union all
select "sensorreadingtime", "serialnumber", "distancefromobject", "timestamp", "x", "y", "z" from "stedi"."machine_learning_curated__stedi_new_b0ba0002"
) as ml
left join consented_readings as r
    on r."timestamp" = ml."timestamp"
   and r.x = ml.x
   and r.y = ml.y
   and r.z = ml.z
where r."timestamp" is null
) as test_failures
) as audit
;

-- drop the staged rows of machine_learning_curated if an audit refused them
drop table if exists `stedi`.`machine_learning_curated__stedi_new_b0ba0002`
;

-- drop the staged keys of machine_learning_curated
drop table if exists `stedi`.`machine_learning_curated__stedi_new_b0ba0002k`
;

-- replace the rows of machine_learning_curated whose unique key the new rows or replace_keys carry
merge into "stedi"."machine_learning_curated" as t
using (
    select n."sensorreadingtime", n."serialnumber", n."distancefromobject", n."timestamp", n."x", n."y", n."z", false as "__stedi_replaces" from "stedi"."machine_learning_curated__stedi_new_b0ba0002" as n
    union all
    select distinct n."sensorreadingtime", null, null, null, null, null, null, true from (select "sensorreadingtime" from "stedi"."machine_learning_curated__stedi_new_b0ba0002" union select "sensorreadingtime" from "stedi"."machine_learning_curated__stedi_new_b0ba0002k") as n
) as s
on s."__stedi_replaces" and s."sensorreadingtime" = t."sensorreadingtime"
when matched then delete
when not matched and not s."__stedi_replaces" then insert ("sensorreadingtime", "serialnumber", "distancefromobject", "timestamp", "x", "y", "z") values (s."sensorreadingtime", s."serialnumber", s."distancefromobject", s."timestamp", s."x", s."y", s."z")
;

-- drop the staged rows of machine_learning_curated
drop table if exists `stedi`.`machine_learning_curated__stedi_new_b0ba0002`
;

-- drop the staged keys of machine_learning_curated
drop table if exists `stedi`.`machine_learning_curated__stedi_new_b0ba0002k`
;

-- keep snapshots of machine_learning_curated for 4 hours, when due (10 commits since the last OPTIMIZE or 50 delete files)
alter table `stedi`.`machine_learning_curated` set tblproperties ('vacuum_max_snapshot_age_seconds' = '14400', 'vacuum_min_snapshots_to_keep' = '1', 'optimize_rewrite_delete_file_threshold' = '1', 'optimize_rewrite_data_file_threshold' = '1')
;

-- rewrite the data files of machine_learning_curated that hold deleted rows, when due (10 commits since the last OPTIMIZE or 50 delete files)
optimize stedi.machine_learning_curated rewrite data using bin_pack
;

-- expire snapshots of machine_learning_curated older than 4 hours and delete their files, when due (10 commits since the last OPTIMIZE or 50 delete files)
vacuum stedi.machine_learning_curated
;
