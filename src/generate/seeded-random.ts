// A hand-written seeded PRNG (mulberry32) and a hash to derive independent streams from (seed, index, ...),
// so that customer i's data depends only on (seed, i) and can be generated in any order or in parallel.

const TWO_POW_32 = 4_294_967_296;

function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes safe integers (seeds, indexes, salts) into one well-mixed 32-bit seed. */
export function hashToUint32(...parts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    // Seeds may exceed 32 bits; mix both halves so seeds 1 and 2^32 + 1 differ.
    const low = ((part % TWO_POW_32) + TWO_POW_32) % TWO_POW_32;
    const high = Math.floor(part / TWO_POW_32);
    for (const word of [low, high]) {
      h = (h ^ (fmix32(word) + 0x9e3779b9 + (h << 6) + (h >>> 2))) >>> 0;
    }
  }
  return fmix32(h);
}

/** A small deterministic random source; the same seed always yields the same sequence. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  }

  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += HEX_DIGITS[Math.floor(this.next() * 16)];
    return out;
  }
}

const HEX_DIGITS = '0123456789abcdef';
