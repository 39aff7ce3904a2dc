-- build table accelerometer_trusted under a temporary name: write its rows once, unpartitioned
create table "stedi"."accelerometer_trusted__tmp_b0ba0001r" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/accelerometer_trusted/b0ba0001r/', format = 'PARQUET', write_compression = 'ZSTD') as
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
;

-- build table accelerometer_trusted under a temporary name: partitions of batch 1 (at most 100 keys a batch)
create table "stedi"."accelerometer_trusted__tmp_b0ba0001" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/accelerometer_trusted/b0ba0001/', format = 'PARQUET', write_compression = 'ZSTD', partitioning = ARRAY['truncate(timestamp, 86400000)']) as
select r.* from "stedi"."accelerometer_trusted__tmp_b0ba0001r" as r
inner join (
    select "__stedi_k0" from (
        select "__stedi_k0", (row_number() over (order by "__stedi_k0") - 1) / 100 as "__stedi_batch"
        from (select distinct r."timestamp" - ((r."timestamp" % 86400000) + 86400000) % 86400000 as "__stedi_k0" from "stedi"."accelerometer_trusted__tmp_b0ba0001r" as r) as d
    ) as ranked
    where "__stedi_batch" = 0
) as b
    on r."timestamp" - ((r."timestamp" % 86400000) + 86400000) % 86400000 is not distinct from b."__stedi_k0"
;

-- build table accelerometer_trusted under a temporary name: partitions of each further batch
insert into "stedi"."accelerometer_trusted__tmp_b0ba0001"
select r.* from "stedi"."accelerometer_trusted__tmp_b0ba0001r" as r
inner join (
    select "__stedi_k0" from (
        select "__stedi_k0", (row_number() over (order by "__stedi_k0") - 1) / 100 as "__stedi_batch"
        from (select distinct r."timestamp" - ((r."timestamp" % 86400000) + 86400000) % 86400000 as "__stedi_k0" from "stedi"."accelerometer_trusted__tmp_b0ba0001r" as r) as d
    ) as ranked
    where "__stedi_batch" = 1
) as b
    on r."timestamp" - ((r."timestamp" % 86400000) + 86400000) % 86400000 is not distinct from b."__stedi_k0"
;

-- drop the partly built accelerometer_trusted
drop table if exists `stedi`.`accelerometer_trusted__tmp_b0ba0001`
;

-- drop the unpartitioned rows of accelerometer_trusted
drop table if exists `stedi`.`accelerometer_trusted__tmp_b0ba0001r`
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
from "stedi"."accelerometer_trusted__tmp_b0ba0001" as t
where not exists (
    select 1
    from consenting as c
    where c.customer_key = t."user"
)
) as test_failures
) as audit
;

-- drop the new accelerometer_trusted if an audit refused it
drop table if exists `stedi`.`accelerometer_trusted__tmp_b0ba0001`
;

-- publish accelerometer_trusted
alter table `stedi`.`accelerometer_trusted__tmp_b0ba0001` rename to `stedi`.`accelerometer_trusted`
;
