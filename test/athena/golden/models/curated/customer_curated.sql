-- build table customer_curated under a temporary name
create table "stedi"."customer_curated__tmp_b0ba0001" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/customer_curated/b0ba0001/', format = 'PARQUET', write_compression = 'ZSTD') as
-- Consenting customers who have at least one trusted phone reading: one row per customer
-- (a semi-join, not a join, so a customer is not repeated once per reading). The readings' customers are grouped
-- first: the join then hashes one row per customer instead of every reading (half the time at 1,000,000 customers).
select c.*
from "stedi"."customer_trusted" as c
where c.email in (
    select a."user"
    from "stedi"."accelerometer_trusted" as a
    group by a."user"
)
;

-- audit customer_curated with test consented_customer_curated_email before publishing
-- audit: consented_customer_curated_email
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
from "stedi"."customer_curated__tmp_b0ba0001" as t
where not exists (
    select 1
    from consenting as c
    where c.customer_key = t."email"
)
) as test_failures
) as audit
;

-- audit customer_curated with test consented_customer_curated_serialnumber before publishing
-- audit: consented_customer_curated_serialnumber
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
from "stedi"."customer_curated__tmp_b0ba0001" as t
where not exists (
    select 1
    from consenting as c
    where c.customer_key = t."serialnumber"
)
) as test_failures
) as audit
;

-- drop the new customer_curated if an audit refused it
drop table if exists `stedi`.`customer_curated__tmp_b0ba0001`
;

-- publish customer_curated
alter table `stedi`.`customer_curated__tmp_b0ba0001` rename to `stedi`.`customer_curated`
;
