// Constant-product AMM (x·y = k), Uniswap-v2 style, between a base asset (e.g. ETH) and a quote
// numeraire (e.g. USD). Prices are quote per base. The fee is charged on the input amount.
//
// Two kinds of functions:
//   - pure closed forms on reserves (`amountOut`, `amountInFor`, `priceImpact`, …): used by agents
//     to plan, and by tests as the reference;
//   - state changes on a `Pool` (`swapExactIn`, `swapExactOut`): they return failures instead of
//     throwing, change nothing when they fail, and guarantee that k never decreases.
//
// Rounding (floating point, doubles): the trade is computed from the closed form, then the pool's
// new reserves are checked *exactly* (not in floating point) against the old k. If rounding left
// new k below old k, the reserve paid out is raised (exact-in: the trader receives a few ulps less)
// or the reserve paid in is raised (exact-out: the trader pays a few ulps more) until it is not.
// So k never decreases in exact arithmetic, for every stored pool state. Value conservation (trader
// gives = pool receives + fee) then holds to within a few ulps of the amounts, not bit-exactly.
//
// Sandwich math (front-run size for a victim's slippage limit) belongs next to these closed forms;
// it is a later issue and deliberately not here.
import { invariant } from '../../engine/assert.ts';

/**
 * 'external': the fee is paid out to LPs (tracked in `feesBase`/`feesQuote`); only the net input
 *   enters the reserves, so a swap leaves k unchanged up to rounding. The LVR/arbitrage theory
 *   assumes this.
 * 'in_pool': the whole input, fee included, enters the reserves (Uniswap v2): k grows with each swap.
 *   Fees are still tracked in `feesBase`/`feesQuote`, as the part of the reserves they account for.
 */
export type FeeMode = 'external' | 'in_pool';

/** From the trader's side, of the base asset: 'buy' pays quote for base, 'sell' pays base for quote. */
export type Side = 'buy' | 'sell';

export interface Pool {
  reserveBase: number;
  reserveQuote: number;
  /** Fee on the input, basis points, in [0, 5000). */
  readonly feeBps: number;
  readonly feeMode: FeeMode;
  /** Cumulative fees charged, in each token (a buy's fee is in quote, a sell's in base). */
  feesBase: number;
  feesQuote: number;
}

export interface PoolParams {
  reserveBase: number;
  reserveQuote: number;
  feeBps: number;
  feeMode: FeeMode;
}

export function createPool({ reserveBase, reserveQuote, feeBps, feeMode }: PoolParams): Pool {
  if (!(Number.isFinite(reserveBase) && reserveBase > 0)) throw new RangeError(`reserveBase must be finite and > 0, got ${reserveBase}`);
  if (!(Number.isFinite(reserveQuote) && reserveQuote > 0)) throw new RangeError(`reserveQuote must be finite and > 0, got ${reserveQuote}`);
  // Below 50% the net input is at least half the gross, which keeps the fee split exact (Sterbenz).
  if (!(Number.isFinite(feeBps) && feeBps >= 0 && feeBps < 5000)) throw new RangeError(`feeBps must be in [0, 5000), got ${feeBps}`);
  if (feeMode !== 'external' && feeMode !== 'in_pool') throw new RangeError(`feeMode must be 'external' or 'in_pool', got ${String(feeMode)}`);
  return { reserveBase, reserveQuote, feeBps, feeMode, feesBase: 0, feesQuote: 0 };
}

export const feeFraction = (feeBps: number): number => feeBps / 10_000;

/** γ = −ln(1 − fee): half-width of the no-arbitrage band in log price (see `optimalArbitrage`). */
export const logFeeBand = (feeBps: number): number => -Math.log1p(-feeBps / 10_000);

// ─── Pure closed forms ──────────────────────────────────────────────────────────────────────────

/** Mid (marginal, fee-free) price, quote per base: y/x. */
export function midPrice(pool: Pick<Pool, 'reserveBase' | 'reserveQuote'>): number {
  return pool.reserveQuote / pool.reserveBase;
}

/** Exact-in output: out = R_out·a(1−f) / (R_in + a(1−f)). Pure; no rounding guard. */
export function amountOut(amountIn: number, reserveIn: number, reserveOut: number, feeBps: number): number {
  const net = amountIn * (1 - feeFraction(feeBps));
  return (reserveOut * net) / (reserveIn + net);
}

/**
 * Exact-out input (gross, fee included): a = R_in·out / ((R_out − out)(1−f)), the inverse of
 * `amountOut`. Infinity when out ≥ R_out (the curve never gives the whole reserve).
 */
export function amountInFor(amountOutWanted: number, reserveIn: number, reserveOut: number, feeBps: number): number {
  if (amountOutWanted >= reserveOut) return Infinity;
  return (reserveIn * amountOutWanted) / ((reserveOut - amountOutWanted) * (1 - feeFraction(feeBps)));
}

/** Reserves (in, out) for a side: a buy pays quote in and takes base out. */
function reservesFor(pool: Pick<Pool, 'reserveBase' | 'reserveQuote'>, side: Side): [reserveIn: number, reserveOut: number] {
  return side === 'buy' ? [pool.reserveQuote, pool.reserveBase] : [pool.reserveBase, pool.reserveQuote];
}

/**
 * Mid price after an exact-in trade of `amountIn`, by closed form. With 'external' fees the net
 * input a(1−f) enters the reserves; with 'in_pool' the gross input does.
 */
export function midPriceAfterExactIn(pool: Pick<Pool, 'reserveBase' | 'reserveQuote' | 'feeBps' | 'feeMode'>, side: Side, amountIn: number): number {
  const [rIn, rOut] = reservesFor(pool, side);
  const out = amountOut(amountIn, rIn, rOut, pool.feeBps);
  const newIn = rIn + (pool.feeMode === 'in_pool' ? amountIn : amountIn * (1 - feeFraction(pool.feeBps)));
  const newOut = rOut - out;
  return side === 'buy' ? newIn / newOut : newOut / newIn;
}

/**
 * Price impact of an exact-in trade: how much worse than the mid its average execution price is,
 * fee excluded, as a fraction (the fee is a separate, constant factor 1/(1−f) or (1−f)). With the
 * net input n = a(1−f):
 *   buy  (quote in): avg price n/out = mid·(1 + n/y)  → impact n/y        (unbounded);
 *   sell (base in):  avg price out/n = mid/(1 + n/x)  → impact n/(x + n)  (below 1).
 */
export function priceImpact(pool: Pick<Pool, 'reserveBase' | 'reserveQuote' | 'feeBps'>, side: Side, amountIn: number): number {
  const net = amountIn * (1 - feeFraction(pool.feeBps));
  return side === 'buy' ? net / pool.reserveQuote : net / (pool.reserveBase + net);
}

/** Average execution price of an exact-in trade, quote per base, fee included. */
export function executionPrice(pool: Pick<Pool, 'reserveBase' | 'reserveQuote' | 'feeBps'>, side: Side, amountIn: number): number {
  const [rIn, rOut] = reservesFor(pool, side);
  const out = amountOut(amountIn, rIn, rOut, pool.feeBps);
  return side === 'buy' ? amountIn / out : out / amountIn;
}

// ─── State changes ──────────────────────────────────────────────────────────────────────────────

/**
 * The least a swap may leave in a reserve: one smallest unit of an 18-decimal token (1 wei). Real
 * pools hold integers, so they cannot be drained to less; without the floor, a run of huge swaps
 * drives a price into floating-point underflow (found by the fuzzer: a mid of 1e-321).
 */
export const MIN_RESERVE = 1e-18;

export type SwapFailure = 'slippage-limit' | 'insufficient-liquidity' | 'invalid-amount';

export type SwapResult =
  | {
      ok: true;
      side: Side;
      /** Gross input paid by the trader (fee included). */
      amountIn: number;
      /** Output received by the trader. */
      amountOut: number;
      /** Fee charged, in the input token. */
      fee: number;
      midBefore: number;
      midAfter: number;
    }
  | { ok: false; reason: SwapFailure };

const fail = (reason: SwapFailure): SwapResult => ({ ok: false, reason });

/**
 * What a swap would do to reserves (rIn, rOut), computed exactly as the state changes below do —
 * rounding guard included — without changing anything. The swap log's counterfactual replays and
 * the legs of atomic bundles (which must know before executing) use these, so a quote and its
 * execution can never disagree. Results go into `SwapPlan.scratch`, valid until the next plan.
 */
export class SwapPlan {
  /** False when the swap cannot execute; `failure` says why. */
  ok = false;
  failure: SwapFailure = 'invalid-amount';
  /** The reserve paid into, after the swap. */
  newIn = 0;
  /** The reserve paid out of, after the swap. */
  newOut = 0;
  /** Gross input, fee included. */
  amountIn = 0;
  amountOut = 0;
  fee = 0;
  static readonly scratch = new SwapPlan();
}

/** Plans selling exactly `amountIn`. */
export function planExactIn(rIn: number, rOut: number, amountIn: number, feeBps: number, inPool: boolean): SwapPlan {
  if (!(Number.isFinite(amountIn) && amountIn > 0)) return planFail('invalid-amount');
  // net first, then fee = amountIn − net: exact because net ≥ amountIn/2 (Sterbenz), so
  // net + fee = amountIn holds exactly in real numbers.
  const net = amountIn * (1 - feeFraction(feeBps));
  const newIn = rIn + (inPool ? amountIn : net);
  if (!Number.isFinite(newIn)) return planFail('invalid-amount');
  // rOut·rIn/(rIn + net) directly: rOut − rOut·net/(rIn + net) cancels badly when a swap takes most of the reserve.
  const newOut = roundUpUntilKHolds(newIn, (rOut * rIn) / (rIn + net), rIn, rOut);
  // An input so large that the output side rounds to nothing: the pool would be emptied.
  if (!(newOut >= MIN_RESERVE)) return planFail('insufficient-liquidity');
  const out = rOut - newOut;
  if (!(out > 0)) return planFail('invalid-amount'); // too small to move the reserves at all
  return planOk(newIn, newOut, amountIn, out, amountIn - net);
}

/** Plans buying exactly `amountOutWanted`. */
export function planExactOut(rIn: number, rOut: number, amountOutWanted: number, feeBps: number, inPool: boolean): SwapPlan {
  if (!(Number.isFinite(amountOutWanted) && amountOutWanted > 0)) return planFail('invalid-amount');
  const newOut = rOut - amountOutWanted;
  if (!(newOut >= MIN_RESERVE)) return planFail('insufficient-liquidity');
  const f = feeFraction(feeBps);
  // Net input needed so that the curve (on net input) keeps k: n = R_in·out/(R_out − out).
  const netGuess = (rIn * amountOutWanted) / newOut;
  if (!Number.isFinite(netGuess)) return planFail('insufficient-liquidity');
  let net: number;
  let amountIn: number;
  let newIn: number;
  if (!inPool) {
    newIn = roundUpUntilKHolds(newOut, rIn + netGuess, rOut, rIn);
    net = newIn - rIn;
    amountIn = net / (1 - f);
    if (amountIn * (1 - f) < net) amountIn = nextUp(amountIn); // the fee never rounds below f·amountIn
  } else {
    // The curve is priced on the net input, but the gross input enters the reserves; k then grows
    // by the fee, and the guard only matters for f = 0.
    amountIn = netGuess / (1 - f);
    if (amountIn * (1 - f) < netGuess) amountIn = nextUp(amountIn);
    newIn = roundUpUntilKHolds(newOut, rIn + amountIn, rOut, rIn);
    amountIn = newIn - rIn;
    net = amountIn * (1 - f);
  }
  if (!Number.isFinite(amountIn)) return planFail('insufficient-liquidity');
  return planOk(newIn, newOut, amountIn, amountOutWanted, amountIn - net);
}

function planOk(newIn: number, newOut: number, amountIn: number, amountOut: number, fee: number): SwapPlan {
  const plan = SwapPlan.scratch;
  plan.ok = true;
  plan.newIn = newIn;
  plan.newOut = newOut;
  plan.amountIn = amountIn;
  plan.amountOut = amountOut;
  plan.fee = fee;
  return plan;
}

function planFail(reason: SwapFailure): SwapPlan {
  const plan = SwapPlan.scratch;
  plan.ok = false;
  plan.failure = reason;
  return plan;
}

/** The output `swapExactIn` would give now (NaN when it would fail), without changing the pool. */
export function quoteExactIn(pool: Pool, side: Side, amountIn: number): number {
  const [rIn, rOut] = reservesFor(pool, side);
  const plan = planExactIn(rIn, rOut, amountIn, pool.feeBps, pool.feeMode === 'in_pool');
  return plan.ok ? plan.amountOut : NaN;
}

/**
 * Why `swapExactIn` (exact 'in') or `swapExactOut` (exact 'out') with this amount and limit would
 * fail now, or null: the same plan and the same tests, without changing the pool (a leg of an
 * atomic bundle checks with it).
 */
export function swapWouldFail(pool: Pool, side: Side, exact: 'in' | 'out', amount: number, limit: number): SwapFailure | null {
  const [rIn, rOut] = reservesFor(pool, side);
  const inPool = pool.feeMode === 'in_pool';
  if (exact === 'in') {
    if (!(limit >= 0 && limit !== Infinity)) return 'invalid-amount';
    const plan = planExactIn(rIn, rOut, amount, pool.feeBps, inPool);
    return !plan.ok ? plan.failure : plan.amountOut < limit ? 'slippage-limit' : null;
  }
  if (!(limit >= 0)) return 'invalid-amount';
  const plan = planExactOut(rIn, rOut, amount, pool.feeBps, inPool);
  return !plan.ok ? plan.failure : plan.amountIn > limit ? 'slippage-limit' : null;
}

/**
 * Sells exactly `amountIn` of the input token; fails with 'slippage-limit' if the output would be
 * below `minOut`. Rounding: the output side is rounded against the trader (see the file header).
 */
export function swapExactIn(pool: Pool, side: Side, amountIn: number, minOut = 0): SwapResult {
  if (!(minOut >= 0 && minOut !== Infinity)) return fail('invalid-amount');
  const [rIn, rOut] = reservesFor(pool, side);
  const plan = planExactIn(rIn, rOut, amountIn, pool.feeBps, pool.feeMode === 'in_pool');
  if (!plan.ok) return fail(plan.failure);
  if (plan.amountOut < minOut) return fail('slippage-limit');
  return commit(pool, side, plan.newIn, plan.newOut, plan.amountIn, plan.amountOut, plan.fee);
}

/**
 * Buys exactly `amountOutWanted` of the output token; fails with 'slippage-limit' if the gross
 * input would exceed `maxIn`, 'insufficient-liquidity' if the reserve cannot supply it. Rounding:
 * the input side is rounded against the trader.
 */
export function swapExactOut(pool: Pool, side: Side, amountOutWanted: number, maxIn = Infinity): SwapResult {
  if (!(maxIn >= 0)) return fail('invalid-amount');
  const [rIn, rOut] = reservesFor(pool, side);
  const plan = planExactOut(rIn, rOut, amountOutWanted, pool.feeBps, pool.feeMode === 'in_pool');
  if (!plan.ok) return fail(plan.failure);
  if (plan.amountIn > maxIn) return fail('slippage-limit');
  return commit(pool, side, plan.newIn, plan.newOut, plan.amountIn, plan.amountOut, plan.fee);
}

function commit(pool: Pool, side: Side, newIn: number, newOut: number, amountIn: number, out: number, fee: number): SwapResult {
  const midBefore = midPrice(pool);
  const rIn = side === 'buy' ? pool.reserveQuote : pool.reserveBase;
  const rOut = side === 'buy' ? pool.reserveBase : pool.reserveQuote;
  invariant(newIn > 0 && newOut > 0 && Number.isFinite(newIn), 'reserves > 0', () => `swap would leave reserves ${newIn}, ${newOut}`);
  invariant(productAtLeast(newIn, newOut, rIn, rOut), 'k never decreases', () => `${newIn}·${newOut} < ${rIn}·${rOut}`);
  if (side === 'buy') {
    pool.reserveQuote = newIn;
    pool.reserveBase = newOut;
    pool.feesQuote += fee;
  } else {
    pool.reserveBase = newIn;
    pool.reserveQuote = newOut;
    pool.feesBase += fee;
  }
  return { ok: true, side, amountIn, amountOut: out, fee, midBefore, midAfter: midPrice(pool) };
}

// ─── Arbitrage against a reference price ────────────────────────────────────────────────────────

export interface ArbitrageTrade {
  side: Side;
  /** Gross input (quote for a buy, base for a sell). */
  amountIn: number;
  /** Output by the closed form `amountOut`. */
  amountOut: number;
  /** Profit in quote, valuing base at the reference price: buy P·out − in; sell out − P·in. */
  profit: number;
}

/** Relative tolerance on the band edges in `optimalArbitrage`: far above rounding, far below any real mispricing. */
export const BAND_ROUNDING = 1e-12;

/**
 * The single exact-in trade that maximizes an arbitrageur's profit against reference price P,
 * fee on input included; null when the pool is inside the no-arbitrage band
 *     m·(1−f) ≤ P ≤ m/(1−f)   (m = y/x),  i.e.  |ln(P/m)| ≤ γ = −ln(1−f),
 * where no trade of any size is profitable (boundaries included, and widened by a relative
 * BAND_ROUNDING = 1e-12 to absorb floating-point rounding of the mid).
 *
 * Closed form: profit(a) = P·out(a) − a (buy) is concave; setting its derivative to zero gives a
 * net input n = a(1−f) with (R_in + n)² = k·P·(1−f) for a buy and k·(1−f)/P for a sell (k = x·y).
 * After the trade the marginal price net of fee equals P: with 'external' fees the mid lands
 * exactly on the band edge, m' = P(1−f) (buy) or P/(1−f) (sell). With 'in_pool' fees the optimal
 * single trade is the same (the output depends only on the net input), but the fee also enters
 * the reserves, so the mid ends slightly inside the band.
 */
export function optimalArbitrage(pool: Pick<Pool, 'reserveBase' | 'reserveQuote' | 'feeBps'>, refPrice: number): ArbitrageTrade | null {
  if (!(Number.isFinite(refPrice) && refPrice > 0)) return null;
  const { reserveBase: x, reserveQuote: y, feeBps } = pool;
  const keep = 1 - feeFraction(feeBps);
  const mid = y / x;
  let side: Side;
  let net: number;
  // Edges are widened by BAND_ROUNDING so that a pool just arbitraged to the edge, and left a few
  // ulps outside it by rounding, does not report a dust trade (its profit would be ~1e-24 of V).
  if (refPrice * keep > mid * (1 + BAND_ROUNDING)) {
    side = 'buy'; // pool too cheap: buy base with quote until y'/x' = P(1−f)
    net = Math.sqrt(x * y * refPrice * keep) - y;
  } else if (refPrice * (1 + BAND_ROUNDING) < mid * keep) {
    side = 'sell'; // pool too dear: sell base until y'/x' = P/(1−f)
    net = Math.sqrt((x * y * keep) / refPrice) - x;
  } else {
    return null;
  }
  const amountIn = net / keep;
  if (!(amountIn > 0)) return null;
  const out = side === 'buy' ? amountOut(amountIn, y, x, feeBps) : amountOut(amountIn, x, y, feeBps);
  const profit = side === 'buy' ? refPrice * out - amountIn : out - refPrice * amountIn;
  if (!(profit > 0)) return null; // a mispricing within rounding of the band edge
  return { side, amountIn, amountOut: out, profit };
}

// ─── Exact arithmetic for the k guard ───────────────────────────────────────────────────────────

const U = 2 ** -53; // unit roundoff of doubles

/**
 * Whether a·b ≥ c·d exactly, for finite positive doubles. The floating-point products decide
 * unless they are within a few roundoffs of each other; then the exact dyadic values decide
 * (BigInt, rare: only near-ties reach it).
 */
export function productAtLeast(a: number, b: number, c: number, d: number): boolean {
  const left = a * b;
  const right = c * d;
  // |fl(ab) − ab| ≤ U·ab: a margin of 4U on each side leaves only true near-ties ambiguous.
  if (left > right * (1 + 4 * U) && left !== Infinity) return true;
  if (left < right * (1 - 4 * U) && right !== Infinity) return false;
  // Near-ties (every swap's k check is one): exact error-free products first, BigInt only when
  // even those cannot tell.
  if (inSplitRange(a) && inSplitRange(b) && inSplitRange(c) && inSplitRange(d)) {
    const e1 = productError(a, b, left);
    const e2 = productError(c, d, right);
    const s = left - right; // exact: within a factor 2 of each other (Sterbenz)
    const t = e1 - e2;
    const tErr = sumError(e1, -e2, t);
    // ab − cd = s + t + tErr exactly; v = fl(s + t) has error w, so ab − cd = v + w + tErr.
    const v = s + t;
    const rest = sumError(s, t, v) + tErr;
    if (v !== 0 && Math.abs(rest) * 2 < Math.abs(v)) return v > 0;
    if (v === 0 && rest !== 0 && Math.abs(tErr) * 2 < Math.abs(rest)) return rest > 0;
    if (v === 0 && rest === 0) return true;
  }
  return productAtLeastBig(a, b, c, d);
}

/** Veltkamp–Dekker: the exact error of fl(a·b) = p, i.e. a·b = p + error, with no FMA. */
function productError(a: number, b: number, p: number): number {
  const ca = SPLITTER * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = SPLITTER * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** Knuth's TwoSum: the exact error of fl(x + y) = sum. */
function sumError(x: number, y: number, sum: number): number {
  const yv = sum - x;
  return (x - (sum - yv)) + (y - yv);
}

const SPLITTER = 134217729; // 2^27 + 1
/** Magnitudes where splitting neither overflows nor loses bits to underflow. */
const inSplitRange = (x: number) => x === 0 || (Math.abs(x) > 2 ** -450 && Math.abs(x) < 2 ** 450);

function productAtLeastBig(a: number, b: number, c: number, d: number): boolean {
  const [ma, ea] = dyadic(a);
  const [mb, eb] = dyadic(b);
  const [mc, ec] = dyadic(c);
  const [md, ed] = dyadic(d);
  let lm = ma * mb;
  let rm = mc * md;
  const le = ea + eb;
  const re = ec + ed;
  if (le > re) lm <<= BigInt(le - re);
  else rm <<= BigInt(re - le);
  return lm >= rm;
}

/**
 * Smallest double v ≥ start (start is the closed-form estimate of the moving reserve) such that
 * fixed·v ≥ k0a·k0b exactly: the pool's side of a rounding tie.
 */
export function roundUpUntilKHolds(fixed: number, start: number, k0a: number, k0b: number): number {
  let v = start;
  if (!(v > 0) || !Number.isFinite(v)) return v;
  // The closed form is within a few ulps of the boundary; this loop runs 0–3 times.
  for (let i = 0; i < 64 && !productAtLeast(fixed, v, k0a, k0b); i++) v = nextUp(v);
  return v;
}

const scratch = new DataView(new ArrayBuffer(8));

/** x = m·2^e exactly, m a BigInt (finite positive x). */
function dyadic(x: number): [bigint, number] {
  scratch.setFloat64(0, x);
  const hi = scratch.getUint32(0);
  const lo = scratch.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return biased === 0 ? [frac, -1074] : [frac | (1n << 52n), biased - 1075];
}

/** The next double above x (finite, x ≥ 0). */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  scratch.setFloat64(0, x);
  const lo = scratch.getUint32(4);
  if (lo === 0xffffffff) {
    scratch.setUint32(4, 0);
    scratch.setUint32(0, scratch.getUint32(0) + 1);
  } else {
    scratch.setUint32(4, lo + 1);
  }
  return scratch.getFloat64(0);
}
