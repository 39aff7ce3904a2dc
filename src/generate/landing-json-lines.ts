// Hand-written serialisers rather than JSON.stringify: they fix the key order, and they write x/y/z as
// doubles ("1.0"), as the real files do, so engines that infer types from the data guess DOUBLE, not BIGINT.
import type { AccelerometerRecord, CustomerRecord, StepTrainerRecord } from './landing-data-generator.js';

/** The customer record as one JSON line; the real customer files use ", " and ": " separators, so do we. */
export function customerJsonLine(customer: CustomerRecord): string {
  let line =
    `{"customerName": ${JSON.stringify(customer.customerName)}, "email": ${JSON.stringify(customer.email)}, ` +
    `"phone": ${JSON.stringify(customer.phone)}, "birthDay": ${JSON.stringify(customer.birthDay)}, ` +
    `"serialNumber": ${JSON.stringify(customer.serialNumber)}, "registrationDate": ${customer.registrationDate}, ` +
    `"lastUpdateDate": ${customer.lastUpdateDate}`;
  // `in` rather than `!== undefined`: a present-but-null consent is a different case from an absent one.
  if ('shareWithResearchAsOfDate' in customer) {
    line += `, "shareWithResearchAsOfDate": ${customer.shareWithResearchAsOfDate ?? 'null'}`;
  }
  if (customer.shareWithPublicAsOfDate !== undefined) {
    line += `, "shareWithPublicAsOfDate": ${customer.shareWithPublicAsOfDate}`;
  }
  if (customer.shareWithFriendsAsOfDate !== undefined) {
    line += `, "shareWithFriendsAsOfDate": ${customer.shareWithFriendsAsOfDate}`;
  }
  return `${line}}`;
}

/** The phone reading as one compact JSON line. */
export function accelerometerJsonLine(reading: AccelerometerRecord): string {
  return (
    `{"user":${JSON.stringify(reading.user)},"timestamp":${reading.timestamp},` +
    `"x":${jsonDouble(reading.x)},"y":${jsonDouble(reading.y)},"z":${jsonDouble(reading.z)}}`
  );
}

/** The step trainer reading as one compact JSON line. */
export function stepTrainerJsonLine(reading: StepTrainerRecord): string {
  return (
    `{"sensorReadingTime":${reading.sensorReadingTime},"serialNumber":${JSON.stringify(reading.serialNumber)},` +
    `"distanceFromObject":${reading.distanceFromObject}}`
  );
}

function jsonDouble(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}
