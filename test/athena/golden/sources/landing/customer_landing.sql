-- declare the external table customer_landing over its landing files
create external table if not exists `stedi`.`customer_landing` (
  `customername` string,
  `email` string,
  `phone` string,
  `birthday` string,
  `serialnumber` string,
  `registrationdate` bigint,
  `lastupdatedate` bigint,
  `sharewithresearchasofdate` bigint,
  `sharewithpublicasofdate` bigint,
  `sharewithfriendsasofdate` bigint
)
row format serde 'org.apache.hive.hcatalog.data.JsonSerDe'
location 's3://stedi-landing/stedi/customer/landing/'
tblproperties ('classification' = 'json', 'stedi.declaration' = 'b61fed5c8ee27c61')
;
