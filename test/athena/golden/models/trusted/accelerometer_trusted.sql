-- build table accelerometer_trusted under a temporary name
create table "stedi"."accelerometer_trusted__tmp_b0ba0001" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/accelerometer_trusted/b0ba0001/', format = 'PARQUET', write_compression = 'ZSTD') as
-- Phone readings of customers who agreed to share their data for research.
-- With consent_cutoff: as_of, readings taken before the customer's consent date are excluded too.
-- Incremental: a run re-reads the readings of the lookback window and every reading of customers new to this table
-- (a customer who just gave consent brings their history); rows of customers who withdrew are purged first (purge, in _trusted.yml).

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
