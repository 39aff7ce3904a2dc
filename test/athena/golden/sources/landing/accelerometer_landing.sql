-- declare the external table accelerometer_landing over its landing files
create external table if not exists `stedi`.`accelerometer_landing` (
  `user` string,
  `timestamp` bigint,
  `x` double,
  `y` double,
  `z` double
)
row format serde 'org.apache.hive.hcatalog.data.JsonSerDe'
location 's3://stedi-landing/stedi/accelerometer/landing/'
tblproperties ('classification' = 'json', 'stedi.declaration' = '41c7a1851a061bcf')
;
