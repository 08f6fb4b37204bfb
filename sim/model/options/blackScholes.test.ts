import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { blackScholes, impliedVol, lelandInterval, lelandVol, priceBounds, type OptionKind } from './blackScholes.ts';

describe('Black–Scholes against the textbook', () => {
  // Hull, Options, Futures, and Other Derivatives, example 15.6: S = 42, K = 40, r = 10%, σ = 20%, T = 0.5.
  const hull = { spot: 42, strike: 40, years: 0.5, rate: 0.1, vol: 0.2 };
  it('Hull 15.6: call 4.76, put 0.81 (and d1 = 0.7693, d2 = 0.6278 give N(d1) = 0.7791)', () => {
    const call = blackScholes({ kind: 'call', ...hull });
    const put = blackScholes({ kind: 'put', ...hull });
    expect(call.price).toBeCloseTo(4.7594, 4);
    expect(put.price).toBeCloseTo(0.8086, 4);
    expect(call.delta).toBeCloseTo(0.7791, 4);
    expect(put.delta).toBeCloseTo(0.7791 - 1, 4);
  });

  it('Greeks are the derivatives of the price (central differences)', () => {
    for (const kind of ['call', 'put'] as const) {
      const g = blackScholes({ kind, ...hull });
      const at = (o: Partial<typeof hull>) => blackScholes({ kind, ...hull, ...o }).price;
      const h = 1e-4;
      expect(g.delta).toBeCloseTo((at({ spot: 42 + h }) - at({ spot: 42 - h })) / (2 * h), 6);
      expect(g.gamma).toBeCloseTo((at({ spot: 42 + h }) - 2 * g.price + at({ spot: 42 - h })) / (h * h), 4);
      expect(g.vega).toBeCloseTo((at({ vol: 0.2 + h }) - at({ vol: 0.2 - h })) / (2 * h), 6);
      expect(g.rho).toBeCloseTo((at({ rate: 0.1 + h }) - at({ rate: 0.1 - h })) / (2 * h), 6);
      // theta: time passing shortens the remaining life.
      expect(g.theta).toBeCloseTo(-(at({ years: 0.5 + h }) - at({ years: 0.5 - h })) / (2 * h), 5);
    }
  });
});

const inputs = fc.record({
  spot: fc.double({ min: 1, max: 1e5, noNaN: true }),
  moneyness: fc.double({ min: 0.5, max: 2, noNaN: true }),
  years: fc.double({ min: 1 / 365, max: 3, noNaN: true }),
  rate: fc.double({ min: -0.02, max: 0.15, noNaN: true }),
  vol: fc.double({ min: 0.05, max: 3, noNaN: true }),
});

describe('no-arbitrage relations over random inputs', () => {
  it('put–call parity: C − P = S − K·e^(−rT); prices within their bounds', () => {
    fc.assert(
      fc.property(inputs, ({ spot, moneyness, years, rate, vol }) => {
        const o = { spot, strike: spot * moneyness, years, rate, vol };
        const c = blackScholes({ kind: 'call', ...o }).price;
        const p = blackScholes({ kind: 'put', ...o }).price;
        expect(Math.abs(c - p - (spot - o.strike * Math.exp(-rate * years)))).toBeLessThan(1e-9 * spot);
        for (const [kind, price] of [['call', c], ['put', p]] as [OptionKind, number][]) {
          const b = priceBounds({ kind, ...o });
          expect(price).toBeGreaterThanOrEqual(b.lower - 1e-9 * spot);
          expect(price).toBeLessThanOrEqual(b.upper + 1e-9 * spot);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('monotone: calls rise with spot, fall with strike; both rise with vol and (calls) with time', () => {
    fc.assert(
      fc.property(inputs, ({ spot, moneyness, years, rate, vol }) => {
        const o = { spot, strike: spot * moneyness, years, rate, vol };
        const c = (x: Partial<typeof o>) => blackScholes({ kind: 'call', ...o, ...x }).price;
        const p = (x: Partial<typeof o>) => blackScholes({ kind: 'put', ...o, ...x }).price;
        const eps = 1e-12 * spot;
        expect(c({ spot: spot * 1.01 })).toBeGreaterThanOrEqual(c({}) - eps);
        expect(c({ strike: o.strike * 1.01 })).toBeLessThanOrEqual(c({}) + eps);
        expect(c({ vol: vol * 1.1 })).toBeGreaterThanOrEqual(c({}) - eps);
        expect(p({ vol: vol * 1.1 })).toBeGreaterThanOrEqual(p({}) - eps);
        if (rate >= 0) expect(c({ years: years * 1.1 })).toBeGreaterThanOrEqual(c({}) - eps);
      }),
      { numRuns: 500 },
    );
  });
});

describe('implied volatility', () => {
  it('recovers the volatility that made the price, wherever vega is not negligible', () => {
    fc.assert(
      fc.property(inputs, fc.constantFrom('call' as const, 'put' as const), ({ spot, moneyness, years, rate, vol }, kind) => {
        const o = { kind, spot, strike: spot * moneyness, years, rate };
        const g = blackScholes({ ...o, vol });
        fc.pre(g.vega > 1e-6 * spot); // far out of the money the price carries no information about vol
        const iv = impliedVol(o, g.price);
        expect(iv.ok).toBe(true);
        if (iv.ok) {
          // The solver stops when the price matches to 1e-12 (relative): the vol is then known to
          // that price error over vega, which is large where the price hardly depends on vol.
          const repriced = blackScholes({ ...o, vol: iv.vol }).price;
          expect(Math.abs(repriced - g.price)).toBeLessThanOrEqual(1e-12 * Math.max(1, g.price) * 1.0001);
          expect(Math.abs(iv.vol - vol)).toBeLessThan((2e-12 * Math.max(1, g.price)) / g.vega + 1e-9 * vol);
          expect(iv.iterations).toBeLessThan(60);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('says why it fails: a price outside the no-arbitrage bounds, or no time left', () => {
    const o = { kind: 'call' as const, spot: 42, strike: 40, years: 0.5, rate: 0.1 };
    const below = impliedVol(o, 3); // intrinsic after discounting is 42 − 40e^(−0.05) = 3.95
    expect(below).toMatchObject({ ok: false, reason: 'below-lower-bound' });
    expect(impliedVol(o, 43)).toMatchObject({ ok: false, reason: 'above-upper-bound' });
    expect(impliedVol({ ...o, years: 0 }, 2)).toMatchObject({ ok: false, reason: 'no-time-value' });
    expect(impliedVol({ ...o, spot: -1 }, 2)).toMatchObject({ ok: false, reason: 'invalid-input' });
    expect(impliedVol(o, 4.7594)).toMatchObject({ ok: true });
  });
});

describe('Leland', () => {
  it('σ_eff = σ√(1 ± √(2/π)·k/(σ√δt)): a short position is priced up, a long one down, and none without cost', () => {
    const v = lelandVol(0.2, 0.01, 1 / 52, 'short');
    expect(v).toBeCloseTo(0.2 * Math.sqrt(1 + Math.sqrt(2 / Math.PI) * (0.01 / (0.2 * Math.sqrt(1 / 52)))), 12);
    expect(lelandVol(0.2, 0.01, 1 / 52, 'long')).toBeLessThan(0.2);
    expect(lelandVol(0.2, 0, 1 / 52, 'short')).toBe(0.2);
  });

  it('the rebalancing interval minimizes Leland\'s cost plus the price of the discrete-hedging error', () => {
    const [vol, k, vega, years, gamma] = [0.8, 1e-3, 300, 0.08, 0.01];
    const total = (dt: number) => (vega * Math.sqrt(2 / Math.PI) * k) / (2 * Math.sqrt(dt)) + 0.5 * gamma * (Math.PI / 4) * (vega * vol) ** 2 * (dt / years);
    const best = lelandInterval(vol, k, vega, years, gamma);
    expect(best).toBeGreaterThan(0);
    for (const f of [0.5, 0.9, 1.1, 2]) expect(total(best * f)).toBeGreaterThan(total(best));
    expect(lelandInterval(vol, 0, vega, years, gamma)).toBe(0);
    expect(lelandInterval(vol, k, vega, years, 0)).toBe(Infinity);
  });
});
