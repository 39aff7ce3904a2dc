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
