// Long suite (`npm run test:long`): the arbitrage-with-fee formulas where they need millions of
// blocks — sub-second blocks with a high fee, where trades are rare and strongly correlated.
import { describe, expect, it } from 'vitest';
import { measureArbitrage } from '../util/arbTheory.ts';
import { arbPerBlockFixedNezlobinTassy, arbRatePoissonFastBlocks, gammaFromFee } from '../util/theory.ts';

const SIGMA_DAILY = 0.05;

describe('arbitrage profit, 250 ms blocks × 30 bp fee', () => {
  const blockTimeS = 0.25;
  const gamma = gammaFromFee(30 / 1e4);
  const dtDays = blockTimeS / 86_400;

  it('fixed blocks: Nezlobin–Tassy within 3 SE + 1%', async () => {
    const m = await measureArbitrage({ sigmaDaily: SIGMA_DAILY, blockTimeS, feeBps: 30, dist: 'fixed', days: 28 });
    const theory = arbPerBlockFixedNezlobinTassy(SIGMA_DAILY, dtDays, gamma) / dtDays;
    expect(Math.abs(m.ratePerDay - theory)).toBeLessThan(3 * m.se + 0.01 * theory);
    expect(m.se).toBeLessThan(0.05 * theory);
  });

  it('Poisson blocks: MMR within 3 SE + 1%', async () => {
    const m = await measureArbitrage({ sigmaDaily: SIGMA_DAILY, blockTimeS, feeBps: 30, dist: 'exponential', days: 10, tickMs: 5 });
    const theory = arbRatePoissonFastBlocks(SIGMA_DAILY, 1 / dtDays, gamma);
    expect(Math.abs(m.ratePerDay - theory)).toBeLessThan(3 * m.se + 0.01 * theory);
    expect(m.se).toBeLessThan(0.05 * theory);
  });
});
