// The whole-system fuzzer at length: ten thousand cases (see test/fuzz.test.ts for what it checks).
import { describe, it } from 'vitest';
import { fuzzInvalid, fuzzSeed, fuzzValid } from '../util/fuzzRun.ts';

const seed = fuzzSeed();
const TIMEOUT = 3_600_000;

describe(`whole-system fuzzer, long (seed ${seed}; replay with FUZZ_SEED=${seed})`, () => {
  it('2,000 valid-but-extreme scenarios run to completion in both modes with every invariant holding', async () => {
    await fuzzValid(seed, 2000);
  }, TIMEOUT);

  it('8,000 scenarios with one field broken exit 2, name the file and the field, and write nothing', async () => {
    await fuzzInvalid(seed, 8000);
  }, TIMEOUT);
});
