// The whole-system fuzzer (README "Limits"): valid-but-extreme scenarios run to completion in both
// modes with every invariant holding; broken ones exit 2 naming file and field and write nothing.
// The seed is printed; replay a failure with FUZZ_SEED=<seed> (and fast-check's printed path).
// `npm test` runs 300 cases (100 valid, 200 broken); the long suite (test/long/fuzz.test.ts) ten thousand.
import { describe, it } from 'vitest';
import { fuzzInvalid, fuzzValid, fuzzSeed } from './util/fuzzRun.ts';

const seed = fuzzSeed();
const TIMEOUT = 600_000;

describe(`whole-system fuzzer (seed ${seed}; replay with FUZZ_SEED=${seed})`, () => {
  it('valid-but-extreme scenarios run to completion in both modes with every invariant holding', async () => {
    await fuzzValid(seed, 100);
  }, TIMEOUT);

  it('a scenario with one field broken exits 2, names the file and the field, and writes nothing', async () => {
    await fuzzInvalid(seed, 200);
  }, TIMEOUT);
});
