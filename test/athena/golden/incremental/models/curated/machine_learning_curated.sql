-- stage the new rows of machine_learning_curated
create table "stedi"."machine_learning_curated__stedi_new_b0ba0002" with (table_type = 'ICEBERG', is_external = false, location = 's3://stedi-lakehouse/zones/stedi/machine_learning_curated__stedi_new_b0ba0002/b0ba0002/', format = 'PARQUET', write_compression = 'ZSTD') as
-- The training table: each trusted step trainer reading paired with the trusted phone readings of the same
-- millisecond. It carries no direct identifier (no email, name, phone or birthday).
-- ml_pairing: timestamp pairs on time alone (the reference table; a reading may meet another customer's phone
-- reading that shares the millisecond); same_customer also requires the phone to belong to the device's owner.
-- Incremental: a run rebuilds exactly the instants whose pairs changed (a new reading, a late file, a withdrawn
-- consent), found by comparing each instant's row count and fingerprint with what the trusted tables give now.
-- That comparison reads every table whole, so it runs once, for the new rows; the rows replaced are those at the
-- instants the new rows carry, and at instants that no longer have any pair (changed, but without new rows).

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


where s.sensorreadingtime in (select changed_at from (select at_time as changed_at
from (
    select s.sensorreadingtime as at_time, 1 as side,
           abs(from_big_endian_64(xxhash64(to_utf8(concat_ws('|', coalesce(cast(s.sensorreadingtime as varchar), '\N'), coalesce(cast(s.serialnumber as varchar), '\N'), coalesce(cast(s.distancefromobject as varchar), '\N'), coalesce(cast(a."timestamp" as varchar), '\N'), coalesce(cast(a.x as varchar), '\N'), coalesce(cast(a.y as varchar), '\N'), coalesce(cast(a.z as varchar), '\N'))))) % 2147483647) as fingerprint
    from "stedi"."step_trainer_trusted" as s
    inner join "stedi"."accelerometer_trusted" as a
        on a."timestamp" = s.sensorreadingtime
    
    union all
    select sensorreadingtime, -1, abs(from_big_endian_64(xxhash64(to_utf8(concat_ws('|', coalesce(cast(sensorreadingtime as varchar), '\N'), coalesce(cast(serialnumber as varchar), '\N'), coalesce(cast(distancefromobject as varchar), '\N'), coalesce(cast("timestamp" as varchar), '\N'), coalesce(cast(x as varchar), '\N'), coalesce(cast(y as varchar), '\N'), coalesce(cast(z as varchar), '\N'))))) % 2147483647)
    from "stedi"."machine_learning_curated"
) as both_sides
group by at_time
having sum(side) <> 0 or sum(side * fingerprint) <> 0) as changed)
;

-- delete the rows of machine_learning_curated that meet replace_where
delete from "stedi"."machine_learning_curated"
where sensorreadingtime in (select sensorreadingtime from "stedi"."machine_learning_curated__stedi_new_b0ba0002") or (sensorreadingtime not in (select s.sensorreadingtime from "stedi"."step_trainer_trusted" as s where s.sensorreadingtime is not null)
 or sensorreadingtime not in (select a."timestamp" from "stedi"."accelerometer_trusted" as a where a."timestamp" is not null))
;

-- insert the new rows into machine_learning_curated
insert into "stedi"."machine_learning_curated" ("sensorreadingtime", "serialnumber", "distancefromobject", "timestamp", "x", "y", "z")
select "sensorreadingtime", "serialnumber", "distancefromobject", "timestamp", "x", "y", "z" from "stedi"."machine_learning_curated__stedi_new_b0ba0002"
;

-- drop the staged rows of machine_learning_curated
drop table if exists `stedi`.`machine_learning_curated__stedi_new_b0ba0002`
;
