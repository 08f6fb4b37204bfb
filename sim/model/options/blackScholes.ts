// Black–Scholes (–Merton, no dividends) prices and Greeks of European calls and puts, and implied
// volatility by a bracketed root finder that cannot fail to converge. Pure functions; time in
// years, rates and volatilities annualized, continuous compounding.
//
//   d1 = (ln(S/K) + (r + σ²/2)T) / (σ√T),  d2 = d1 − σ√T
//   call = S·N(d1) − K·e^(−rT)·N(d2),  put = K·e^(−rT)·N(−d2) − S·N(−d1)
//
// Reference values: Hull, Options, Futures, and Other Derivatives, example 15.6 (S = 42, K = 40,
// r = 10%, σ = 20%, T = 0.5: call 4.76, put 0.81); tested in blackScholes.test.ts.

import cdf from '@stdlib/stats-base-dists-normal-cdf';
import pdf from '@stdlib/stats-base-dists-normal-pdf';

export type OptionKind = 'call' | 'put';

export interface OptionInputs {
  kind: OptionKind;
  /** Spot (underlying price). */
  spot: number;
  strike: number;
  /** Time to expiry, years (≥ 0). */
  years: number;
  /** Risk-free rate, annualized, continuous. */
  rate: number;
  /** Volatility, annualized. */
  vol: number;
}

export interface Greeks {
  price: number;
  /** ∂price/∂spot. */
  delta: number;
  /** ∂²price/∂spot². */
  gamma: number;
  /** ∂price/∂vol, per unit of vol (1.00 = 100 vol points). */
  vega: number;
  /** ∂price/∂t, per year (calendar time passing; negative for a long option as a rule). */
  theta: number;
  /** ∂price/∂rate, per unit of rate. */
  rho: number;
}

/** Standard normal density and distribution function (@stdlib: accurate to double precision, tails included). */
export const normalPdf = (x: number): number => pdf(x, 0, 1);
export const normalCdf = (x: number): number => cdf(x, 0, 1);

/** Price and Greeks. At expiry (or zero vol) the option is worth its discounted intrinsic value. */
export function blackScholes(o: OptionInputs): Greeks {
  const { kind, spot: S, strike: K, years: T, rate: r, vol: v } = o;
  const disc = Math.exp(-r * T);
  const sqrtT = Math.sqrt(T);
  if (!(T > 0) || !(v > 0)) {
    // Degenerate: the forward's intrinsic value; delta a step.
    const forward = S - K * disc;
    const itm = kind === 'call' ? forward > 0 : forward < 0;
    const price = kind === 'call' ? Math.max(forward, 0) : Math.max(-forward, 0);
    return { price, delta: itm ? (kind === 'call' ? 1 : -1) : 0, gamma: 0, vega: 0, theta: itm ? (kind === 'call' ? -r * K * disc : r * K * disc) : 0, rho: itm ? (kind === 'call' ? K * T * disc : -K * T * disc) : 0 };
  }
  const d1 = (Math.log(S / K) + (r + 0.5 * v * v) * T) / (v * sqrtT);
  const d2 = d1 - v * sqrtT;
  const pdf1 = normalPdf(d1);
  const gamma = pdf1 / (S * v * sqrtT);
  const vega = S * pdf1 * sqrtT;
  const decay = -(S * pdf1 * v) / (2 * sqrtT);
  if (kind === 'call') {
    const n1 = normalCdf(d1);
    const n2 = normalCdf(d2);
    return { price: S * n1 - K * disc * n2, delta: n1, gamma, vega, theta: decay - r * K * disc * n2, rho: K * T * disc * n2 };
  }
  const m1 = normalCdf(-d1);
  const m2 = normalCdf(-d2);
  return { price: K * disc * m2 - S * m1, delta: -m1, gamma, vega, theta: decay + r * K * disc * m2, rho: -K * T * disc * m2 };
}

/** No-arbitrage bounds of a European option's price (no dividends). */
export function priceBounds(o: Omit<OptionInputs, 'vol'>): { lower: number; upper: number } {
  const disc = Math.exp(-o.rate * o.years);
  return o.kind === 'call' ? { lower: Math.max(o.spot - o.strike * disc, 0), upper: o.spot } : { lower: Math.max(o.strike * disc - o.spot, 0), upper: o.strike * disc };
}

export type ImpliedVol = { ok: true; vol: number; iterations: number } | { ok: false; reason: 'below-lower-bound' | 'above-upper-bound' | 'no-time-value' | 'invalid-input'; detail: string };

/** Bracket searched for implied volatility (annualized). */
export const IV_MIN = 1e-6;
export const IV_MAX = 20;

/**
 * The volatility at which Black–Scholes gives `price`. The price is strictly increasing in vol
 * (vega > 0), so within the no-arbitrage bounds exactly one root lies in [IV_MIN, IV_MAX] (or the
 * price is at a bound). Safeguarded Newton: each step is Newton's when it stays inside the current
 * bracket and bisection otherwise, and the bracket shrinks every iteration — convergence is
 * guaranteed, quadratic near the root. Fails, saying why, when the price lies outside the bounds.
 */
export function impliedVol(o: Omit<OptionInputs, 'vol'>, price: number, tolerance = 1e-12): ImpliedVol {
  if (![o.spot, o.strike, o.years, o.rate, price].every(Number.isFinite) || o.spot <= 0 || o.strike <= 0 || o.years < 0) return { ok: false, reason: 'invalid-input', detail: 'spot, strike, years, rate and price must be finite; spot and strike > 0, years ≥ 0' };
  const { lower, upper } = priceBounds(o);
  if (price < lower - 1e-12 * Math.max(1, lower)) return { ok: false, reason: 'below-lower-bound', detail: `price ${price} below the no-arbitrage lower bound ${lower}` };
  if (price > upper + 1e-12 * Math.max(1, upper)) return { ok: false, reason: 'above-upper-bound', detail: `price ${price} above the no-arbitrage upper bound ${upper}` };
  if (!(o.years > 0)) return { ok: false, reason: 'no-time-value', detail: 'at expiry the price carries no volatility' };
  const at = (vol: number) => blackScholes({ ...o, vol });
  let lo = IV_MIN;
  let hi = IV_MAX;
  const fLo = at(lo).price - price;
  const fHi = at(hi).price - price;
  if (fLo >= 0) return fLo <= tolerance * Math.max(1, price) ? { ok: true, vol: lo, iterations: 0 } : { ok: false, reason: 'below-lower-bound', detail: `price ${price} is below the value at vol ${IV_MIN}` };
  if (fHi <= 0) return { ok: false, reason: 'above-upper-bound', detail: `price ${price} needs a vol above ${IV_MAX}` };
  let x = 0.5;
  for (let i = 1; i <= 200; i++) {
    const g = at(x);
    const f = g.price - price;
    if (Math.abs(f) <= tolerance * Math.max(1, price)) return { ok: true, vol: x, iterations: i };
    if (f > 0) hi = x;
    else lo = x;
    const newton = g.vega > 0 ? x - f / g.vega : NaN;
    x = newton > lo && newton < hi ? newton : 0.5 * (lo + hi);
    if (hi - lo <= 1e-15 * hi) return { ok: true, vol: x, iterations: i };
  }
  return { ok: true, vol: x, iterations: 200 };
}

/**
 * Leland (1985): the volatility to price with when hedging every `dtYears` with round-trip
 * proportional cost `k` (a fraction of the traded value): σ_eff = σ·√(1 ± √(2/π)·k/(σ√δt)), plus
 * for a short option position (the hedger must be paid more), minus for a long one. Clamped at 0.
 */
export function lelandVol(vol: number, k: number, dtYears: number, position: 'short' | 'long'): number {
  if (!(dtYears > 0) || !(vol > 0) || !(k > 0)) return vol;
  const le = Math.sqrt(2 / Math.PI) * (k / (vol * Math.sqrt(dtYears)));
  const factor = position === 'short' ? 1 + le : 1 - le;
  return vol * Math.sqrt(Math.max(factor, 0));
}

/**
 * The rebalancing interval, years, that minimizes what discrete hedging costs a hedger with risk
 * aversion `gamma` (per USD) over `years` left: Leland's cost, to first order vega·√(2/π)·k/(2√δt),
 * plus the price of the hedging error, ½γ·(π/4)·(vega·σ)²·δt/T (Kamal & Derman's variance for
 * N = T/δt rebalances). Setting the derivative to 0: δt* = (√(2/π)·k·T / ((π/2)·γ·vega·σ²))^(2/3).
 * Infinity when risk is free (γ = 0) or the option has no vega; 0 when hedging is free (k = 0).
 */
export function lelandInterval(vol: number, k: number, vega: number, years: number, gamma: number): number {
  if (!(k > 0)) return 0;
  const denominator = (Math.PI / 2) * gamma * vega * vol * vol;
  if (!(denominator > 0)) return Infinity;
  return (Math.sqrt(2 / Math.PI) * k * years / denominator) ** (2 / 3);
}
