-- stage the new rows of accelerometer_trusted
create table "stedi"."accelerometer_trusted__stedi_new_b0ba0002" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/accelerometer_trusted__stedi_new_b0ba0002/b0ba0002/', format = 'PARQUET', write_compression = 'ZSTD') as
-- Phone readings of customers who agreed to share their data for research.
-- With consent_cutoff: as_of, readings taken before the customer's consent date are excluded too.
-- Incremental: a run re-reads the readings of the lookback window and every reading of customers new to this table
-- (a customer who just gave consent brings their history); rows of customers who withdrew are purged (post_hook).

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

-- run post-hook 1 of accelerometer_trusted
delete from "stedi"."accelerometer_trusted" where not exists (
    select 1 from "stedi"."customer_trusted" as c
    -- qualified: an unqualified "user" would not reach the deleted row from inside this subquery
    where c.email = "stedi"."accelerometer_trusted"."user"
    
)
;

-- drop the staged rows of accelerometer_trusted
drop table if exists `stedi`.`accelerometer_trusted__stedi_new_b0ba0002`
;
