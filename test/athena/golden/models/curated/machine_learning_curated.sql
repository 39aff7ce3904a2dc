-- build table machine_learning_curated
create table "stedi"."machine_learning_curated" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/machine_learning_curated/b0ba0001/', format = 'PARQUET', write_compression = 'ZSTD') as
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
;
