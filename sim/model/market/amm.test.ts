import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  amountInFor, amountOut, createPool, executionPrice, logFeeBand, midPrice, midPriceAfterExactIn, nextUp,
  MIN_RESERVE, optimalArbitrage, priceImpact, productAtLeast, swapExactIn, swapExactOut,
  type FeeMode, type Pool, type Side,
} from './amm.ts';

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const ulp = (x: number) => nextUp(Math.abs(x)) - Math.abs(x);
const pool = (feeBps = 30, feeMode: FeeMode = 'external', base = 1_000, quote = 2_000_000): Pool =>
  createPool({ reserveBase: base, reserveQuote: quote, feeBps, feeMode });

describe('closed forms', () => {
  it('a single exact-in swap reproduces x·y = k on the net input to 1e-12', () => {
    for (const feeMode of ['external', 'in_pool'] as const) {
      for (const side of ['buy', 'sell'] as const) {
        const p = pool(30, feeMode);
        const [x, y] = [p.reserveBase, p.reserveQuote];
        const a = side === 'buy' ? 50_000 : 25;
        const net = a * (1 - 0.003);
        const expectedOut = side === 'buy' ? (x * net) / (y + net) : (y * net) / (x + net);
        const r = swapExactIn(p, side, a);
        if (!r.ok) throw new Error(r.reason);
        expect(relErr(r.amountOut, expectedOut)).toBeLessThan(1e-12);
        expect(relErr(r.fee, a * 0.003)).toBeLessThan(1e-12);
        expect(r.midBefore).toBe(2000);
        // external: reserves follow the curve exactly; in_pool: the fee stays in the reserves.
        const kept = feeMode === 'external' ? net : a;
        const [inAfter, outAfter] = side === 'buy' ? [p.reserveQuote, p.reserveBase] : [p.reserveBase, p.reserveQuote];
        expect(relErr(inAfter, (side === 'buy' ? y : x) + kept)).toBeLessThan(1e-12);
        expect(relErr(outAfter, (side === 'buy' ? x : y) - expectedOut)).toBeLessThan(1e-12);
        expect(relErr(r.midAfter, midPriceAfterExactIn(pool(30, feeMode), side, a))).toBeLessThan(1e-12);
        if (feeMode === 'external') expect(relErr(p.reserveBase * p.reserveQuote, x * y)).toBeLessThan(1e-12);
        else expect(p.reserveBase * p.reserveQuote).toBeGreaterThan(x * y * (1 + 1e-6));
      }
    }
  });

  it('price impact follows n/y (buy) and n/(x+n) (sell), and grows with size', () => {
    const p = pool(30);
    const sizes = [1e-3, 1, 100, 1e4, 1e6, 1e8];
    for (const side of ['buy', 'sell'] as const) {
      let previous = 0;
      for (const frac of sizes) {
        const a = frac * (side === 'buy' ? 1 : 1 / 2000);
        const impact = priceImpact(p, side, a);
        // Definition: fee-free average price vs the mid.
        const net = a * 0.997;
        const out = amountOut(a, ...(side === 'buy' ? [p.reserveQuote, p.reserveBase] : [p.reserveBase, p.reserveQuote]) as [number, number], 30);
        const avgExFee = side === 'buy' ? net / out : out / net;
        const measured = side === 'buy' ? avgExFee / midPrice(p) - 1 : 1 - avgExFee / midPrice(p);
        expect(Math.abs(measured - impact)).toBeLessThan(1e-9 * Math.max(impact, 1e-3));
        expect(impact).toBeGreaterThan(previous);
        previous = impact;
        // The executed price adds the fee on top of the impact.
        const exec = executionPrice(p, side, a);
        const expected = side === 'buy' ? (midPrice(p) * (1 + impact)) / 0.997 : midPrice(p) * (1 - impact) * 0.997;
        expect(relErr(exec, expected)).toBeLessThan(1e-9);
      }
      expect(side === 'sell' ? previous < 1 : previous > 1).toBe(true);
    }
  });

  it('exact-out inverts exact-in', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e3, noNaN: true }), fc.integer({ min: 0, max: 1000 }), (frac, feeBps) => {
        const [rIn, rOut] = [3e6, 1.5e3];
        const a = frac * rIn;
        const out = amountOut(a, rIn, rOut, feeBps);
        expect(relErr(amountInFor(out, rIn, rOut, feeBps), a)).toBeLessThan(1e-9);
      }),
    );
    expect(amountInFor(1500, 3e6, 1500, 30)).toBe(Infinity);
    // Through the state-changing functions too.
    for (const side of ['buy', 'sell'] as const) {
      const a = side === 'buy' ? 123_456 : 61.5;
      const r1 = swapExactIn(pool(), side, a);
      if (!r1.ok) throw new Error(r1.reason);
      const r2 = swapExactOut(pool(), side, r1.amountOut);
      if (!r2.ok) throw new Error(r2.reason);
      expect(relErr(r2.amountIn, a)).toBeLessThan(1e-12);
      expect(relErr(r2.fee, r1.fee)).toBeLessThan(1e-9);
    }
  });
});

describe('the reserve floor', () => {
  it('no swap leaves a reserve below one smallest unit, however large: the price stays far from underflow', () => {
    const p = pool(30, 'external', 1e-12 * 1e4, 1e-12); // a dust pool
    for (let i = 0; i < 200; i++) swapExactIn(p, 'sell', 1e15);
    expect(p.reserveQuote).toBeGreaterThanOrEqual(MIN_RESERVE);
    expect(midPrice(p)).toBeGreaterThan(1e-60);
    const drain = swapExactOut(pool(), 'buy', 1_000 - MIN_RESERVE / 2, Infinity);
    expect(drain.ok).toBe(false);
    if (!drain.ok) expect(drain.reason).toBe('insufficient-liquidity');
  });
});

describe('swaps, properties', () => {
  const swapArb = fc.record({
    side: fc.constantFrom<Side>('buy', 'sell'),
    exactOut: fc.boolean(),
    // Sizes from dust to ten times the reserve, log-uniform.
    logSize: fc.double({ min: -12, max: 1, noNaN: true }),
  });
  const poolArb = fc.record({
    base: fc.double({ min: 1e-3, max: 1e9, noNaN: true }),
    price: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
    feeBps: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4999 })),
    feeMode: fc.constantFrom<FeeMode>('external', 'in_pool'),
  });

  it('k never decreases (exactly), reserves stay positive, value is conserved', () => {
    fc.assert(
      fc.property(poolArb, fc.array(swapArb, { minLength: 1, maxLength: 30 }), ({ base, price, feeBps, feeMode }, swaps) => {
        const p = createPool({ reserveBase: base, reserveQuote: base * price, feeBps, feeMode });
        for (const s of swaps) {
          const before = { ...p };
          const [rIn, rOut] = s.side === 'buy' ? [p.reserveQuote, p.reserveBase] : [p.reserveBase, p.reserveQuote];
          const r = s.exactOut ? swapExactOut(p, s.side, rOut * 10 ** Math.min(s.logSize, -1e-9)) : swapExactIn(p, s.side, rIn * 10 ** s.logSize);
          if (!r.ok) {
            expect(p).toEqual(before);
            continue;
          }
          expect(p.reserveBase).toBeGreaterThan(0);
          expect(p.reserveQuote).toBeGreaterThan(0);
          expect(productAtLeast(p.reserveBase, p.reserveQuote, before.reserveBase, before.reserveQuote)).toBe(true);
          // Trader gives amountIn = what the pool keeps + the fee (a part of what it keeps, in_pool).
          const [inAfter, outAfter] = s.side === 'buy' ? [p.reserveQuote, p.reserveBase] : [p.reserveBase, p.reserveQuote];
          const feeOut = feeMode === 'external' ? r.fee : 0;
          const tol = (x: number) => 4 * ulp(x);
          expect(Math.abs(r.amountIn - (inAfter - rIn) - feeOut)).toBeLessThanOrEqual(tol(inAfter) + tol(r.amountIn));
          expect(Math.abs(r.amountOut - (rOut - outAfter))).toBeLessThanOrEqual(tol(rOut));
          const feeTotal = s.side === 'buy' ? p.feesQuote - before.feesQuote : p.feesBase - before.feesBase;
          // The running total rounds at its own magnitude.
          expect(Math.abs(feeTotal - r.fee)).toBeLessThanOrEqual(tol(s.side === 'buy' ? p.feesQuote : p.feesBase));
          expect(r.fee).toBeGreaterThanOrEqual(0);
          expect(Math.abs(r.fee - (r.amountIn * feeBps) / 10_000)).toBeLessThanOrEqual(tol(r.amountIn));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a failed swap changes nothing', () => {
    const cases: [string, (p: Pool) => ReturnType<typeof swapExactIn>, string][] = [
      ['minOut above the quote', (p) => swapExactIn(p, 'buy', 1000, amountOut(1000, p.reserveQuote, p.reserveBase, 30) * 1.0001), 'slippage-limit'],
      ['maxIn below the quote', (p) => swapExactOut(p, 'sell', 1000, amountInFor(1000, p.reserveBase, p.reserveQuote, 30) * 0.9999), 'slippage-limit'],
      ['more out than the reserve', (p) => swapExactOut(p, 'buy', 1000), 'insufficient-liquidity'],
      ['zero in', (p) => swapExactIn(p, 'buy', 0), 'invalid-amount'],
      ['negative in', (p) => swapExactIn(p, 'sell', -1), 'invalid-amount'],
      ['NaN out', (p) => swapExactOut(p, 'sell', NaN), 'invalid-amount'],
      ['infinite in', (p) => swapExactIn(p, 'buy', Infinity), 'invalid-amount'],
      ['NaN minOut', (p) => swapExactIn(p, 'buy', 1, NaN), 'invalid-amount'],
    ];
    for (const [name, run, reason] of cases) {
      const p = pool();
      const before = { ...p };
      const r = run(p);
      expect(r, name).toEqual({ ok: false, reason });
      expect(p, name).toEqual(before);
    }
  });

  it('rejects invalid pools', () => {
    expect(() => createPool({ reserveBase: 0, reserveQuote: 1, feeBps: 30, feeMode: 'external' })).toThrow(/reserveBase/);
    expect(() => createPool({ reserveBase: 1, reserveQuote: 1, feeBps: 5000, feeMode: 'external' })).toThrow(/feeBps/);
  });
});

describe('productAtLeast and nextUp', () => {
  it('decides exact ties and one-ulp differences that floating point cannot', () => {
    const a = 0.1;
    const b = 3;
    expect(productAtLeast(a, b, b, a)).toBe(true);
    expect(productAtLeast(a, b, nextUp(b), a)).toBe(false);
    expect(productAtLeast(nextUp(a), b, b, a)).toBe(true);
    // fl(0.1·3) = fl(0.3·1) but 0.1·3 > 0.3 exactly (0.1 is stored above 1/10, 0.3 below 3/10).
    expect(0.1 * 3 === 0.30000000000000004 && productAtLeast(0.1, 3, 0.3, 1)).toBe(true);
    expect(productAtLeast(0.3, 1, 0.1, 3)).toBe(false);
    expect(nextUp(1)).toBe(1 + 2 ** -52);
    expect(nextUp(0)).toBe(Number.MIN_VALUE);
  });
});

describe('optimalArbitrage', () => {
  const profitOf = (p: Pool, side: Side, a: number, ref: number) => {
    const [rIn, rOut] = side === 'buy' ? [p.reserveQuote, p.reserveBase] : [p.reserveBase, p.reserveQuote];
    const out = amountOut(a, rIn, rOut, p.feeBps);
    return side === 'buy' ? ref * out - a : out - ref * a;
  };

  it('beats ±1e-6 perturbed sizes and leaves the mid on the band edge (external fees)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: -2, max: -0.3, noNaN: true }), // log10 of the mispricing beyond the band: 1%–50%
        fc.boolean(),
        (feeBps, logExcess, up) => {
          const p = pool(feeBps);
          const gamma = logFeeBand(feeBps);
          const ref = midPrice(p) * Math.exp((up ? 1 : -1) * (gamma + 10 ** logExcess));
          const trade = optimalArbitrage(p, ref);
          expect(trade).not.toBeNull();
          const t = trade!;
          expect(t.side).toBe(up ? 'buy' : 'sell');
          expect(relErr(profitOf(p, t.side, t.amountIn, ref), t.profit)).toBeLessThan(1e-12);
          expect(t.profit).toBeGreaterThan(profitOf(p, t.side, t.amountIn * (1 + 1e-6), ref));
          expect(t.profit).toBeGreaterThan(profitOf(p, t.side, t.amountIn * (1 - 1e-6), ref));
          const r = swapExactIn(p, t.side, t.amountIn, t.amountOut * (1 - 1e-12));
          expect(r.ok).toBe(true);
          const edge = up ? ref * (1 - feeBps / 1e4) : ref / (1 - feeBps / 1e4);
          expect(relErr(midPrice(p), edge)).toBeLessThan(1e-12);
          expect(optimalArbitrage(p, ref)).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns null inside the band, boundaries included, and trades just outside it', () => {
    const p = pool(30);
    const m = midPrice(p);
    for (const ref of [m, m * 0.9971, m * 1.0029, m / 0.997, m * 0.997]) expect(optimalArbitrage(p, ref)).toBeNull();
    expect(optimalArbitrage(p, (m / 0.997) * (1 + 1e-9))?.side).toBe('buy');
    expect(optimalArbitrage(p, m * 0.997 * (1 - 1e-9))?.side).toBe('sell');
    expect(optimalArbitrage(p, NaN)).toBeNull();
  });

  it('with in_pool fees the same trade is optimal and leaves no profitable trade behind', () => {
    for (const up of [true, false]) {
      const p = pool(30, 'in_pool');
      const ref = midPrice(p) * (up ? 1.05 : 0.95);
      const t = optimalArbitrage(p, ref)!;
      expect(t.profit).toBeGreaterThan(profitOf(p, t.side, t.amountIn * (1 + 1e-6), ref));
      expect(t.profit).toBeGreaterThan(profitOf(p, t.side, t.amountIn * (1 - 1e-6), ref));
      expect(swapExactIn(p, t.side, t.amountIn).ok).toBe(true);
      expect(optimalArbitrage(p, ref)).toBeNull();
      // Strictly inside the band: the fee added to the reserves moved the mid past the edge.
      const m = midPrice(p);
      expect(up ? m > ref * 0.997 : m < ref / 0.997).toBe(true);
    }
  });
});

describe('productAtLeast (exact comparison of two products)', () => {
  it('agrees with exact BigInt arithmetic on near-ties, ties and random inputs', async () => {
    const fcm = (await import('fast-check')).default;
    const { productAtLeast, nextUp } = await import('./amm.ts');
    const exact = (a: number, b: number, c: number, d: number) => {
      const big = (x: number) => {
        const dv = new DataView(new ArrayBuffer(8));
        dv.setFloat64(0, x);
        const hi = dv.getUint32(0);
        const lo = dv.getUint32(4);
        const e = (hi >>> 20) & 0x7ff;
        const m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
        return e === 0 ? { m, e: -1074 } : { m: m | (1n << 52n), e: e - 1075 };
      };
      const [A, B, C, D] = [a, b, c, d].map(big);
      let l = A.m * B.m;
      let r = C.m * D.m;
      const le = A.e + B.e;
      const re = C.e + D.e;
      if (le > re) l <<= BigInt(le - re);
      else r <<= BigInt(re - le);
      return l >= r;
    };
    const pos = fcm.double({ min: 1e-6, max: 1e12, noNaN: true });
    fcm.assert(
      fcm.property(pos, pos, pos, fcm.integer({ min: -3, max: 3 }), (a, b, c, k) => {
        // d chosen so that c·d is within a few ulps of a·b: the hard case.
        let d = (a * b) / c;
        for (let i = 0; i < Math.abs(k); i++) d = k > 0 ? nextUp(d) : d - (nextUp(d) - d);
        expect(productAtLeast(a, b, c, d)).toBe(exact(a, b, c, d));
        expect(productAtLeast(a, b, a, b)).toBe(true);
      }),
      { numRuns: 20000, seed: 11 },
    );
  });
});
