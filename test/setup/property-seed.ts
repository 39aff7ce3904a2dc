import fc from 'fast-check';

// Every fast-check property runs from a known seed, so a failure can be replayed exactly: pinned in CI (the same
// cases every run), from STEDI_PROPERTY_SEED when given, and otherwise new each run (more cases over time). fast-check
// prints the seed and the counterexample's path when a property fails; STEDI_PROPERTY_SEED=<seed> replays it.
const PINNED_IN_CI = 20_261_202;
const given = process.env.STEDI_PROPERTY_SEED;
const seed =
  given !== undefined ? Number(given) : process.env.CI ? PINNED_IN_CI : (Date.now() ^ (process.pid << 8)) | 0;
if (!Number.isInteger(seed)) throw new Error(`STEDI_PROPERTY_SEED must be a whole number, got '${given}'`);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
