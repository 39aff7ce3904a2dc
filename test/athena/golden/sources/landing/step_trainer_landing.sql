-- declare the external table step_trainer_landing over its landing files
create external table if not exists `stedi`.`step_trainer_landing` (
  `sensorreadingtime` bigint,
  `serialnumber` string,
  `distancefromobject` bigint
)
row format serde 'org.apache.hive.hcatalog.data.JsonSerDe'
location 's3://stedi-landing/stedi/step_trainer/landing/'
tblproperties ('classification' = 'json', 'stedi.declaration' = '9a04759cc0a87036')
;
