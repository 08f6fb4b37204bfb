// Per-pool log of successful swaps, and counterfactual replays on a scratch copy of the pool: where
// every bp of a user's execution drift went (other users ordered ahead, arbitrageurs following the
// reference price while the swap was in flight, MEV inserted ahead).
//
// Swap number n of a pool (0-based, `MarketPool.swapCount` before it executed) is stored at slot
// n mod capacity of a ring buffer of typed arrays: nothing is allocated per swap. A trader who
// decided after swap number s (`SeenState.swapCount`) saw the pool after exactly s swaps, so the
// swaps s, s+1, …, up to the one before its own are those that executed between its decision and its
// execution. Replaying them, in order, from the reserves it saw, reproduces the reserves it met;
// replaying only some of them gives the counterfactual states.
//
// The replay plans each swap with the AMM's own functions (amm.ts `planExactIn`/`planExactOut`),
// rounding guard included, so replaying every logged swap reproduces the executed reserves bit for bit. A
// logged swap is replayed as what it was: exact-in with its input, exact-out with its output (the
// fixed amount of its transaction; slippage limits are not checked in counterfactual states). When
// a counterfactual state cannot deliver an exact-out swap's output, it is replayed exact-in with the
// gross input it paid; when a state cannot take a swap at all, the swap is skipped, as the AMM would
// revert it.
import { invariant } from '../engine/assert.ts';
import { planExactIn, planExactOut, type FeeMode, type Side } from '../model/market/amm.ts';
import type { AgentKind } from '../model/market/swap.ts';

/** Who made a logged swap, as a bit: the replays filter on these. */
export const USER = 1;
export const ARBITRAGEUR = 2;
export const MEV = 4;
export const ALL = USER | ARBITRAGEUR | MEV;

export function kindBit(kind: AgentKind): number {
  switch (kind) {
    // A maker's delta hedge and a liquidator's sale are order flow like a user's: they land in `ordering`.
    case 'noise':
    case 'maker':
    case 'liquidator': return USER;
    case 'arbitrageur': return ARBITRAGEUR;
    case 'searcher':
    case 'sequencer': return MEV;
  }
}

const SELL = 1;
const EXACT_OUT = 2;

/** Default capacity: far more swaps than any decision-to-execution window holds in practice. */
export const DEFAULT_LOG_CAPACITY = 4096;

export class SwapLog {
  /** Swaps appended so far (= the pool's `swapCount` when kept in step). */
  count = 0;
  private readonly mask: number;
  private readonly kind: Uint8Array;
  private readonly flags: Uint8Array;
  private readonly amountIn: Float64Array;
  private readonly amountOut: Float64Array;
  /** Scratch reserves of the replays. */
  private base = 0;
  private quote = 0;
  private readonly inPool: boolean;

  constructor(
    readonly feeBps: number,
    readonly feeMode: FeeMode,
    readonly capacity = DEFAULT_LOG_CAPACITY,
  ) {
    invariant(capacity > 0 && (capacity & (capacity - 1)) === 0, 'swap log capacity is a power of two', () => `capacity ${capacity}`);
    this.mask = capacity - 1;
    this.kind = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.amountIn = new Float64Array(capacity);
    this.amountOut = new Float64Array(capacity);
    this.inPool = feeMode === 'in_pool';
  }

  /** Logs a successful swap (the next one of the pool). */
  append(kind: AgentKind, side: Side, exact: 'in' | 'out', amountIn: number, amountOut: number): void {
    const i = this.count & this.mask;
    this.kind[i] = kindBit(kind);
    this.flags[i] = (side === 'sell' ? SELL : 0) | (exact === 'out' ? EXACT_OUT : 0);
    this.amountIn[i] = amountIn;
    this.amountOut[i] = amountOut;
    this.count++;
  }

  /** Whether swaps from..count-1 are all still in the buffer. */
  holds(from: number): boolean {
    return from >= 0 && from <= this.count && this.count - from <= this.capacity;
  }

  /** Bitwise OR of the kinds of swaps from..count-1 (assumes `holds(from)`). */
  kindsSince(from: number): number {
    let kinds = 0;
    for (let n = from; n < this.count; n++) kinds |= this.kind[n & this.mask];
    return kinds;
  }

  /**
   * Starting from (base, quote), replays the logged swaps from..count-1 whose kind is in `kinds`,
   * then quotes a swap on the resulting state without applying it: exact-in → the output `amount`
   * of input would get; exact-out → the gross input `amount` of output would cost. NaN when that
   * state cannot execute it.
   */
  replayQuote(base: number, quote: number, from: number, kinds: number, side: Side, exact: 'in' | 'out', amount: number): number {
    this.base = base;
    this.quote = quote;
    for (let n = from; n < this.count; n++) {
      const i = n & this.mask;
      if ((this.kind[i] & kinds) === 0) continue;
      const s: Side = (this.flags[i] & SELL) !== 0 ? 'sell' : 'buy';
      if ((this.flags[i] & EXACT_OUT) !== 0 && !Number.isNaN(this.exactOut(s, this.amountOut[i], true))) continue;
      this.exactIn(s, this.amountIn[i], true);
    }
    return exact === 'in' ? this.exactIn(side, amount, false) : this.exactOut(side, amount, false);
  }

  /** `swapExactIn` on the scratch reserves (amm.ts plans it): the output, NaN (and no change) on failure. */
  private exactIn(side: Side, amountIn: number, apply: boolean): number {
    const plan = planExactIn(side === 'buy' ? this.quote : this.base, side === 'buy' ? this.base : this.quote, amountIn, this.feeBps, this.inPool);
    if (!plan.ok) return NaN;
    if (apply) this.set(side, plan.newIn, plan.newOut);
    return plan.amountOut;
  }

  /** `swapExactOut` on the scratch reserves: the gross input, NaN (and no change) on failure. */
  private exactOut(side: Side, wanted: number, apply: boolean): number {
    const plan = planExactOut(side === 'buy' ? this.quote : this.base, side === 'buy' ? this.base : this.quote, wanted, this.feeBps, this.inPool);
    if (!plan.ok) return NaN;
    if (apply) this.set(side, plan.newIn, plan.newOut);
    return plan.amountIn;
  }

  private set(side: Side, newIn: number, newOut: number): void {
    if (side === 'buy') {
      this.quote = newIn;
      this.base = newOut;
    } else {
      this.base = newIn;
      this.quote = newOut;
    }
  }
}
