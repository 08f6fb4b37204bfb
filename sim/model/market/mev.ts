// MEV math on a constant-product pool (pure functions): the sandwich that a searcher can place
// around a victim's exact-in swap without making it fail its slippage limit, and the back-run
// (arbitrage) after a large swap. Nothing here mutates the pool passed in: closed forms on the
// reserves, and, where the rounding of `swapExactIn` matters, simulation on a copy.
//
// Notation (for one side of the pool): R = reserve of the input token, S = reserve of the output
// token, k = R·S, γ = 1 − f (the fraction of the input that is priced; the fee is on the input),
// δ = the fraction of a gross input that enters the input reserve: δ = γ for 'external' fees,
// δ = 1 for 'in_pool'. The victim sells exactly v of the input token with minimum output m. The
// attacker front-runs with exact-in a of the same token (same direction), the victim executes,
// then the attacker back-runs by selling exactly the o(a) tokens it received (opposite direction).
//
// Reserves along the sandwich (both fee modes; the output reserve only sees net inputs, because
// the curve is priced on the net input):
//   front-run:  o(a) = S·γa/(R + γa);   R₁ = R + δa,   S₁ = S − o(a) = S·R/(R + γa)
//   victim:     w(a) = S₁·γv/(R₁ + γv); R₂ = R₁ + δv,  S₂ = S₁ − w(a)
//   back-run:   b(a) = R₂·γo/(S₂ + γo)    (input token back to the attacker)
//   profit(a) = b(a) − a − gas           (in the input token)
//
// ── Largest feasible front-run a* (closed form) ──────────────────────────────────────────────
// w(a) = S·R·γv / ((R + γa)(R + δa + γv)) is strictly decreasing in a ≥ 0 (the denominator is
// a product of two increasing positive factors), so the largest a with w(a) ≥ m solves w(a) = m:
//     (R + γa)(R + δa + γv) = k·γv/m
//  ⇔  γδ·a² + [γ(R + γv) + δR]·a + [R(R + γv) − kγv/m] = 0.
// With A = γδ > 0, B = γ(R + γv) + δR > 0, C = R(R + γv) − kγv/m, the victim passes without a
// sandwich iff w(0) ≥ m iff C ≤ 0; then the non-negative root is
//     a* = (−B + √(B² − 4AC)) / (2A) = 2(−C) / (B + √(B² − 4AC))     (no cancellation).
// (For 'external' fees this is the quadratic in the post-front-run reserve R₁ = R + γa,
//  R₁² + γv·R₁ − kγv/m = 0, shifted by R; for 'in_pool' R₁ = R + a and S₁ = S·R/(γR₁ + fR).)
// C is computed as R(R + γv)·(m − w₀)/m with w₀ = w(0), so its only cancellation is the real one,
// in the victim's slack m − w₀.
// `swapExactIn` rounds the victim's output down by a few ulps of the output reserve (k never
// decreases), and not monotonically in a; so the root is solved for m + ROUNDING_MARGIN_ULPS ulps
// of S (relative 3.6e-15·S/m, so front-runs just below a* pass too), and as a backstop lowered
// (by 2^-52, 2^-51, … up to 2^-22 ≈ 2.4e-7 relative) until the victim's swap really passes on a
// copy; if even that is not enough the slack is at the rounding level and we return null.
//
// ── Profit-maximizing front-run ──────────────────────────────────────────────────────────────
// profit(a) is NOT concave in general (checked numerically: its second difference is positive
// near a = 0 in many random cases), and the largest feasible front-run is not always the most
// profitable one (the attacker pays the fee twice and its own price impact): with loose limits the
// optimum is often strictly inside [0, a*]. In 20 000 random cases (reserves 1e2–1e6, fees
// 0–100 bp, both modes) profit was unimodal on [0, a*] (increasing, then possibly decreasing),
// but we do not rely on that alone: the optimum is
// searched by a uniform scan of SCAN_POINTS points on [0, a*], then golden-section search in the
// bracket around the best scan point, to a relative width GOLDEN_TOL of a*, and the result is
// compared with the endpoint a* (the endpoint a = 0 has profit −gas and is never chosen). Near
// the optimum the profit is flat, so the argmax is located to ~1e-7 relative (√ε), its profit to ε.
//
// ── Gas and units ────────────────────────────────────────────────────────────────────────────
// All sandwich amounts and profits are in the front-run's input token: quote for side 'buy',
// base for side 'sell' (`profitToken`). `gasCost` is the total gas of both attacker legs, in that
// same token: a searcher holding a USD gas cost converts it (base units = USD / price) first.
import { amountOut, createPool, optimalArbitrage, planExactIn, swapExactIn, type ArbitrageTrade, type Pool, type Side } from './amm.ts';

/**
 * a* is solved for a victim output of minOut + this many ulps of the output reserve (≈ 3.6e-15·S):
 * the rounding of `swapExactIn` is a few ulps of the reserve and is not monotone in the front-run.
 */
export const ROUNDING_MARGIN_ULPS = 16;
/** Points of the uniform scan over [0, a*] before golden-section refinement. */
export const SCAN_POINTS = 64;
/** Golden-section stops when the bracket is narrower than this fraction of a*. */
export const GOLDEN_TOL = 1e-12;
/**
 * Search floor: the front-run is never sized to leave the victim less than this fraction of its
 * no-sandwich output, whatever its limit. A victim with no protection (minOut ≤ 0) has no finite
 * largest front-run; and beyond this the legs drain most of a reserve, where `swapExactIn`'s
 * rounding guard (64 ulps) no longer holds (amm.ts throws 'k never decreases' for some swaps
 * taking ≳ 98% of the output reserve: measured 2/2000 at 98%, 147/2000 at 99%).
 * Loose limits are therefore capped: `victimMinOut` in the bounds is max(minOut, MIN_OUT_FLOOR_FRACTION·w₀).
 */
export const MIN_OUT_FLOOR_FRACTION = 0.05;

type Reserves = Pick<Pool, 'reserveBase' | 'reserveQuote' | 'feeBps' | 'feeMode'>;

interface Curve {
  R: number;
  S: number;
  g: number; // γ = 1 − f
  d: number; // δ: fraction of gross input entering the input reserve
}

function curveFor(pool: Reserves, side: Side): Curve {
  const g = 1 - pool.feeBps / 10_000;
  const [R, S] = side === 'buy' ? [pool.reserveQuote, pool.reserveBase] : [pool.reserveBase, pool.reserveQuote];
  return { R, S, g, d: pool.feeMode === 'in_pool' ? 1 : g };
}

// Objects here are built field by field, not by spreading: V8's object spread on these hot paths
// (every visible swap is sized) cost microseconds per call, more than the math itself.
const copyPool = (pool: Pool): Pool => {
  const copy = createPool(pool);
  copy.feesBase = pool.feesBase;
  copy.feesQuote = pool.feesQuote;
  return copy;
};

/** The input token of a side (profits of a sandwich on that side are in it). */
export const inputToken = (side: Side): 'quote' | 'base' => (side === 'buy' ? 'quote' : 'base');

/** Victim's output with no sandwich: w₀ = S·γv/(R + γv). */
export function victimOutWithout(pool: Reserves, side: Side, victimIn: number): number {
  const { R, S } = curveFor(pool, side);
  return amountOut(victimIn, R, S, pool.feeBps);
}

export interface SandwichLegs {
  /** Front-run input a (input token) and its output o(a) (output token). */
  frontIn: number;
  frontOut: number;
  /** Victim's output after the front-run. */
  victimOut: number;
  /** Back-run input (= frontOut, output token) and its output b(a) (input token). */
  backIn: number;
  backOut: number;
  /** b(a) − a, before gas (input token). */
  grossProfit: number;
}

/**
 * The three legs of a sandwich with front-run `frontIn` around a victim selling `victimIn`, by
 * closed form (no slippage check: see `sandwichBounds`). Pure.
 */
export function sandwichProfit(pool: Reserves, side: Side, frontIn: number, victimIn: number): SandwichLegs {
  const { R, S, g, d } = curveFor(pool, side);
  const a = frontIn;
  const v = victimIn;
  const o = (S * g * a) / (R + g * a);
  const S1 = (S * R) / (R + g * a);
  const R1 = R + d * a;
  const w = (S1 * g * v) / (R1 + g * v);
  const R2 = R1 + d * v;
  const S2 = S1 - w;
  const b = (R2 * g * o) / (S2 + g * o);
  return { frontIn: a, frontOut: o, victimOut: w, backIn: o, backOut: b, grossProfit: b - a };
}

export interface SandwichBounds {
  /** Largest front-run a* for which the victim still gets ≥ minOut (under `swapExactIn` rounding). */
  maxFrontIn: number;
  /** The unrounded closed-form root (a* before the rounding adjustment). */
  maxFrontInExact: number;
  /** Victim's output with no sandwich. */
  victimOutWithout: number;
  /** The limit used: max(minOut, MIN_OUT_FLOOR_FRACTION·victimOutWithout). */
  victimMinOut: number;
}

/**
 * Largest front-run that keeps the victim's swap within its slippage limit (closed form, see the
 * file header), or null when the victim would fail even without a sandwich, or a* ≤ 0.
 */
export function sandwichBounds(pool: Pool, side: Side, victimIn: number, victimMinOut: number): SandwichBounds | null {
  if (!(Number.isFinite(victimIn) && victimIn > 0)) return null;
  if (Number.isNaN(victimMinOut)) return null;
  const { R, g, d } = curveFor(pool, side);
  const w0 = victimOutWithout(pool, side, victimIn);
  const m = Math.max(victimMinOut, w0 * MIN_OUT_FLOOR_FRACTION);
  if (!(m <= w0)) return null;
  // Aim a few ulps of the output reserve above m: swapExactIn's rounding moves the victim's output
  // by that much, and not monotonically in a, so a front-run a little below a* must still pass.
  const mTarget = m + ROUNDING_MARGIN_ULPS * 2 ** -52 * curveFor(pool, side).S;
  if (!(mTarget < w0)) return null;
  const A = g * d;
  const B = g * (R + g * victimIn) + d * R;
  const C = (R * (R + g * victimIn) * (mTarget - w0)) / mTarget; // < 0
  const exact = (2 * -C) / (B + Math.sqrt(B * B - 4 * A * C));
  if (!(exact > 0 && Number.isFinite(exact))) return null;
  // Lower the root until the victim's swap passes after it, under swapExactIn's rounding (the
  // AMM's own plans on the reserves: nothing is copied or changed).
  const [rIn, rOut] = side === 'buy' ? [pool.reserveQuote, pool.reserveBase] : [pool.reserveBase, pool.reserveQuote];
  const inPool = pool.feeMode === 'in_pool';
  let a = exact;
  for (let i = 0; ; i++) {
    const front = planExactIn(rIn, rOut, a, pool.feeBps, inPool);
    if (front.ok) {
      const victim = planExactIn(front.newIn, front.newOut, victimIn, pool.feeBps, inPool);
      if (victim.ok && victim.amountOut >= m) break;
    }
    if (i >= 30) return null; // the slack is at the rounding level: no usable front-run
    a = exact * (1 - 2 ** (i - 52));
  }
  return { maxFrontIn: a, maxFrontInExact: exact, victimOutWithout: w0, victimMinOut: m };
}

export interface SandwichOutcome extends SandwichLegs {
  /** grossProfit − gasCost (input token). */
  profit: number;
  /** victimOutWithout − victimOut (output token). */
  victimLoss: number;
}

export interface SandwichPlan extends SandwichOutcome {
  side: Side;
  /** The token in which frontIn, backOut, profits and gasCost are counted. */
  profitToken: 'quote' | 'base';
  victimOutWithout: number;
  /** The profit-maximizing sandwich (its fields are also spread at the top level). */
  optimal: SandwichOutcome;
  /** The largest feasible front-run a*, for comparison. */
  maxFeasible: SandwichOutcome;
}

const PHI = (Math.sqrt(5) - 1) / 2;

/**
 * The profit-maximizing sandwich around a victim (front-run in [0, a*]), or null when the victim
 * would fail anyway, or no front-run is profitable after `gasCost` (input token, both legs).
 */
export function optimalSandwich(pool: Pool, side: Side, victimIn: number, victimMinOut: number, gasCost = 0): SandwichPlan | null {
  const bounds = sandwichBounds(pool, side, victimIn, victimMinOut);
  if (bounds === null) return null;
  const aMax = bounds.maxFrontIn;
  const gross = (a: number) => sandwichProfit(pool, side, a, victimIn).grossProfit;

  // Scan, then golden-section search in the bracket around the best scan point.
  let bestI = SCAN_POINTS;
  let bestP = gross(aMax);
  for (let i = 1; i < SCAN_POINTS; i++) {
    const p = gross((aMax * i) / SCAN_POINTS);
    if (p > bestP) {
      bestP = p;
      bestI = i;
    }
  }
  // The bracket [best − 1, best + 1] grid steps (clipped to [0, a*]) holds the maximum of a
  // unimodal profit; at the endpoint a* the maximum may still lie just below it.
  let lo = (aMax * (bestI - 1)) / SCAN_POINTS;
  let hi = bestI < SCAN_POINTS ? (aMax * (bestI + 1)) / SCAN_POINTS : aMax;
  let x1 = hi - PHI * (hi - lo);
  let x2 = lo + PHI * (hi - lo);
  let f1 = gross(x1);
  let f2 = gross(x2);
  while (hi - lo > GOLDEN_TOL * aMax) {
    if (f1 < f2) {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + PHI * (hi - lo);
      f2 = gross(x2);
    } else {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - PHI * (hi - lo);
      f1 = gross(x1);
    }
  }
  const [aGs, pGs] = f1 >= f2 ? [x1, f1] : [x2, f2];
  const aBest = pGs > bestP ? aGs : bestI === SCAN_POINTS ? aMax : (aMax * bestI) / SCAN_POINTS;

  const outcome = (a: number): SandwichOutcome => withOutcome(sandwichProfit(pool, side, a, victimIn), gasCost, bounds.victimOutWithout);
  const maxFeasible = outcome(aMax);
  let optimal = outcome(aBest);
  if (maxFeasible.profit >= optimal.profit) optimal = maxFeasible;
  if (!(optimal.profit > 0)) return null;
  const { frontIn, frontOut, victimOut, backIn, backOut, grossProfit, profit, victimLoss } = optimal;
  return { frontIn, frontOut, victimOut, backIn, backOut, grossProfit, profit, victimLoss, side, profitToken: inputToken(side), victimOutWithout: bounds.victimOutWithout, optimal, maxFeasible };
}

/**
 * The largest feasible sandwich around a victim — the front-run at a* — and its outcome after
 * `gasCost`, or null when the victim would fail anyway. What a searcher sizes (it bids for the
 * biggest position the victim's limit allows); cheaper than `optimalSandwich`, which also searches
 * the interior of [0, a*].
 */
export function largestSandwich(pool: Pool, side: Side, victimIn: number, victimMinOut: number, gasCost = 0): SandwichOutcome | null {
  const bounds = sandwichBounds(pool, side, victimIn, victimMinOut);
  if (bounds === null) return null;
  return withOutcome(sandwichProfit(pool, side, bounds.maxFrontIn, victimIn), gasCost, bounds.victimOutWithout);
}

/** The legs' outcome after gas, against the victim's output with no sandwich. */
function withOutcome(legs: SandwichLegs, gasCost: number, victimOutWithout: number): SandwichOutcome {
  const { frontIn, frontOut, victimOut, backIn, backOut, grossProfit } = legs;
  return { frontIn, frontOut, victimOut, backIn, backOut, grossProfit, profit: grossProfit - gasCost, victimLoss: victimOutWithout - victimOut };
}

/**
 * Back-run after a large swap: simulates the exact-in swap of `amountIn` on a copy of the pool and
 * returns the optimal arbitrage against `refPrice` on the resulting state (`optimalArbitrage`),
 * or null when the swap fails or the pool is left inside the no-arbitrage band.
 */
export function backrunAfter(pool: Pool, side: Side, amountIn: number, refPrice: number): ArbitrageTrade | null {
  const copy = copyPool(pool);
  if (!swapExactIn(copy, side, amountIn).ok) return null;
  return optimalArbitrage(copy, refPrice);
}
