-- build table customer_trusted under a temporary name
create table "stedi"."customer_trusted__tmp_b0ba0001" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/customer_trusted/b0ba0001/', format = 'PARQUET', write_compression = 'ZSTD') as
-- Customers who agreed to share their data for research.
-- A customer may appear in several landing records (a newer snapshot of the website's export); the newest record
-- by lastupdatedate is the customer's current state, so a withdrawn consent in a newer record removes the customer.
-- When two newest records tie, the one without consent is taken: when unsure, exclude.
with ranked as (
    select
        c.*,
        row_number() over (
            partition by c.email
            order by c.lastupdatedate desc nulls last, coalesce(c.sharewithresearchasofdate, 0) asc, c.serialnumber asc
        ) as recency
    from "stedi"."customer_landing" as c
    -- Only customers with some record granting consent can be kept, so only their records are ranked (all of them,
    -- so the newest is still found): a customer who never consented costs no sort.
    where c.email in (
        select l.email
        from "stedi"."customer_landing" as l
        where (l.sharewithresearchasofdate is not null and l.sharewithresearchasofdate <> 0)
    )
)

select
    customername,
    email,
    phone,
    birthday,
    serialnumber,
    registrationdate,
    lastupdatedate,
    sharewithresearchasofdate,
    sharewithpublicasofdate,
    sharewithfriendsasofdate
from ranked
where recency = 1
  and email is not null
  and (sharewithresearchasofdate is not null and sharewithresearchasofdate <> 0)
;

-- audit customer_trusted with test consented_customer_trusted_email before publishing
-- audit: consented_customer_trusted_email
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
from "stedi"."customer_trusted__tmp_b0ba0001" as t
where not exists (
    select 1
    from consenting as c
    where c.customer_key = t."email"
)
) as test_failures
) as audit
;

-- audit customer_trusted with test consented_customer_trusted_serialnumber before publishing
-- audit: consented_customer_trusted_serialnumber
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
from "stedi"."customer_trusted__tmp_b0ba0001" as t
where not exists (
    select 1
    from consenting as c
    where c.customer_key = t."serialnumber"
)
) as test_failures
) as audit
;

-- drop the new customer_trusted if an audit refused it
drop table if exists `stedi`.`customer_trusted__tmp_b0ba0001`
;

-- publish customer_trusted
alter table `stedi`.`customer_trusted__tmp_b0ba0001` rename to `stedi`.`customer_trusted`
;
