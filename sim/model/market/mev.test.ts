import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPool, optimalArbitrage, swapExactIn, type FeeMode, type Pool, type Side } from './amm.ts';
import { backrunAfter, optimalSandwich, sandwichBounds, sandwichProfit, victimOutWithout } from './mev.ts';

// Fixed seeds (deterministic CI); MEV_SEED / MEV_RUNS override them for a longer local search.
const runs = (n: number) => Number(process.env.MEV_RUNS ?? n);
const seed = (n: number) => (process.env.MEV_SEED === undefined ? n : Number(process.env.MEV_SEED) + n);
const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const other = (side: Side): Side => (side === 'buy' ? 'sell' : 'buy');
const copy = (p: Pool): Pool => ({ ...p });
const snapshot = (p: Pool) => JSON.stringify(p);

/** Executes front-run, victim, back-run with swapExactIn on a copy; throws if a leg fails. */
function execute(pool: Pool, side: Side, frontIn: number, victimIn: number, minOut: number) {
  const p = copy(pool);
  const front = swapExactIn(p, side, frontIn);
  if (!front.ok) throw new Error(`front-run failed: ${front.reason}`);
  const victim = swapExactIn(p, side, victimIn, minOut);
  if (!victim.ok) throw new Error(`victim failed: ${victim.reason}`);
  const back = swapExactIn(p, other(side), front.amountOut);
  if (!back.ok) throw new Error(`back-run failed: ${back.reason}`);
  return { front, victim, back, profit: back.amountOut - frontIn, pool: p };
}

/**
 * Random pool and victim: base reserve 1–1e6, price 1e-2–1e4, fee 0–100 bp (fractional), victim
 * size 1e-4–0.3 of the input reserve, slack s = 1 − minOut/w₀ in 1e-3–0.5 (w₀: output without
 * sandwich). The slack floor keeps a*(1 + 1e-6) measurably (≥ ~1e-9 relative) beyond the limit,
 * far above swapExactIn's rounding of a few ulps.
 */
const caseArb = fc.record({
  logBase: fc.double({ min: 0, max: 6, noNaN: true }),
  logPrice: fc.double({ min: -2, max: 4, noNaN: true }),
  feeBps: fc.double({ min: 0, max: 100, noNaN: true }),
  feeMode: fc.constantFrom<FeeMode>('external', 'in_pool'),
  side: fc.constantFrom<Side>('buy', 'sell'),
  logSize: fc.double({ min: -4, max: Math.log10(0.3), noNaN: true }),
  logSlack: fc.double({ min: -3, max: Math.log10(0.5), noNaN: true }),
});

function build(c: { logBase: number; logPrice: number; feeBps: number; feeMode: FeeMode; side: Side; logSize: number; logSlack: number }) {
  const base = 10 ** c.logBase;
  const pool = createPool({ reserveBase: base, reserveQuote: base * 10 ** c.logPrice, feeBps: c.feeBps, feeMode: c.feeMode });
  const rIn = c.side === 'buy' ? pool.reserveQuote : pool.reserveBase;
  const victimIn = rIn * 10 ** c.logSize;
  const w0 = victimOutWithout(pool, c.side, victimIn);
  const minOut = w0 * (1 - 10 ** c.logSlack);
  return { pool, side: c.side, victimIn, minOut, rIn };
}

describe('largest feasible front-run a*', () => {
  it('leaves the victim exactly at minOut (1e-9), and a*(1 + 1e-6) makes it fail with slippage-limit', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { pool, side, victimIn, minOut } = build(c);
        const before = snapshot(pool);
        const b = sandwichBounds(pool, side, victimIn, minOut);
        expect(b).not.toBeNull();
        const a = b!.maxFrontIn;
        expect(relErr(a, b!.maxFrontInExact)).toBeLessThan(1e-9);
        const p = copy(pool);
        expect(swapExactIn(p, side, a).ok).toBe(true);
        const v = swapExactIn(p, side, victimIn, minOut);
        expect(v.ok).toBe(true);
        if (v.ok) expect(relErr(v.amountOut, minOut)).toBeLessThan(1e-9);
        // Closed-form victim output agrees too.
        expect(relErr(sandwichProfit(pool, side, a, victimIn).victimOut, minOut)).toBeLessThan(1e-9);

        const q = copy(pool);
        expect(swapExactIn(q, side, a * (1 + 1e-6)).ok).toBe(true);
        expect(swapExactIn(q, side, victimIn, minOut)).toEqual({ ok: false, reason: 'slippage-limit' });
        expect(snapshot(pool)).toBe(before); // pure
      }),
      { numRuns: runs(500), seed: seed(42) },
    );
  });

  it('is null when the victim would fail even without a sandwich, or has no slack', () => {
    for (const feeMode of ['external', 'in_pool'] as const) {
      for (const side of ['buy', 'sell'] as const) {
        const pool = createPool({ reserveBase: 1_000, reserveQuote: 2_000_000, feeBps: 30, feeMode });
        const v = side === 'buy' ? 10_000 : 5;
        const w0 = victimOutWithout(pool, side, v);
        expect(swapExactIn(copy(pool), side, v, w0 * (1 + 1e-9))).toEqual({ ok: false, reason: 'slippage-limit' });
        expect(sandwichBounds(pool, side, v, w0 * (1 + 1e-9))).toBeNull();
        expect(optimalSandwich(pool, side, v, w0 * (1 + 1e-9))).toBeNull();
        expect(sandwichBounds(pool, side, v, w0)).toBeNull(); // a* = 0
        expect(sandwichBounds(pool, side, 0, 0)).toBeNull();
      }
    }
  });
});

describe('sandwich profit', () => {
  it('closed form equals executing the three swaps with swapExactIn (1e-9 relative)', () => {
    fc.assert(
      fc.property(caseArb, fc.double({ min: 0, max: 1, noNaN: true }), (c, frac) => {
        const { pool, side, victimIn, minOut, rIn } = build(c);
        const b = sandwichBounds(pool, side, victimIn, minOut)!;
        // Any feasible front-run (at least 1e-3 of a*, so that it moves the reserves measurably).
        const a = b.maxFrontIn * Math.max(frac, 1e-3);
        const legs = sandwichProfit(pool, side, a, victimIn);
        const ex = execute(pool, side, a, victimIn, minOut);
        expect(relErr(legs.frontOut, ex.front.amountOut)).toBeLessThan(1e-9);
        expect(relErr(legs.victimOut, ex.victim.amountOut)).toBeLessThan(1e-9);
        expect(relErr(legs.backOut, ex.back.amountOut)).toBeLessThan(1e-9);
        // The profit b − a is a difference: relative 1e-9 of itself, plus a floor at the rounding
        // of the reserves (swapExactIn moves them by a few ulps of R ≈ 1e-16·R).
        expect(Math.abs(legs.grossProfit - ex.profit)).toBeLessThanOrEqual(1e-9 * Math.abs(ex.profit) + 1e-13 * rIn);
      }),
      { numRuns: runs(500), seed: seed(7) },
    );
  });

  it('the optimal front-run beats the largest feasible one and nearby feasible sizes (±1e-4)', () => {
    let interior = 0;
    let plans = 0;
    // Looser slippage limits too (up to 99%), where the optimum is often strictly inside [0, a*].
    const loose = caseArb.chain((c) => fc.double({ min: -3, max: Math.log10(0.99), noNaN: true }).map((logSlack) => ({ ...c, logSlack })));
    fc.assert(
      fc.property(loose, fc.double({ min: 0, max: 1e-3, noNaN: true }), (c, gasFrac) => {
        const { pool, side, victimIn, minOut, rIn } = build(c);
        const gas = gasFrac * victimIn * 1e-2;
        const before = snapshot(pool);
        const plan = optimalSandwich(pool, side, victimIn, minOut, gas);
        expect(snapshot(pool)).toBe(before);
        if (plan === null) {
          // No profitable front-run: the scan points all lose after gas.
          const b = sandwichBounds(pool, side, victimIn, minOut)!;
          for (let i = 1; i <= 16; i++) expect(sandwichProfit(pool, side, (b.maxFrontIn * i) / 16, victimIn).grossProfit - gas).toBeLessThanOrEqual(0);
          return;
        }
        plans++;
        const { optimal, maxFeasible } = plan;
        const aStar = maxFeasible.frontIn;
        expect(optimal.profit).toBeGreaterThan(0);
        expect(optimal.frontIn).toBeLessThanOrEqual(aStar);
        expect(optimal.profit).toBeGreaterThanOrEqual(maxFeasible.profit);
        expect(plan.frontIn).toBe(optimal.frontIn);
        expect(plan.profit).toBe(optimal.profit);
        if (optimal.frontIn < aStar) interior++;
        const eps = 1e-12 * (optimal.frontIn + rIn * 1e-3);
        for (const k of [1 - 1e-4, 1 + 1e-4]) {
          const a = optimal.frontIn * k;
          if (a > aStar) continue;
          expect(optimal.profit).toBeGreaterThanOrEqual(sandwichProfit(pool, side, a, victimIn).grossProfit - gas - eps);
        }
        // Profit and victim loss are what executing the optimal sandwich gives.
        const ex = execute(pool, side, optimal.frontIn, victimIn, minOut);
        expect(Math.abs(optimal.profit - (ex.profit - gas))).toBeLessThanOrEqual(1e-9 * Math.abs(ex.profit) + 1e-13 * rIn);
        expect(relErr(optimal.victimLoss, plan.victimOutWithout - ex.victim.amountOut)).toBeLessThan(1e-6);
        expect(optimal.victimLoss).toBeGreaterThan(0);
      }),
      { numRuns: runs(500), seed: seed(11) },
    );
    expect(plans).toBeGreaterThan(100);
    expect(interior).toBeGreaterThan(5); // the non-monotone case is exercised
  });

  it('with a loose limit the optimum is strictly inside [0, a*]', () => {
    // x = 1000 base, y = 2,000,000 quote, 30 bp external; victim buys with 20,000 quote accepting 90% slippage.
    const pool = createPool({ reserveBase: 1_000, reserveQuote: 2_000_000, feeBps: 30, feeMode: 'external' });
    const v = 20_000;
    const w0 = victimOutWithout(pool, 'buy', v);
    const plan = optimalSandwich(pool, 'buy', v, w0 * 0.1)!;
    expect(plan).not.toBeNull();
    expect(plan.optimal.frontIn).toBeLessThan(0.5 * plan.maxFeasible.frontIn);
    expect(plan.optimal.profit).toBeGreaterThan(5 * plan.maxFeasible.profit);
    expect(plan.victimOut).toBeGreaterThan(w0 * 0.1);
  });
});

describe('unprotected victim', () => {
  it('minOut = 0 (or a very loose limit) is capped at 5% of the no-sandwich output', () => {
    const pool = createPool({ reserveBase: 1_000, reserveQuote: 2_000_000, feeBps: 30, feeMode: 'external' });
    const v = 20_000;
    const w0 = victimOutWithout(pool, 'buy', v);
    const b = sandwichBounds(pool, 'buy', v, 0)!;
    expect(b.victimMinOut).toBe(w0 * 0.05);
    expect(sandwichBounds(pool, 'buy', v, w0 * 1e-9)!.maxFrontIn).toBe(b.maxFrontIn);
    expect(sandwichBounds(pool, 'buy', v, w0 * 0.06)!.maxFrontIn).toBeLessThan(b.maxFrontIn);
    const open = optimalSandwich(pool, 'buy', v, 0)!;
    const guarded = optimalSandwich(pool, 'buy', v, w0 * 0.99)!;
    expect(open.profit).toBeGreaterThan(guarded.profit);
    expect(open.victimLoss).toBeGreaterThan(guarded.victimLoss);
    expect(() => execute(pool, 'buy', open.frontIn, v, 0)).not.toThrow();
    expect(() => execute(pool, 'buy', open.maxFeasible.frontIn, v, w0 * 0.05)).not.toThrow();
  });
});

describe('unprofitable sandwiches', () => {
  it('a tight limit (fee + 1 bp vs the mid) gets null, for any size whose impact fits it', () => {
    fc.assert(
      fc.property(caseArb, fc.double({ min: 10, max: 100, noNaN: true }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (c, feeBps, impactFrac) => {
        const { pool } = build({ ...c, feeBps });
        const f = feeBps / 10_000;
        const tol = f + 1e-4; // the victim accepts an execution price (fee included) ≤ fee + 1 bp off the mid
        const [rIn, rOut] = c.side === 'buy' ? [pool.reserveQuote, pool.reserveBase] : [pool.reserveBase, pool.reserveQuote];
        // Price impact n/R (n: net input) below 1 bp, so the victim itself passes.
        const victimIn = (impactFrac * 1e-4 * rIn) / (1 - f);
        const minOut = (victimIn * rOut * (1 - tol)) / rIn;
        expect(swapExactIn(copy(pool), c.side, victimIn, minOut).ok).toBe(true);
        expect(optimalSandwich(pool, c.side, victimIn, minOut, 0)).toBeNull();
      }),
      { numRuns: runs(300), seed: seed(3) },
    );
  });

  it('a tiny victim is not worth the gas', () => {
    // Fee-free pool: a sandwich is profitable before gas even for a tiny victim; gas kills it.
    const pool = createPool({ reserveBase: 1_000, reserveQuote: 2_000_000, feeBps: 0, feeMode: 'external' });
    // 2 quote (1e-6 of the reserve), 0.5% slippage allowed: a* ≈ y·0.5%/2 ≈ 5,000 quote, and the
    // profit ≈ a*·2v/y ≈ 0.01 quote (the attacker extracts about the victim's slack, 0.5%·v).
    const v = 2;
    const minOut = victimOutWithout(pool, 'buy', v) * 0.995;
    const free = optimalSandwich(pool, 'buy', v, minOut, 0)!;
    expect(free).not.toBeNull();
    expect(free.profit).toBeGreaterThan(0);
    expect(free.profit).toBeLessThan(0.1);
    expect(relErr(free.profit, 0.005 * v)).toBeLessThan(0.05);
    expect(optimalSandwich(pool, 'buy', v, minOut, 0.1)).toBeNull(); // 0.1 quote of gas for both legs
    // With the usual 30 bp fee it is unprofitable even without gas.
    const fee30 = createPool({ reserveBase: 1_000, reserveQuote: 2_000_000, feeBps: 30, feeMode: 'in_pool' });
    expect(optimalSandwich(fee30, 'buy', v, victimOutWithout(fee30, 'buy', v) * 0.995, 0)).toBeNull();
  });
});

describe('hand-computed example', () => {
  // Pool: x = 1000 base, y = 2,000,000 quote, fee 30 bp (γ = 0.997), 'external'. The victim buys
  // with v = 100,000 quote and minOut = 47 base (no-sandwich output w₀ = 1000·99,700/2,099,700 ≈
  // 47.48297 base, so ≈ 1.017% slack).
  // a*: post-front-run quote reserve Y₁ = y + γa solves Y₁(Y₁ + γv) = k·γv/m with k = 2e9, i.e.
  //     Y₁ = (−γv + √((γv)² + 4kγv/m)) / 2 ≈ 2,010,498.85 → a* = (Y₁ − y)/γ ≈ 10,530.6434 quote.
  // Legs: o = x − k/Y₁ ≈ 5.222112 base; victim gets exactly 47; the back-run sells o into reserves
  // (X₂ = k/Y₁ − 47, Y₂ = Y₁ + γv): b = Y₂·γo/(X₂ + γo) ≈ 11,528.6648 quote; profit b − a ≈ 998.0214
  // quote; victim loss ≈ 0.482974 base. Profit is increasing up to a* here, so optimal = a*.
  it('matches direct algebra (1e-6)', () => {
    const [x, y, g, v, m] = [1_000, 2_000_000, 0.997, 100_000, 47];
    const k = x * y;
    const Y1 = (-g * v + Math.sqrt((g * v) ** 2 + (4 * k * g * v) / m)) / 2;
    const aStar = (Y1 - y) / g;
    const X1 = k / Y1;
    const o = x - X1;
    const X2 = X1 - (X1 * g * v) / (Y1 + g * v);
    const Y2 = Y1 + g * v;
    const back = (Y2 * g * o) / (X2 + g * o);
    const profit = back - aStar;
    const w0 = (x * g * v) / (y + g * v);
    expect(relErr(X1 - X2, m)).toBeLessThan(1e-12); // sanity of the algebra itself
    // The stated numbers.
    expect(relErr(aStar, 10_530.6434)).toBeLessThan(1e-8);
    expect(relErr(profit, 998.0214)).toBeLessThan(1e-7);

    const pool = createPool({ reserveBase: x, reserveQuote: y, feeBps: 30, feeMode: 'external' });
    const plan = optimalSandwich(pool, 'buy', v, m, 0)!;
    expect(plan.profitToken).toBe('quote');
    expect(relErr(plan.maxFeasible.frontIn, aStar)).toBeLessThan(1e-6);
    expect(relErr(plan.frontIn, aStar)).toBeLessThan(1e-6);
    expect(relErr(plan.frontOut, o)).toBeLessThan(1e-6);
    expect(relErr(plan.victimOut, m)).toBeLessThan(1e-6);
    expect(relErr(plan.backOut, back)).toBeLessThan(1e-6);
    expect(relErr(plan.profit, profit)).toBeLessThan(1e-6);
    expect(relErr(plan.victimLoss, w0 - m)).toBeLessThan(1e-6);
    expect(relErr(plan.victimOutWithout, w0)).toBeLessThan(1e-12);
    // Gas (in quote, both legs) comes straight off the profit.
    expect(relErr(optimalSandwich(pool, 'buy', v, m, 100)!.profit, profit - 100)).toBeLessThan(1e-6);
    expect(optimalSandwich(pool, 'buy', v, m, 1_000)).toBeNull();
  });

  it("in_pool: the front-run's fee stays in the reserves (Y₁ = y + a, X₁ = k/(y + γa))", () => {
    const [x, y, g, v, m] = [1_000, 2_000_000, 0.997, 100_000, 47];
    const k = x * y;
    // (y + γa)(y + a + γv) = kγv/m  ⇔  γa² + (γ(y + γv) + y)a + y(y + γv) − kγv/m = 0.
    const [A, B, C] = [g, g * (y + g * v) + y, y * (y + g * v) - (k * g * v) / m];
    const aStar = (-B + Math.sqrt(B * B - 4 * A * C)) / (2 * A);
    const X1 = k / (y + g * aStar);
    const Y1 = y + aStar;
    expect(relErr((X1 * g * v) / (Y1 + g * v), m)).toBeLessThan(1e-9);
    const o = x - X1;
    const X2 = X1 - m;
    const Y2 = Y1 + v;
    const back = (Y2 * g * o) / (X2 + g * o);
    const pool = createPool({ reserveBase: x, reserveQuote: y, feeBps: 30, feeMode: 'in_pool' });
    const plan = optimalSandwich(pool, 'buy', v, m)!;
    expect(relErr(plan.maxFeasible.frontIn, aStar)).toBeLessThan(1e-6);
    expect(relErr(plan.maxFeasible.profit, back - aStar)).toBeLessThan(1e-6);
  });
});

describe('back-run after a large swap', () => {
  it('is the optimal arbitrage on the post-swap state, and leaves the pool untouched', () => {
    for (const feeMode of ['external', 'in_pool'] as const) {
      for (const side of ['buy', 'sell'] as const) {
        const pool = createPool({ reserveBase: 1_000, reserveQuote: 2_000_000, feeBps: 30, feeMode });
        const before = snapshot(pool);
        const big = side === 'buy' ? 200_000 : 100;
        const trade = backrunAfter(pool, side, big, 2_000)!;
        expect(snapshot(pool)).toBe(before);
        expect(trade).not.toBeNull();
        expect(trade.side).toBe(other(side)); // the arbitrageur reverses the move
        const p = copy(pool);
        expect(swapExactIn(p, side, big).ok).toBe(true);
        expect(trade).toEqual(optimalArbitrage(p, 2_000));
        expect(trade.profit).toBeGreaterThan(0);
        // A small swap stays inside the no-arbitrage band (|ln P/m| ≤ −ln(1 − f)).
        expect(backrunAfter(pool, side, side === 'buy' ? 100 : 0.05, 2_000)).toBeNull();
        expect(backrunAfter(pool, side, -1, 2_000)).toBeNull();
      }
    }
  });
});
