import { S, sqlString, type LandingFacts, type Vars } from './stedi-build.js';

/**
 * One way of breaking built STEDI data on purpose, and exactly which STEDI tests must then fail. Every test not
 * listed must pass, except those in `warns` (by default the cross-customer pairing warning of the default build).
 */
export interface Breakage {
  /** The behaviour, as the `it` sentence. */
  it: string;
  /** Statements run on a copy of the built database; they may use landing customers of each consent kind. */
  tamper: (landing: LandingFacts) => string[];
  fails: string[];
  warns?: string[];
  /** Vars of the `test` invocation, over the build's. */
  vars?: Vars;
}

// Consenting customers who have no phone readings: in customer_trusted, not in customer_curated.
const WITHOUT_READINGS = `select email from ${S}.customer_trusted where email not in (select "user" from ${S}.accelerometer_trusted) order by email limit 1`;
const CURATED_WITH_STEPS = `select serialnumber from ${S}.customer_curated where serialnumber in (select serialnumber from ${S}.step_trainer_trusted) order by serialnumber limit 1`;

const readingOf = (email: string) =>
  `insert into ${S}.accelerometer_trusted select * from ${S}.accelerometer_landing where "user" = ${sqlString(email)} order by all limit 1`;

/** Readings and customers of people without research consent reaching the trusted and curated zones. */
export const CONSENT_BREAKAGES: Breakage[] = [
  {
    it: 'fails consented_accelerometer_trusted_user on a reading of a customer whose consent key is absent',
    tamper: (l) => [readingOf(l.keyAbsent.email)],
    fails: ['consented_accelerometer_trusted_user', 'relationships_accelerometer_trusted_user'],
  },
  {
    it: 'fails consented_accelerometer_trusted_user on a reading of a customer whose consent is null',
    tamper: (l) => [readingOf(l.consentNull.email)],
    fails: ['consented_accelerometer_trusted_user', 'relationships_accelerometer_trusted_user'],
  },
  {
    it: 'fails consented_accelerometer_trusted_user on a reading of a customer whose consent is 0',
    tamper: (l) => [readingOf(l.consentZero.email)],
    fails: ['consented_accelerometer_trusted_user', 'relationships_accelerometer_trusted_user'],
  },
  {
    it: 'fails both consented tests of customer_trusted on a customer without consent',
    tamper: (l) => [
      `insert into ${S}.customer_trusted select * from ${S}.customer_landing where email = ${sqlString(l.keyAbsent.email)}`,
    ],
    fails: ['consented_customer_trusted_email', 'consented_customer_trusted_serialnumber'],
  },
  {
    // The tie rule: a landing record without consent, exactly as new as the customer's newest record granting it,
    // withdraws the consent (when unsure, exclude). The customer has no readings, so only customer_trusted holds them.
    // Breakage it catches: `>` turned into `>=` in consenting_customers (macros/consent.sql); no other test does.
    it: 'fails both consented tests of customer_trusted when a record without consent ties with the newest one granting it',
    tamper: () => [
      `insert into ${S}.customer_landing
       select * replace (null as sharewithresearchasofdate) from ${S}.customer_landing
       where email = (${WITHOUT_READINGS}) order by lastupdatedate desc limit 1`,
    ],
    fails: ['consented_customer_trusted_email', 'consented_customer_trusted_serialnumber'],
  },
  {
    it: 'fails both consented tests of customer_curated on a customer whose consent is null',
    tamper: (l) => [
      `insert into ${S}.customer_curated select * from ${S}.customer_landing where email = ${sqlString(l.consentNull.email)}`,
    ],
    fails: ['consented_customer_curated_email', 'consented_customer_curated_serialnumber'],
  },
  {
    it: "fails consented_step_trainer_trusted_serialnumber on a reading of a non-consenting customer's device",
    tamper: (l) => [
      `insert into ${S}.step_trainer_trusted select * from ${S}.step_trainer_landing where serialnumber = ${sqlString(l.consentZero.serialNumber)} order by all limit 1`,
    ],
    fails: ['consented_step_trainer_trusted_serialnumber', 'relationships_step_trainer_trusted_serialnumber'],
  },
  {
    it: "fails consented_machine_learning_curated_serialnumber on a training row of a non-consenting customer's device",
    tamper: (l) => [
      `insert into ${S}.machine_learning_curated select sensorreadingtime, ${sqlString(l.consentNull.serialNumber)}, distancefromobject, "timestamp", x, y, z from ${S}.machine_learning_curated order by all limit 1`,
    ],
    fails: ['consented_machine_learning_curated_serialnumber'],
  },
  {
    it: 'fails ml_phone_readings_are_consented on a training row holding the phone reading of a customer whose consent key is absent',
    tamper: (l) => [
      `insert into ${S}.machine_learning_curated
       select ml.sensorreadingtime, ml.serialnumber, ml.distancefromobject, a."timestamp", a.x, a.y, a.z
       from (select * from ${S}.machine_learning_curated order by all limit 1) as ml,
            (select * from ${S}.accelerometer_landing where "user" = ${sqlString(l.keyAbsent.email)} order by all limit 1) as a`,
    ],
    fails: ['ml_phone_readings_are_consented'],
  },
];

/** Duplicates, missing keys and dangling references. */
export const KEY_BREAKAGES: Breakage[] = [
  {
    it: 'fails the unique tests of customer_trusted on a duplicated customer',
    tamper: () => [`insert into ${S}.customer_trusted select * from ${S}.customer_trusted order by email limit 1`],
    fails: ['unique_customer_trusted_email', 'unique_customer_trusted_serialnumber'],
  },
  {
    it: "fails unique_customer_trusted_email alone when a customer is given another customer's email",
    tamper: () => [
      `update ${S}.customer_trusted set email = (select max(email) from ${S}.customer_trusted) where email = (${WITHOUT_READINGS})`,
    ],
    fails: ['unique_customer_trusted_email'],
  },
  {
    it: "fails unique_customer_trusted_serialnumber alone when a customer is given another customer's serial number",
    tamper: () => [
      `update ${S}.customer_trusted set serialnumber = (select max(serialnumber) from ${S}.customer_trusted) where email = (${WITHOUT_READINGS})`,
    ],
    fails: ['unique_customer_trusted_serialnumber'],
  },
  {
    it: 'fails the unique tests of customer_curated on a duplicated customer',
    tamper: () => [`insert into ${S}.customer_curated select * from ${S}.customer_curated order by email limit 1`],
    fails: ['unique_customer_curated_email', 'unique_customer_curated_serialnumber'],
  },
  {
    it: "fails unique_customer_curated_email alone when a customer is given another customer's email",
    tamper: () => [
      `update ${S}.customer_curated set email = (select max(email) from ${S}.customer_curated) where email = (select min(email) from ${S}.customer_curated)`,
    ],
    fails: ['unique_customer_curated_email'],
  },
  {
    it: "fails unique_customer_curated_serialnumber when a customer is given another customer's serial number (orphaning its readings)",
    tamper: () => [
      `update ${S}.customer_curated set serialnumber = (select max(serialnumber) from ${S}.customer_curated) where serialnumber = (${CURATED_WITH_STEPS})`,
    ],
    fails: ['unique_customer_curated_serialnumber', 'relationships_step_trainer_trusted_serialnumber'],
  },
  {
    it: 'fails unique_combination_of_columns_step_trainer_trusted on a duplicated step trainer reading',
    tamper: () => [
      `insert into ${S}.step_trainer_trusted select * from ${S}.step_trainer_trusted order by all limit 1`,
    ],
    fails: ['unique_combination_of_columns_step_trainer_trusted'],
  },
  {
    it: 'fails unique_combination_of_columns_step_trainer_trusted on two readings of a device at one instant with different distances',
    tamper: () => [
      `insert into ${S}.step_trainer_trusted select sensorreadingtime, serialnumber, distancefromobject + 1 from ${S}.step_trainer_trusted order by all limit 1`,
    ],
    fails: ['unique_combination_of_columns_step_trainer_trusted'],
  },
  {
    it: 'fails relationships_accelerometer_trusted_user alone when the reading customer is missing from customer_trusted',
    tamper: () => [
      `delete from ${S}.customer_trusted where email = (select min("user") from ${S}.accelerometer_trusted)`,
    ],
    fails: ['relationships_accelerometer_trusted_user'],
  },
  {
    it: 'fails relationships_step_trainer_trusted_serialnumber alone on a reading of a consenting customer who is not in customer_curated',
    tamper: () => [
      `insert into ${S}.step_trainer_trusted select 1655500000000, serialnumber, 250 from ${S}.customer_trusted where email = (${WITHOUT_READINGS})`,
    ],
    fails: ['relationships_step_trainer_trusted_serialnumber'],
  },
  {
    it: 'fails not_null_accelerometer_trusted_user (and consent) on a reading without a user',
    tamper: () => [`insert into ${S}.accelerometer_trusted values (null, 1655500000000, 0, 0, 1)`],
    fails: ['not_null_accelerometer_trusted_user', 'consented_accelerometer_trusted_user'],
  },
  {
    it: 'fails not_null_customer_trusted_email (and consent) on a customer without an email',
    tamper: () => [`update ${S}.customer_trusted set email = null where email = (${WITHOUT_READINGS})`],
    fails: ['not_null_customer_trusted_email', 'consented_customer_trusted_email'],
  },
  {
    it: 'fails not_null_customer_trusted_serialnumber (and consent) on a customer without a serial number',
    tamper: () => [`update ${S}.customer_trusted set serialnumber = null where email = (${WITHOUT_READINGS})`],
    fails: ['not_null_customer_trusted_serialnumber', 'consented_customer_trusted_serialnumber'],
  },
  {
    it: 'fails not_null_customer_curated_email (and consent) on a customer without an email',
    tamper: () => [
      `update ${S}.customer_curated set email = null where email = (select min(email) from ${S}.customer_curated)`,
    ],
    fails: ['not_null_customer_curated_email', 'consented_customer_curated_email'],
  },
  {
    it: 'fails not_null_customer_curated_serialnumber (and consent, and the step trainer relationship) on a customer without a serial number',
    tamper: () => [`update ${S}.customer_curated set serialnumber = null where serialnumber = (${CURATED_WITH_STEPS})`],
    fails: [
      'not_null_customer_curated_serialnumber',
      'consented_customer_curated_serialnumber',
      'relationships_step_trainer_trusted_serialnumber',
    ],
  },
  {
    it: 'fails not_null_step_trainer_trusted_serialnumber (and consent) on a reading without a serial number',
    tamper: () => [`insert into ${S}.step_trainer_trusted values (1655500000000, null, 250)`],
    fails: ['not_null_step_trainer_trusted_serialnumber', 'consented_step_trainer_trusted_serialnumber'],
  },
  {
    it: 'fails not_null_machine_learning_curated_serialnumber (and consent) on a training row without a serial number',
    tamper: () => [
      `insert into ${S}.machine_learning_curated select sensorreadingtime, null, distancefromobject, "timestamp", x, y, z from ${S}.machine_learning_curated order by all limit 1`,
    ],
    fails: ['not_null_machine_learning_curated_serialnumber', 'consented_machine_learning_curated_serialnumber'],
  },
];

const addColumn = (name: string, type: string, value: string) => [
  `alter table ${S}.machine_learning_curated add column ${name} ${type}`,
  `update ${S}.machine_learning_curated set ${name} = ${value} where serialnumber = (select min(serialnumber) from ${S}.machine_learning_curated)`,
];

/** Direct identifiers reaching the training table, as values or as columns. */
export const IDENTIFIER_BREAKAGES: Breakage[] = [
  {
    it: 'fails no_identifiers when an email is stored as a value of serialnumber',
    tamper: (l) => [
      `insert into ${S}.machine_learning_curated select sensorreadingtime, ${sqlString(l.keyAbsent.email)}, distancefromobject, "timestamp", x, y, z from ${S}.machine_learning_curated order by all limit 1`,
    ],
    fails: ['no_identifiers_machine_learning_curated', 'consented_machine_learning_curated_serialnumber'],
  },
  {
    it: 'fails no_identifiers when a column named email is added, even with no values',
    tamper: () => [`alter table ${S}.machine_learning_curated add column email varchar`],
    fails: ['no_identifiers_machine_learning_curated'],
  },
  {
    it: 'fails no_identifiers on a column whose name only contains an identifier pattern, in any case',
    tamper: () => [`alter table ${S}.machine_learning_curated add column "Customer_Phone_Number" varchar`],
    fails: ['no_identifiers_machine_learning_curated'],
  },
  {
    it: 'fails no_identifiers on a column named user (the accelerometer email column)',
    tamper: () => [`alter table ${S}.machine_learning_curated add column "user" varchar`],
    fails: ['no_identifiers_machine_learning_curated'],
  },
  {
    it: "fails no_identifiers on a harmlessly named column holding a customer's phone number",
    tamper: (l) => addColumn('device_note', 'varchar', sqlString(l.consentZero.phone)),
    fails: ['no_identifiers_machine_learning_curated'],
  },
  {
    it: "fails no_identifiers on a harmlessly named column holding a customer's name",
    tamper: (l) => addColumn('label', 'varchar', sqlString(l.consentNull.customerName)),
    fails: ['no_identifiers_machine_learning_curated'],
  },
];

const CONSENT_OF = `select sharewithresearchasofdate from ${S}.customer_curated where serialnumber = ml.serialnumber`;

/**
 * Readings taken before the customer's consent, in a database built with consent_cutoff: as_of. Each fails under
 * as_of (the build's vars) and the test file checks that the same data passes under consent_cutoff: any.
 */
export const AS_OF_BREAKAGES: Breakage[] = [
  {
    it: 'fails consented_accelerometer_trusted_user on a phone reading taken a millisecond before consent',
    tamper: () => [
      `insert into ${S}.accelerometer_trusted
       select c.email, c.sharewithresearchasofdate - 1, 0, 0, 1 from ${S}.customer_curated as c order by c.email limit 1`,
    ],
    fails: ['consented_accelerometer_trusted_user'],
  },
  {
    it: 'fails consented_step_trainer_trusted_serialnumber on a step trainer reading taken a millisecond before consent',
    tamper: () => [
      `insert into ${S}.step_trainer_trusted
       select c.sharewithresearchasofdate - 1, c.serialnumber, 250 from ${S}.customer_curated as c order by c.email limit 1`,
    ],
    fails: ['consented_step_trainer_trusted_serialnumber'],
  },
  {
    it: 'fails consented_machine_learning_curated_serialnumber on a training row whose step reading predates consent',
    tamper: () => [
      `insert into ${S}.machine_learning_curated
       select (${CONSENT_OF}) - 1, ml.serialnumber, ml.distancefromobject, ml."timestamp", ml.x, ml.y, ml.z
       from (select * from ${S}.machine_learning_curated order by all limit 1) as ml`,
    ],
    fails: ['consented_machine_learning_curated_serialnumber'],
  },
  {
    it: 'fails ml_phone_readings_are_consented on a training row whose phone reading predates consent',
    tamper: () => [
      // A landing reading of a consenting customer taken before their consent, that no reading after consent repeats.
      `insert into ${S}.machine_learning_curated
       select ml.sensorreadingtime, ml.serialnumber, ml.distancefromobject, a."timestamp", a.x, a.y, a.z
       from (select * from ${S}.machine_learning_curated order by all limit 1) as ml,
            (select a.* from ${S}.accelerometer_landing as a
             inner join ${S}.customer_curated as c on c.email = a."user"
             where a."timestamp" < c.sharewithresearchasofdate
               and not exists (
                 select 1 from ${S}.accelerometer_landing as b inner join ${S}.customer_landing as bc on bc.email = b."user"
                 where b."timestamp" = a."timestamp" and b.x = a.x and b.y = a.y and b.z = a.z
                   and b."timestamp" >= bc.sharewithresearchasofdate)
             order by all limit 1) as a`,
    ],
    fails: ['ml_phone_readings_are_consented'],
  },
];

/** The relations with a reference_row_count test, and the test's name. */
export const REFERENCE_TESTS: Record<string, string> = {
  customer_landing: 'reference_row_count_landing_customer_landing',
  accelerometer_landing: 'reference_row_count_landing_accelerometer_landing',
  step_trainer_landing: 'reference_row_count_landing_step_trainer_landing',
  customer_trusted: 'reference_row_count_customer_trusted',
  accelerometer_trusted: 'reference_row_count_accelerometer_trusted',
  step_trainer_trusted: 'reference_row_count_step_trainer_trusted',
  customer_curated: 'reference_row_count_customer_curated',
  machine_learning_curated: 'reference_row_count_machine_learning_curated',
};
