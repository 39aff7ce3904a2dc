-- purge the rows of accelerometer_trusted that may no longer be kept
delete from "stedi"."accelerometer_trusted"
where not exists (
    select 1 from "stedi"."customer_trusted" as c
    -- qualified: an unqualified "user" would not reach the deleted row from inside this subquery
    where c.email = "stedi"."accelerometer_trusted"."user"
    
)
;

-- keep snapshots of accelerometer_trusted for 4 hours
alter table `stedi`.`accelerometer_trusted` set tblproperties ('vacuum_max_snapshot_age_seconds' = '14400', 'vacuum_min_snapshots_to_keep' = '1', 'optimize_rewrite_delete_file_threshold' = '1', 'optimize_rewrite_data_file_threshold' = '1')
;

-- rewrite the data files of accelerometer_trusted that hold deleted rows
optimize stedi.accelerometer_trusted rewrite data using bin_pack
;

-- expire snapshots of accelerometer_trusted older than 4 hours and delete their files
vacuum stedi.accelerometer_trusted
;

-- stage the new rows of accelerometer_trusted
create table "stedi"."accelerometer_trusted__stedi_new_b0ba0002" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/accelerometer_trusted__stedi_new_b0ba0002/b0ba0002/', format = 'PARQUET', write_compression = 'ZSTD') as
-- Phone readings of customers who agreed to share their data for research.
-- With consent_cutoff: as_of, readings taken before the customer's consent date are excluded too.
-- Incremental: a run re-reads the readings of the lookback window and every reading of customers new to this table
-- (a customer who just gave consent brings their history); rows of customers who withdrew are purged first (purge, in _trusted.yml).
-- Partitioned by reading day on Athena (partitioned_by; DuckDB ignores it, as it has no partitioned tables):
-- "timestamp" is epoch milliseconds, so truncate(86400000, ...) groups readings by UTC day (Iceberg's day() takes
-- only date and timestamp columns). It pays because this table grows by readings without bound and is read by time:
-- each data file then holds one day, so a query or comparison over a time range (machine_learning_curated's
-- instants, a data scientist's week) reads only those days' files, and the files stay grouped by day after a
-- --full-refresh, whose unpartitioned CTAS would mix all days in every file. The price: a full build writes its rows
-- twice (once unpartitioned, then batch by batch, at most 100 days a query: Athena's limit), and on small data each
-- day is one small file (OPTIMIZE merges small files within a day).

select
    a."user",
    a."timestamp",
    a.x,
    a.y,
    a.z
from "stedi"."accelerometer_landing" as a
inner join "stedi"."customer_trusted" as c
    on a."user" = c.email
where true


  and a."timestamp" >= (select coalesce(max("timestamp"), 0) - 259200000 from "stedi"."accelerometer_trusted")
-- The older readings of customers new to this table, as a second part: the few new customers are found first, so
-- the landing readings outside the window are matched against them instead of each being looked up in this table.
union all
select
    a."user",
    a."timestamp",
    a.x,
    a.y,
    a.z
from "stedi"."accelerometer_landing" as a
inner join (
    select t.email, t.sharewithresearchasofdate
    from "stedi"."customer_trusted" as t
    -- grouped first, so the anti-join hashes one row per known customer, not every reading
    where not exists (select 1 from (select k."user" from "stedi"."accelerometer_trusted" as k group by k."user") as known where known."user" = t.email)
) as c
    on a."user" = c.email
-- not (inside the window), which keeps a reading without a timestamp, as the one-part condition did
where (a."timestamp" < (select coalesce(max("timestamp"), 0) - 259200000 from "stedi"."accelerometer_trusted") or a."timestamp" is null)
;

-- audit accelerometer_trusted with test consented_accelerometer_trusted_user before publishing
-- audit: consented_accelerometer_trusted_user
select failures, failures <> 0 as blocks from (
select count(*) as failures from (
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
)

select t.*
from (
select "user", "timestamp", "x", "y", "z" from "stedi"."accelerometer_trusted" where not exists (select 1 from (select "user", "timestamp" from "stedi"."accelerometer_trusted__stedi_new_b0ba0002") as r where r."user" = "stedi"."accelerometer_trusted"."user" and r."timestamp" = "stedi"."accelerometer_trusted"."timestamp")
union all
select "user", "timestamp", "x", "y", "z" from "stedi"."accelerometer_trusted__stedi_new_b0ba0002"
) as t
where not exists (
    select 1
    from consenting as c
    where c.customer_key = t."user"
)
) as test_failures
) as audit
;

-- drop the staged rows of accelerometer_trusted if an audit refused them
drop table if exists `stedi`.`accelerometer_trusted__stedi_new_b0ba0002`
;

-- replace the rows of accelerometer_trusted whose unique key the new rows carry
merge into "stedi"."accelerometer_trusted" as t
using (
    select n."user", n."timestamp", n."x", n."y", n."z", false as "__stedi_replaces" from "stedi"."accelerometer_trusted__stedi_new_b0ba0002" as n
    union all
    select distinct n."user", n."timestamp", null, null, null, true from "stedi"."accelerometer_trusted__stedi_new_b0ba0002" as n
) as s
on s."__stedi_replaces" and s."user" = t."user" and s."timestamp" = t."timestamp"
when matched then delete
when not matched and not s."__stedi_replaces" then insert ("user", "timestamp", "x", "y", "z") values (s."user", s."timestamp", s."x", s."y", s."z")
;

-- drop the staged rows of accelerometer_trusted
drop table if exists `stedi`.`accelerometer_trusted__stedi_new_b0ba0002`
;
