import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../sim/engine/rng.ts';
import { SECOND } from '../../sim/engine/time.ts';
import { GbmPath, YEAR_US } from '../../sim/model/market/price.ts';
import { createPool, logFeeBand, midPrice, optimalArbitrage, swapExactIn } from '../../sim/model/market/amm.ts';
import { BatchMeansAccumulator } from './stats.ts';
import {
  NT_COEFFICIENT, arbPerBlockFixed, arbPerBlockFixedNezlobinTassy, arbProfitFraction, arbRatePoisson,
  arbRatePoissonFastBlocks, compositeGaussLegendre, erfc, gammaFromFee, gaussLegendre, lvrPerBlockLogDriftless,
  lvrPerBlockMartingale, lvrRate, normalCdf, poissonTradeProbability,
} from './theory.ts';

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('numerical helpers', () => {
  it('normalCdf and erfc match reference values across both tails', () => {
    // Reference values (high-precision tables): Φ(1.96), Φ(−5), Φ(−10), erfc(2.4), erfc(2.6), erfc(5).
    expect(relErr(normalCdf(1.96), 0.9750021048517795)).toBeLessThan(1e-15);
    expect(relErr(normalCdf(-5), 2.866515718791939e-7)).toBeLessThan(1e-13);
    expect(relErr(normalCdf(-10), 7.619853024160527e-24)).toBeLessThan(1e-12);
    expect(relErr(erfc(2.4), 6.885138966450786e-4)).toBeLessThan(1e-13);
    expect(relErr(erfc(2.6), 2.360344165293492e-4)).toBeLessThan(1e-13);
    expect(relErr(erfc(5), 1.5374597944280349e-12)).toBeLessThan(1e-13);
    expect(normalCdf(0)).toBe(0.5);
    expect(Math.abs(normalCdf(0.7) + normalCdf(-0.7) - 1)).toBeLessThan(1e-15);
  });

  it('n-point Gauss–Legendre integrates polynomials of degree 2n − 1 exactly', () => {
    for (const n of [1, 2, 5, 8]) {
      const [x, w] = gaussLegendre(n);
      for (let d = 0; d <= 2 * n - 1; d++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += w[i] * x[i] ** d;
        expect(Math.abs(s - (d % 2 === 0 ? 2 / (d + 1) : 0))).toBeLessThan(1e-14);
      }
    }
    const [xs, ws] = compositeGaussLegendre(0, Math.PI, 4, 8);
    expect(Math.abs(xs.reduce((s, x, i) => s + ws[i] * Math.sin(x), 0) - 2)).toBeLessThan(1e-14);
  });
});

describe('closed forms and their limits', () => {
  it('the profit formula is what optimalArbitrage earns, per V = 2√(kP)', () => {
    for (const feeBps of [0, 5, 30, 100]) {
      for (const z of [-0.2, -0.03, 0.0101, 0.05, 0.4]) {
        const pool = createPool({ reserveBase: 1_000, reserveQuote: 2_000_000, feeBps, feeMode: 'external' });
        const ref = midPrice(pool) * Math.exp(z);
        const gamma = gammaFromFee(feeBps / 1e4);
        expect(gamma).toBe(logFeeBand(feeBps));
        const trade = optimalArbitrage(pool, ref);
        const expected = arbProfitFraction(z, gamma);
        if (expected === 0) {
          expect(trade).toBeNull();
          continue;
        }
        const v = 2 * Math.sqrt(pool.reserveBase * pool.reserveQuote * ref);
        expect(relErr(trade!.profit / v, expected)).toBeLessThan(1e-9);
      }
    }
  });

  it('LVR per block expands as σ²Δt/8 − (σ²Δt)²/128 and tends to the rate σ²/8', () => {
    const sigma = 0.8;
    for (const dt of [1e-3, 1e-5, 1e-7]) {
      const x = sigma * sigma * dt;
      expect(relErr(lvrPerBlockMartingale(sigma, dt) / dt, lvrRate(sigma))).toBeLessThan(x);
      expect(relErr(lvrPerBlockMartingale(sigma, dt), x / 8 - (x * x) / 128)).toBeLessThan(x * x);
      expect(relErr(lvrPerBlockLogDriftless(sigma, dt), x / 8 + (x * x) / 128)).toBeLessThan(x * x);
    }
  });

  it('fee → 0: the fixed-block solution is e^{σ_b²/8} − 1 and Poisson gives LVR', () => {
    for (const [sigma, dt] of [[1, 1e-4], [0.8, 12 / (365 * 86400)], [2, 0.01]]) {
      const exact = lvrPerBlockLogDriftless(sigma, dt);
      expect(relErr(arbPerBlockFixed(sigma, dt, 0).arbPerBlock, exact)).toBeLessThan(1e-12);
      // Continuity from a tiny positive fee (a different code path: the Nyström solve).
      expect(relErr(arbPerBlockFixed(sigma, dt, 1e-9 * sigma * Math.sqrt(dt)).arbPerBlock, exact)).toBeLessThan(1e-6);
      const lambda = 1 / dt;
      expect(poissonTradeProbability(sigma, lambda, 0)).toBe(1);
      const x = (sigma * sigma * dt) / 8;
      expect(relErr(arbRatePoisson(sigma, lambda, 0), lvrRate(sigma) / (1 - x))).toBeLessThan(1e-14);
      expect(arbRatePoissonFastBlocks(sigma, lambda, 0)).toBe(lvrRate(sigma));
    }
  });

  it('fast Poisson blocks: P_trade → σ/(γ√(2λ)) and the exact rate → LVR·P_trade', () => {
    const sigma = 0.8;
    const gamma = gammaFromFee(0.003);
    for (const lambda of [1e6, 1e8, 1e10]) {
      const p = poissonTradeProbability(sigma, lambda, gamma);
      const asymptote = sigma / (gamma * Math.sqrt(2 * lambda));
      expect(relErr(p, asymptote)).toBeLessThan(2 * asymptote); // P = a/(1 + a)
      expect(relErr(arbRatePoisson(sigma, lambda, gamma), arbRatePoissonFastBlocks(sigma, lambda, gamma))).toBeLessThan(gamma / 2 + 1e-3 + sigma ** 2 / lambda);
    }
  });

  it('fixed blocks leak less than Poisson blocks with the same mean block time', () => {
    for (const sigma of [0.5, 1.2]) {
      for (const blockSeconds of [0.25, 2, 12]) {
        const dt = blockSeconds / (365 * 86400);
        for (const feeBps of [0, 1, 5, 30, 100]) {
          const gamma = gammaFromFee(feeBps / 1e4);
          const fixed = arbPerBlockFixed(sigma, dt, gamma).arbPerBlock;
          const poisson = arbRatePoisson(sigma, 1 / dt, gamma) * dt;
          expect(fixed).toBeLessThan(poisson);
          // And both leak no more than LVR: a fee only removes profit (to first order in σ_b²).
          expect(fixed).toBeLessThanOrEqual(lvrPerBlockLogDriftless(sigma, dt) * Math.exp(gamma / 2) * (1 + 1e-12));
        }
      }
    }
  });

  it('the numerical fixed-block solution agrees with Nezlobin–Tassy when Γ = 2γ (the full spread)', () => {
    const sb = 1e-3; // small σ_b, where their per-unit-liquidity form is exact up to O(σ_b²)
    // Their error term O(e^{−const·γ/σ_b}) shows below γ/σ_b ≈ 3 (about 2e-4 at 0.5 and 1); from
    // 3 on, what is left is the O(σ_b²) linearization, ~1e-7 here.
    for (const [c, tolerance] of [[0, 1e-6], [0.5, 1e-3], [1, 1e-3], [3, 1e-6], [10, 1e-6], [30, 1e-6]]) {
      const numeric = arbPerBlockFixed(1, sb * sb, c * sb).arbPerBlock;
      const nt = arbPerBlockFixedNezlobinTassy(1, sb * sb, c * sb);
      expect(relErr(nt, numeric), `γ/σ_b = ${c}`).toBeLessThan(tolerance);
      if (c >= 1) {
        // Reading Γ as the half-spread γ would be off by far more than that.
        const halfSpreadReading = (Math.exp((c * sb) / 2) * sb * sb) / 8 / (1 + (NT_COEFFICIENT * c) / 2);
        expect(relErr(halfSpreadReading, numeric)).toBeGreaterThan(0.3);
      }
    }
  });

  it('the numerical solution reports its convergence and a trade probability between 0 and 1', () => {
    const sol = arbPerBlockFixed(0.8, 2 / (365 * 86400), gammaFromFee(0.003));
    expect(sol.relativeChange).toBeLessThan(1e-10);
    expect(sol.nodes).toBeGreaterThan(0);
    expect(sol.tradeProbability).toBeGreaterThan(0);
    expect(sol.tradeProbability).toBeLessThan(1);
    // Total mass: the edges' atoms are a share of the post-trade law, which also has a density.
    expect(2 * sol.edgeMass).toBeGreaterThan(sol.tradeProbability * 0.5);
    expect(2 * sol.edgeMass).toBeLessThan(1);
  });
});

/**
 * Arbitrage simulated with the real building blocks: a GbmPath reference price, a pool with
 * external fees, and at each block the trade from optimalArbitrage executed with swapExactIn.
 * Returns the batch-means estimate of profit per block as a fraction of V = 2√(kP).
 */
function simulateArbitrage(opts: { sigma: number; feeBps: number; blocks: number; nextBlockUs: () => number; label: string; driftKind: 'log' | 'arithmetic'; normalizeAtStart?: boolean }) {
  const streams = new RngStreams('theory-test');
  const start = (stream: string) => ({
    path: new GbmPath({ sigma: opts.sigma, drift: 0, driftKind: opts.driftKind }, streams.stream(stream), 2000),
    pool: createPool({ reserveBase: 1_000, reserveQuote: 2_000_000, feeBps: opts.feeBps, feeMode: 'external' }),
  });
  let { path, pool } = start(`${opts.label}/price`);
  const acc = new BatchMeansAccumulator(opts.blocks, 50);
  let trades = 0;
  for (let i = 0; i < opts.blocks; i++) {
    // Profits are per unit of pool value, so a long run can restart from its initial state on a
    // fresh stream: 100,000 daily blocks on one path would drift to the price band's floor.
    if (i > 0 && i % 20_000 === 0) ({ path, pool } = start(`${opts.label}/price/${i}`));
    const startPrice = path.price;
    const ref = path.advance(opts.nextBlockUs());
    const k = pool.reserveBase * pool.reserveQuote;
    const v = 2 * Math.sqrt(k * (opts.normalizeAtStart ? startPrice : ref));
    const trade = optimalArbitrage(pool, ref);
    let profit = 0;
    if (trade) {
      const r = swapExactIn(pool, trade.side, trade.amountIn);
      if (!r.ok) throw new Error(r.reason);
      profit = trade.side === 'buy' ? ref * r.amountOut - r.amountIn : r.amountOut - ref * r.amountIn;
      trades++;
    }
    acc.add(profit / v);
  }
  return { ...acc.result(), tradeShare: trades / opts.blocks };
}

describe('simulated arbitrage against the closed forms', () => {
  const sigma = 0.8;
  const blockUs = 12 * SECOND;
  const dt = blockUs / YEAR_US;
  const feeBps = 10;
  const gamma = gammaFromFee(feeBps / 1e4);
  const blocks = 200_000;

  it('fixed blocks: mean profit per block matches the numerical solution within 4 SE', () => {
    const sim = simulateArbitrage({ sigma, feeBps, blocks, nextBlockUs: () => blockUs, label: 'fixed', driftKind: 'log' });
    const theory = arbPerBlockFixed(sigma, dt, gamma);
    expect(Math.abs(sim.mean - theory.arbPerBlock)).toBeLessThan(4 * sim.se);
    // Power: the Poisson value at the same mean block time is many standard errors away.
    const poisson = arbRatePoisson(sigma, 1 / dt, gamma) * dt;
    expect(Math.abs(sim.mean - poisson)).toBeGreaterThan(8 * sim.se);
    // Trade probability: a binomial-like share, SE from the chain's own estimate is not available
    // here, so allow 4 naive SEs inflated ×3 for the autocorrelation of consecutive blocks.
    const p = theory.tradeProbability;
    expect(Math.abs(sim.tradeShare - p)).toBeLessThan(12 * Math.sqrt((p * (1 - p)) / blocks));
  });

  it('Poisson blocks: mean profit per block matches MMR (2023), exact form, within 4 SE', () => {
    const rng = new RngStreams('theory-test').stream('poisson/blocks');
    const sim = simulateArbitrage({ sigma, feeBps, blocks, nextBlockUs: () => Math.round(rng.exponential(1 / blockUs)), label: 'poisson', driftKind: 'log' });
    const theory = arbRatePoisson(sigma, 1 / dt, gamma) * dt;
    expect(Math.abs(sim.mean - theory)).toBeLessThan(4 * sim.se);
    const p = poissonTradeProbability(sigma, 1 / dt, gamma);
    expect(Math.abs(sim.tradeShare - p)).toBeLessThan(12 * Math.sqrt((p * (1 - p)) / blocks));
    const fixed = arbPerBlockFixed(sigma, dt, gamma).arbPerBlock;
    expect(Math.abs(sim.mean - fixed)).toBeGreaterThan(8 * sim.se);
  });

  it('no fee, martingale price: loss per block is 1 − e^{−σ²Δt/8} of the starting value, within 4 SE', () => {
    const day = 86_400 * SECOND;
    const sim = simulateArbitrage({ sigma, feeBps: 0, blocks: 100_000, nextBlockUs: () => day, label: 'lvr', driftKind: 'arithmetic', normalizeAtStart: true });
    expect(Math.abs(sim.mean - lvrPerBlockMartingale(sigma, day / YEAR_US))).toBeLessThan(4 * sim.se);
    expect(sim.tradeShare).toBe(1);
  });
});
