// Markets through the simulator: constant-product swaps as executed in blocks, and arbitrage
// profits against the closed forms of Milionis–Moallemi–Roughgarden(–Zhang) and Nezlobin–Tassy.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import { measureArbitrage } from './util/arbTheory.ts';
import { arbPerBlockFixedNezlobinTassy, arbRatePoissonFastBlocks, gammaFromFee, lvrPerBlockLogDriftless } from './util/theory.ts';

const SIGMA_DAILY = 0.05; // 5% daily vol: LVR = σ²/8 = 3.125 bp/day

describe('loss-versus-rebalancing, no fee, arbitrage at every fixed block', () => {
  it('loss per block is e^(σ²Δt/8) − 1 of pool value (→ σ²/8 per unit time)', async () => {
    const blockS = 12;
    const m = await measureArbitrage({ sigmaDaily: SIGMA_DAILY, blockTimeS: blockS, feeBps: 0, dist: 'fixed', days: 10 });
    const dtDays = blockS / 86_400;
    // With a driftless log price the exact per-block figure is e^{σ²Δt/8} − 1 of the value at the
    // block's reference price (1 − e^{−σ²Δt/8} is the same to first order: it assumes a martingale
    // price and values at the start of the block). At 12 s blocks the two differ by 1e-9 relative.
    const theoryPerDay = lvrPerBlockLogDriftless(SIGMA_DAILY, dtDays) / dtDays;
    expect(theoryPerDay * 1e4).toBeCloseTo(3.125, 3);
    expect(m.trades).toBeGreaterThan(0.99 * (10 * 86_400) / blockS); // a trade in (nearly) every block
    expect(Math.abs(m.ratePerDay - theoryPerDay)).toBeLessThan(4 * m.se);
    expect(m.se).toBeLessThan(0.03 * theoryPerDay);
  });
});

describe('arbitrage profit with a fee: the grid block time × fee, both block-time laws', () => {
  // Every point within 3 standard errors + 1% of the formula; the standard error is also asserted
  // small, so a point cannot pass by being noisy.
  const grid = [
    { blockTimeS: 2, feeBps: 5, days: 4 },
    { blockTimeS: 2, feeBps: 30, days: 6 },
    { blockTimeS: 12, feeBps: 5, days: 12 },
    { blockTimeS: 12, feeBps: 30, days: 20 },
  ];
  for (const g of grid) {
    const gamma = gammaFromFee(g.feeBps / 1e4);
    const dtDays = g.blockTimeS / 86_400;

    it(`fixed ${g.blockTimeS}s blocks, ${g.feeBps} bp: Nezlobin–Tassy`, async () => {
      const m = await measureArbitrage({ sigmaDaily: SIGMA_DAILY, blockTimeS: g.blockTimeS, feeBps: g.feeBps, dist: 'fixed', days: g.days });
      const theory = arbPerBlockFixedNezlobinTassy(SIGMA_DAILY, dtDays, gamma) / dtDays;
      expect(Math.abs(m.ratePerDay - theory)).toBeLessThan(3 * m.se + 0.01 * theory);
      expect(m.se).toBeLessThan(0.05 * theory);
    });

    it(`Poisson blocks (mean ${g.blockTimeS}s), ${g.feeBps} bp: LVR / (1 + γ√(2λ)/σ)`, async () => {
      // The reference price ticks every block/200: block times fall between ticks, as in continuous time to 0.5%.
      const tickMs = (g.blockTimeS * 1000) / 200;
      const m = await measureArbitrage({ sigmaDaily: SIGMA_DAILY, blockTimeS: g.blockTimeS, feeBps: g.feeBps, dist: 'exponential', days: g.days, tickMs });
      const theory = arbRatePoissonFastBlocks(SIGMA_DAILY, 1 / dtDays, gamma);
      expect(Math.abs(m.ratePerDay - theory)).toBeLessThan(3 * m.se + 0.01 * theory);
      expect(m.se).toBeLessThan(0.05 * theory);
    });
  }
});

describe('fixed blocks leak less than Poisson blocks at the same mean block time (Nezlobin–Tassy)', () => {
  it('2 s blocks, 5 bp: the simulated fixed-block profit is below the Poisson one by many standard errors', async () => {
    const common = { sigmaDaily: SIGMA_DAILY, blockTimeS: 2, feeBps: 5, days: 4 };
    const fixed = await measureArbitrage({ ...common, dist: 'fixed' });
    const poisson = await measureArbitrage({ ...common, dist: 'exponential', tickMs: 10 });
    expect(poisson.ratePerDay - fixed.ratePerDay).toBeGreaterThan(4 * Math.hypot(fixed.se, poisson.se));
  });
});

type TradeRow = Record<string, number | string | bigint>;

async function tradeRows(input: Parameters<typeof inlineScenario>[0]) {
  const { tables, runs } = await runScenario(inlineScenario(input));
  return { runs, trades: tables.trades.toArray().map((r) => r.toJSON() as TradeRow) };
}

const market = (over: { fee_bps?: number; fee_mode?: 'external' | 'in_pool'; size?: number; slippage?: number; latency?: string; block?: string } = {}) => ({
  name: 'swaps',
  horizon: '3m',
  network: { base_latency: '30ms', jitter: '10ms' },
  assets: [{ id: 'eth', price: 3000, vol: 0.8 }],
  rollups: [
    {
      id: 'r',
      block_time: over.block ?? '1s',
      pools: [{ id: 'p', asset: 'eth', liquidity_usd: 2e6, fee_bps: over.fee_bps ?? 30, fee_mode: over.fee_mode ?? 'external' }],
      traders: [{ name: 'noise', pool: 'p', rate: 3, size_usd: over.size ?? 5000, size_sigma: 1.5, slippage_bps: over.slippage ?? 30, exact_out_fraction: 0.3 }],
      arbitrageurs: [{ name: 'arb', latency: over.latency ?? '20ms' }],
    },
  ],
});

describe('replayed reference price', () => {
  it('the feed follows the file exactly, and the file is hashed into the provenance', async () => {
    const { loadScenario } = await import('../sim/index.ts');
    const loaded = loadScenario('test/fixtures/scenarios/replay.yaml');
    expect(loaded.files.map((f) => f.path)).toContain('test/fixtures/prices/good.csv');
    const { tables } = await runScenario(loaded);
    // A zero-fee, zero-latency arbitrageur aligns the pool to every new price: trades happen at
    // the file's times and take the pool to the file's prices.
    const rows = tables.trades.toArray().map((r) => r.toJSON());
    expect(rows.map((r) => [Number(r.executed_us), r.ref_executed])).toEqual([[1_500_000, 2001.25], [2_000_000, 1999.5], [3_000_000, 2003], [10_000_000, 1990.125]]);
    for (const r of rows) expect(r.mid_after as number).toBeCloseTo(r.ref_executed as number, 9);
  });
});

describe('swaps executed in blocks', () => {
  it('every successful swap pays out exactly the constant-product output for the state it met', async () => {
    const { trades } = await tradeRows(market());
    const ok = trades.filter((t) => t.status === 'ok');
    expect(ok.length).toBeGreaterThan(300);
    const f = 30 / 1e4;
    let sameState = 0;
    for (const t of ok) {
      // Reserves before execution, from the mid and the value at the reference price: x(P + m) = V.
      const m = t.mid_before as number;
      const x = (t.pool_value_usd as number) / ((t.ref_executed as number) + m);
      const y = x * m;
      const n = (t.amount_in as number) * (1 - f);
      const expected = t.side === 'buy' ? (x * n) / (y + n) : (y * n) / (x + n);
      // Exact-in and exact-out alike: what went in and what came out sit on the curve.
      expect(Math.abs((t.amount_out as number) - expected) / expected).toBeLessThan(1e-9);
      // Price impact: when nothing moved the pool between decision and execution, the impact
      // component is the closed form (1−f)·n/(R_in + n) in bps, growing with the size n.
      if (t.agent_kind === 'noise' && t.exact === 'in' && t.mid_seen === t.mid_before) {
        sameState++;
        const rIn = t.side === 'buy' ? y : x;
        expect(t.impact_bps as number).toBeCloseTo((1e4 * (1 - f) * n) / (rIn + n), 6);
        expect(t.execution_drift_bps as number).toBeCloseTo(0, 6);
      }
      // The components add up to the total exactly.
      if (t.agent_kind === 'noise') {
        expect((t.fee_bps as number) + (t.impact_bps as number) + (t.execution_drift_bps as number)).toBeCloseTo(t.slippage_bps as number, 9);
      }
    }
    expect(sameState).toBeGreaterThan(10);
    expect(ok.filter((t) => t.exact === 'out').length).toBeGreaterThan(50);
  });

  it('a swap whose output would fall below its limit fails, is recorded, and changes nothing', async () => {
    const { trades } = await tradeRows(market({ slippage: 1, size: 20000 }));
    const limited = trades.filter((t) => t.status === 'slippage-limit');
    expect(limited.length).toBeGreaterThan(5);
    for (const t of limited) {
      expect(t.mid_after).toBe(t.mid_before);
      expect(t.amount_in).toBe(0);
      expect(t.amount_out).toBe(0);
    }
  });
});

describe('market invariants hold in every run (property test over random worlds)', () => {
  it('no run breaks an invariant (k, reserves, conservation) and failed swaps leave pools untouched', async () => {
    const fc = (await import('fast-check')).default;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          fee_bps: fc.integer({ min: 0, max: 100 }),
          fee_mode: fc.constantFrom('external' as const, 'in_pool' as const),
          size: fc.double({ min: 10, max: 500_000, noNaN: true }),
          slippage: fc.integer({ min: 0, max: 500 }),
          latency: fc.constantFrom('0s', '5ms', '200ms', '3s'),
          block: fc.constantFrom('250ms', '2s', '12s'),
        }),
        async (p) => {
          const { runs, trades } = await tradeRows({ ...market(p), horizon: '1m' });
          expect(runs[0].status).toBe('ok');
          for (const t of trades) if (t.status !== 'ok') expect(t.mid_after).toBe(t.mid_before);
        },
      ),
      { numRuns: 12, seed: 7 },
    );
  });
});

describe('a dislocated start', () => {
  it('a pool that starts 2% dear is arbitraged into the no-arbitrage band by the first block, by the closed-form trade', async () => {
    const loaded = inlineScenario({
      name: 'offset',
      horizon: '10s',
      network: { base_latency: '0s', jitter: '0s' },
      assets: [{ id: 'x', price: 1000, vol: 0, tick: '100ms' }],
      rollups: [{ id: 'r', block_time: '2s', pools: [{ id: 'p', asset: 'x', liquidity_usd: 1e6, fee_bps: 30, price_offset_bps: 200 }], arbitrageurs: [{ name: 'arb', latency: '0s' }] }],
    });
    const { tables } = await runScenario(loaded);
    const trades = tables.trades.toArray().map((r) => r.toJSON());
    expect(trades.length).toBe(1);
    const t = trades[0];
    expect(t.mid_before).toBeCloseTo(1020, 9);
    expect(t.side).toBe('sell'); // the pool is dear: the arbitrageur sells it the asset
    expect(Number(t.executed_us)).toBe(2_000_000);
    // After the trade the mid sits on the band edge P/(1 − f).
    expect(t.mid_after).toBeCloseTo(1000 / (1 - 0.003), 6);
    expect(t.profit_usd).toBeGreaterThan(0);
  });
});
