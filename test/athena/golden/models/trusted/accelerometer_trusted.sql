-- build table accelerometer_trusted
create table "stedi"."accelerometer_trusted" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/accelerometer_trusted/b0ba0001/', format = 'PARQUET', write_compression = 'ZSTD') as
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
;
