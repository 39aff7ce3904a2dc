#!/usr/bin/env node
// The baseline of section 0: what a user would write without stedi-models. DuckDB's read_json with the declared
// columns and the eight relations as plain `create table as`, written here from the STEDI rules (not our compiled
// statements), one after the other on one connection, into a fresh database file.
//
//   node bench/plain-script.mjs <database file> <landing root>
import { DuckDBInstance } from '@duckdb/node-api';

const [database, root] = process.argv.slice(2);
const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const read = (dataset, columns) =>
  `select ${Object.entries(columns)
    .map(([key, [name]]) => `"${key}" as ${name}`)
    .join(
      ', ',
    )} from read_json(${quote(`${root}/${dataset}/landing/*.json`)}, format = 'newline_delimited', columns = {${Object.entries(
    columns,
  )
    .map(([key, [, type]]) => `'${key}': '${type}'`)
    .join(', ')}})`;

const STATEMENTS = [
  `create table customer_landing as ${read('customer', {
    customerName: ['customername', 'VARCHAR'],
    email: ['email', 'VARCHAR'],
    phone: ['phone', 'VARCHAR'],
    birthDay: ['birthday', 'VARCHAR'],
    serialNumber: ['serialnumber', 'VARCHAR'],
    registrationDate: ['registrationdate', 'BIGINT'],
    lastUpdateDate: ['lastupdatedate', 'BIGINT'],
    shareWithResearchAsOfDate: ['sharewithresearchasofdate', 'BIGINT'],
    shareWithPublicAsOfDate: ['sharewithpublicasofdate', 'BIGINT'],
    shareWithFriendsAsOfDate: ['sharewithfriendsasofdate', 'BIGINT'],
  })}`,
  `create table accelerometer_landing as ${read('accelerometer', {
    user: ['"user"', 'VARCHAR'],
    timestamp: ['"timestamp"', 'BIGINT'],
    x: ['x', 'DOUBLE'],
    y: ['y', 'DOUBLE'],
    z: ['z', 'DOUBLE'],
  })}`,
  `create table step_trainer_landing as ${read('step_trainer', {
    sensorReadingTime: ['sensorreadingtime', 'BIGINT'],
    serialNumber: ['serialnumber', 'VARCHAR'],
    distanceFromObject: ['distancefromobject', 'BIGINT'],
  })}`,
  // A customer's newest record decides; on a tie the record without consent wins.
  `create table customer_trusted as
   select * exclude (recency) from (
     select *, row_number() over (partition by email order by lastupdatedate desc nulls last,
       coalesce(sharewithresearchasofdate, 0), serialnumber) as recency
     from customer_landing)
   where recency = 1 and email is not null and coalesce(sharewithresearchasofdate, 0) <> 0`,
  `create table accelerometer_trusted as
   select a.* from accelerometer_landing as a join customer_trusted as c on a."user" = c.email`,
  `create table customer_curated as
   select * from customer_trusted where email in (select "user" from accelerometer_trusted)`,
  // A device counts only if no landing record gives its serial number to a customer who is not trusted.
  `create table step_trainer_trusted as
   select s.* from step_trainer_landing as s
   where s.serialnumber in (select serialnumber from customer_curated)
     and s.serialnumber not in (
       select l.serialnumber from customer_landing as l
       where l.serialnumber is not null and l.email not in (select email from customer_trusted))`,
  `create table machine_learning_curated as
   select s.sensorreadingtime, s.serialnumber, s.distancefromobject, a."timestamp", a.x, a.y, a.z
   from step_trainer_trusted as s join accelerometer_trusted as a on a."timestamp" = s.sensorreadingtime`,
];

const instance = await DuckDBInstance.create(database);
const connection = await instance.connect();
for (const sql of STATEMENTS) await connection.run(sql);
if (process.env.PLAIN_SCRIPT_COUNTS) {
  for (const table of [
    'customer_landing',
    'accelerometer_landing',
    'step_trainer_landing',
    'customer_trusted',
    'accelerometer_trusted',
    'customer_curated',
    'step_trainer_trusted',
    'machine_learning_curated',
  ]) {
    const reader = await connection.runAndReadAll(`select count(*) from ${table}`);
    console.log(table, String(reader.getRows()[0][0]));
  }
}
connection.closeSync();
instance.closeSync();
