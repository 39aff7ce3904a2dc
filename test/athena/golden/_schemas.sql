-- create schema stedi
create schema if not exists `stedi`
;
