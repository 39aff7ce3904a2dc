-- build table customer_trusted
create table "stedi"."customer_trusted" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/customer_trusted/b0ba0001/', format = 'PARQUET', write_compression = 'ZSTD') as
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
