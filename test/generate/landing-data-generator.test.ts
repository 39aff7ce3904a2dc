import { describe, expect, it } from 'vitest';
import { generateCustomerLandingData, generateLandingData } from '../../src/generate/landing-data-generator.js';
import type { CustomerRecord } from '../../src/generate/landing-data-generator.js';
import { accelerometerJsonLine, customerJsonLine, stepTrainerJsonLine } from '../../src/generate/landing-json-lines.js';

describe('generateCustomerLandingData', () => {
  it('gives customer i the same data however many customers are generated and from where', () => {
    const alone = generateCustomerLandingData(7, 123);
    const fromStart = [...generateLandingData(7, 200)][123];
    const fromMiddle = [...generateLandingData(7, 10, 120)][3];
    expect(fromStart).toEqual(alone);
    expect(fromMiddle).toEqual(alone);
  });

  it('gives different data for a different seed', () => {
    const a = [...generateLandingData(1, 50)];
    const b = [...generateLandingData(2, 50)];
    expect(a.map((d) => d.customer.serialNumber)).not.toEqual(b.map((d) => d.customer.serialNumber));
    expect(a.map((d) => d.customer.customerName)).not.toEqual(b.map((d) => d.customer.customerName));
  });

  it('treats seeds that differ only above 32 bits as different seeds', () => {
    const low = generateCustomerLandingData(5, 0).customer;
    const high = generateCustomerLandingData(5 + 2 ** 32, 0).customer;
    expect(high.serialNumber).not.toBe(low.serialNumber);
  });

  it('gives every customer a unique email and serial number that no orphan reading uses', () => {
    const data = [...generateLandingData(3, 5000)];
    const emails = new Set(data.map((d) => d.customer.email));
    const serials = new Set(data.map((d) => d.customer.serialNumber));
    expect(emails.size).toBe(5000);
    expect(serials.size).toBe(5000);
    for (const d of data) {
      for (const r of d.orphanAccelerometer) expect(emails.has(r.user)).toBe(false);
      for (const r of d.orphanStepTrainer) expect(serials.has(r.serialNumber)).toBe(false);
    }
    expect(
      data.every((d) =>
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(d.customer.serialNumber),
      ),
    ).toBe(true);
    expect(data.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.customer.birthDay))).toBe(true);
  });
});

describe('landing JSON lines', () => {
  const customer: CustomerRecord = {
    customerName: 'Ada Abbott',
    email: 'Ada.Abbott.0@example.test',
    phone: '5551234567',
    birthDay: '1990-01-02',
    serialNumber: '00000000-0000-4000-8000-000000000000',
    registrationDate: 1,
    lastUpdateDate: 2,
  };

  it('leaves out an absent consent key but writes a null or 0 consent', () => {
    expect(customerJsonLine(customer)).not.toContain('shareWithResearchAsOfDate');
    expect(JSON.parse(customerJsonLine({ ...customer, shareWithResearchAsOfDate: null }))).toHaveProperty(
      'shareWithResearchAsOfDate',
      null,
    );
    expect(JSON.parse(customerJsonLine({ ...customer, shareWithResearchAsOfDate: 0 }))).toHaveProperty(
      'shareWithResearchAsOfDate',
      0,
    );
  });

  it('writes customer keys in the order of the real files', () => {
    const line = customerJsonLine({
      ...customer,
      shareWithResearchAsOfDate: 3,
      shareWithPublicAsOfDate: 4,
      shareWithFriendsAsOfDate: 5,
    });
    expect(Object.keys(JSON.parse(line))).toEqual([
      'customerName',
      'email',
      'phone',
      'birthDay',
      'serialNumber',
      'registrationDate',
      'lastUpdateDate',
      'shareWithResearchAsOfDate',
      'shareWithPublicAsOfDate',
      'shareWithFriendsAsOfDate',
    ]);
  });

  it('writes accelerometer axes as doubles, so engines infer DOUBLE rather than BIGINT', () => {
    expect(accelerometerJsonLine({ user: 'u@example.test', timestamp: 10, x: 1, y: -1, z: 0 })).toBe(
      '{"user":"u@example.test","timestamp":10,"x":1.0,"y":-1.0,"z":0.0}',
    );
  });

  it('writes step trainer readings compactly with an integer distance', () => {
    expect(stepTrainerJsonLine({ sensorReadingTime: 10, serialNumber: 's', distanceFromObject: 250 })).toBe(
      '{"sensorReadingTime":10,"serialNumber":"s","distanceFromObject":250}',
    );
  });
});
