// Pure generation of synthetic STEDI landing records. No I/O: the writer streams what this yields.
// Customer i's data depends only on (seed, i) (and on its block of neighbours, itself a function of i),
// so any range of customers can be generated on its own and the output never depends on the total count.
import { SeededRandom, hashToUint32 } from './seeded-random.js';

/** One line of customer/landing, keys in the order of the real files. */
export interface CustomerRecord {
  customerName: string;
  email: string;
  phone: string;
  birthDay: string;
  serialNumber: string;
  registrationDate: number;
  lastUpdateDate: number;
  /** Absent, null and 0 all mean "no consent to research": the models' consent filter must treat them alike. */
  shareWithResearchAsOfDate?: number | null;
  shareWithPublicAsOfDate?: number;
  shareWithFriendsAsOfDate?: number;
}

/** One line of accelerometer/landing: a phone reading of the user with this email. */
export interface AccelerometerRecord {
  user: string;
  timestamp: number;
  x: number;
  y: number;
  z: number;
}

/** One line of step_trainer/landing: a reading of the device with this serial number. */
export interface StepTrainerRecord {
  sensorReadingTime: number;
  serialNumber: string;
  distanceFromObject: number;
}

/** Everything generated for one customer index, including readings of unknown users and devices. */
export interface CustomerLandingData {
  index: number;
  customer: CustomerRecord;
  accelerometer: AccelerometerRecord[];
  stepTrainer: StepTrainerRecord[];
  /** Phone readings of a user who is no customer: joins to customers must drop them. */
  orphanAccelerometer: AccelerometerRecord[];
  /** Step trainer readings of a serial number no customer owns. */
  orphanStepTrainer: StepTrainerRecord[];
}

// Mid-June 2022, when the real STEDI readings were taken, so dates look plausible next to the real data.
const BASE_EPOCH_MS = 1_655_500_000_000;
// Neighbouring customers share a block: a reading window and a few "shared ticks", milliseconds at which
// several of them may read at once. That gives cross-customer timestamp coincidences at a rate that does not
// depend on how many customers are generated (the real data has a few %).
const CUSTOMERS_PER_BLOCK = 8;
const BLOCK_SPACING_MS = 20_000;
const READING_WINDOW_MS = 90_000;
const SHARED_TICKS_PER_BLOCK = 3;
const SHARED_TICK_PROBABILITY = 0.06;

const NO_READINGS_PROBABILITY = 0.08;
const MAX_READING_TIMES = 12;
// The real data repeats (user, timestamp) with different x/y/z; the models must not assume it is a key.
const REPEATED_READING_PROBABILITY = 0.35;
const STEP_READING_PROBABILITY = 0.85;
const ORPHAN_PROBABILITY = 0.01;

const CUSTOMER_SALT = 0x5ced1;
const BLOCK_SALT = 0xb10c;

const FIRST_NAMES = [
  'Ada',
  'Bruno',
  'Chiara',
  'Dmitri',
  'Elif',
  'Farid',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemal',
  'Lena',
  'Mateo',
  'Nadia',
  'Oskar',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Tamar',
  'Umar',
  'Vera',
  'Wen',
  'Yara',
] as const;
const LAST_NAMES = [
  'Abbott',
  'Brennan',
  'Castillo',
  'Dunmore',
  'Eriksen',
  'Fairweather',
  'Gallo',
  'Hartley',
  'Ivers',
  'Jansen',
  'Kowal',
  'Lindqvist',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Pellegrini',
  'Quist',
  'Rahman',
  'Sato',
  'Thorne',
  'Umber',
  'Valdez',
  'Whitlock',
  'Zeller',
] as const;

/** The records of customer `index` for `seed`; the same (seed, index) always gives the same data. */
export function generateCustomerLandingData(seed: number, index: number): CustomerLandingData {
  const random = new SeededRandom(hashToUint32(seed, index, CUSTOMER_SALT));
  const block = Math.floor(index / CUSTOMERS_PER_BLOCK);
  const windowStart = BASE_EPOCH_MS + block * BLOCK_SPACING_MS;
  const customer = generateCustomer(random, index, windowStart);

  const accelerometer: AccelerometerRecord[] = [];
  const stepTrainer: StepTrainerRecord[] = [];
  for (const timestamp of readingTimes(random, sharedTicks(seed, block, windowStart), windowStart)) {
    const axes = random.int(0, 26);
    accelerometer.push(accelerometerRecord(customer.email, timestamp, axes));
    if (random.chance(REPEATED_READING_PROBABILITY)) {
      accelerometer.push(accelerometerRecord(customer.email, timestamp, (axes + random.int(1, 26)) % 27));
    }
    if (random.chance(STEP_READING_PROBABILITY)) {
      stepTrainer.push(stepTrainerRecord(customer.serialNumber, timestamp, random));
    }
  }

  const orphanAccelerometer: AccelerometerRecord[] = [];
  if (random.chance(ORPHAN_PROBABILITY)) {
    const user = `Unregistered.Phone.${index}@unknown.example.test`;
    for (let n = random.int(1, 3); n > 0; n--) {
      orphanAccelerometer.push(
        accelerometerRecord(user, windowStart + random.int(0, READING_WINDOW_MS - 1), random.int(0, 26)),
      );
    }
  }
  const orphanStepTrainer: StepTrainerRecord[] = [];
  if (random.chance(ORPHAN_PROBABILITY)) {
    const serialNumber = serialNumberOf(random, index, '0000');
    for (let n = random.int(1, 3); n > 0; n--) {
      orphanStepTrainer.push(
        stepTrainerRecord(serialNumber, windowStart + random.int(0, READING_WINDOW_MS - 1), random),
      );
    }
  }
  return { index, customer, accelerometer, stepTrainer, orphanAccelerometer, orphanStepTrainer };
}

/** Yields the data of customers firstIndex .. firstIndex + count - 1, one customer at a time. */
export function* generateLandingData(seed: number, count: number, firstIndex = 0): Generator<CustomerLandingData> {
  for (let index = firstIndex; index < firstIndex + count; index++) yield generateCustomerLandingData(seed, index);
}

function generateCustomer(random: SeededRandom, index: number, windowStart: number): CustomerRecord {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const registrationDate = windowStart + random.int(0, 30_000);
  const lastUpdateDate = random.chance(0.7) ? registrationDate : registrationDate + random.int(1, 60_000);
  const customer: CustomerRecord = {
    customerName: `${first} ${last}`,
    // The index makes emails unique however many customers share a name.
    email: `${first}.${last}.${index}@example.test`,
    phone: `555${random.int(1_000_000, 9_999_999)}`,
    birthDay: `${random.int(1930, 2008)}-${pad2(random.int(1, 12))}-${pad2(random.int(1, 28))}`,
    serialNumber: serialNumberOf(random, index, `${random.pick(['8', '9', 'a', 'b'])}${random.hex(3)}`),
    registrationDate,
    lastUpdateDate,
  };
  const consent = random.next();
  if (consent >= 0.52) {
    // Half consent at registration, half later, so some of their readings predate consent.
    customer.shareWithResearchAsOfDate = random.chance(0.5)
      ? registrationDate
      : registrationDate + random.int(1, READING_WINDOW_MS / 2);
  } else if (consent >= 0.5) {
    customer.shareWithResearchAsOfDate = 0;
  } else if (consent >= 0.48) {
    customer.shareWithResearchAsOfDate = null;
  }
  if (random.chance(0.5)) customer.shareWithPublicAsOfDate = registrationDate;
  if (random.chance(0.5)) customer.shareWithFriendsAsOfDate = lastUpdateDate;
  return customer;
}

// A UUID-looking string whose last group is the index, so it is unique per index; `variantGroup` keeps
// customers' serial numbers (8xxx-bxxx) apart from orphan devices' (0000).
function serialNumberOf(random: SeededRandom, index: number, variantGroup: string): string {
  return `${random.hex(8)}-${random.hex(4)}-4${random.hex(3)}-${variantGroup}-${index.toString(16).padStart(12, '0')}`;
}

function sharedTicks(seed: number, block: number, windowStart: number): number[] {
  const random = new SeededRandom(hashToUint32(seed, block, BLOCK_SALT));
  return Array.from({ length: SHARED_TICKS_PER_BLOCK }, () => windowStart + random.int(0, READING_WINDOW_MS - 1));
}

// Distinct reading times, newest first as in the real files.
function readingTimes(random: SeededRandom, ticks: readonly number[], windowStart: number): number[] {
  if (random.chance(NO_READINGS_PROBABILITY)) return [];
  const times = new Set<number>();
  for (let n = random.int(1, MAX_READING_TIMES); n > 0; n--) {
    times.add(
      random.chance(SHARED_TICK_PROBABILITY) ? random.pick(ticks) : windowStart + random.int(0, READING_WINDOW_MS - 1),
    );
  }
  return [...times].sort((a, b) => b - a);
}

// `axes` in 0..26 encodes one of the 27 (x, y, z) triples over {-1, 0, 1}, the values of the real data.
function accelerometerRecord(user: string, timestamp: number, axes: number): AccelerometerRecord {
  return { user, timestamp, x: (axes % 3) - 1, y: (Math.floor(axes / 3) % 3) - 1, z: Math.floor(axes / 9) - 1 };
}

function stepTrainerRecord(serialNumber: string, sensorReadingTime: number, random: SeededRandom): StepTrainerRecord {
  return { sensorReadingTime, serialNumber, distanceFromObject: random.int(200, 300) };
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}
