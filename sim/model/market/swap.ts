// Swaps as transaction actions. A swap is decided from what the trader saw (the pool state after
// the last executed block and the reference price at that moment) and executed later, in the
// order the sequencer chose, against whatever state the pool is in by then.
import type { Micros } from '../../engine/time.ts';
import type { Tx, TxAction } from '../tx.ts';
import { midPrice, optimalArbitrage, swapExactIn, swapExactOut, type Side, type SwapResult } from './amm.ts';
import type { MarketPool } from './marketPool.ts';

/** Who traded: users ('noise'), arbitrageurs, MEV searchers, an extractive sequencer itself, an options market maker hedging, or a liquidator selling seized collateral. */
export type AgentKind = 'noise' | 'arbitrageur' | 'searcher' | 'sequencer' | 'maker' | 'liquidator';

/** The pool as a trader saw it when deciding. */
export interface SeenState {
  decidedUs: Micros;
  /** market.swapCount when the trader looked: every later swap happened after its decision. */
  swapCount: number;
  reserveBase: number;
  reserveQuote: number;
  refPrice: number;
}

/** What an attempt came to: the AMM's result, or an arbitrage that declined at execution. */
export type AttemptResult = SwapResult | { ok: false; reason: 'no-opportunity' | 'unprofitable' };

/** Everything about one executed swap attempt that tables and metrics need. */
export interface TradeRecord {
  market: MarketPool;
  agentKind: AgentKind;
  agent: string;
  tx: Tx;
  executedUs: Micros;
  seen: SeenState;
  /** The side tried (for a failed arbitrage with no opportunity: the side it expected). */
  side: Side;
  /** 'in': the input amount was fixed (exact-in); 'out': the output amount (exact-out). */
  exact: 'in' | 'out';
  result: AttemptResult;
  midBefore: number;
  refExecuted: number;
  poolValueUsd: number;
  gasUsd: number;
}

/** The pool and the reference price just before an attempt executes. */
export interface BeforeSwap {
  refPrice: number;
  midBefore: number;
  poolValueUsd: number;
}

export function beforeSwap(market: MarketPool): BeforeSwap {
  const refPrice = market.feed.price;
  return { refPrice, midBefore: midPrice(market.pool), poolValueUsd: poolValue(market, refPrice) };
}

/** Reports an executed attempt to its pool (which counts it and emits the domain event). */
export function reportSwap(
  market: MarketPool,
  before: BeforeSwap,
  who: { agentKind: AgentKind; agent: string; gasUsd: number },
  tx: Tx,
  executedUs: Micros,
  seen: SeenState,
  side: Side,
  exact: 'in' | 'out',
  result: AttemptResult,
): void {
  market.executed({ market, agentKind: who.agentKind, agent: who.agent, tx, executedUs, seen, side, exact, result, midBefore: before.midBefore, refExecuted: before.refPrice, poolValueUsd: before.poolValueUsd, gasUsd: who.gasUsd });
}

export function seeState(market: MarketPool, nowUs: Micros): SeenState {
  return { decidedUs: nowUs, swapCount: market.swapCount, reserveBase: market.pool.reserveBase, reserveQuote: market.pool.reserveQuote, refPrice: market.feed.price };
}

function poolValue(market: MarketPool, ref: number): number {
  return market.pool.reserveBase * ref + market.pool.reserveQuote;
}

/**
 * A noise trader's swap with its slippage limit fixed at decision: exact-in (`amount` is the input,
 * `limit` the minimum output) or exact-out (`amount` is the output, `limit` the maximum input).
 */
export class SwapAction implements TxAction {
  /** Only users send these: what a searcher looking at the mempool sees as a potential victim. */
  readonly kind = 'noise';
  /** What the swap got, once executed (for MEV accounting). */
  result?: SwapResult;

  constructor(
    readonly market: MarketPool,
    readonly agent: string,
    readonly side: Side,
    readonly exact: 'in' | 'out',
    readonly amount: number,
    readonly limit: number,
    private readonly seen: SeenState,
    /** The order as drawn (exogenous, the same in every mode): its size in USD and its slippage tolerance. */
    readonly sizeUsd = NaN,
    readonly toleranceBps = NaN,
  ) {}

  execute(tx: Tx, nowUs: Micros): string | null {
    const { market } = this;
    const before = beforeSwap(market);
    const result = this.exact === 'in' ? swapExactIn(market.pool, this.side, this.amount, this.limit) : swapExactOut(market.pool, this.side, this.amount, this.limit);
    this.result = result;
    reportSwap(market, before, { agentKind: 'noise', agent: this.agent, gasUsd: 0 }, tx, nowUs, this.seen, this.side, this.exact, result);
    return result.ok ? null : result.reason;
  }
}

/**
 * An arbitrageur's transaction. Arbitrage bots keep refreshing their order until it must leave to
 * reach the sequencer, and size the trade on-chain against the reserves at execution (reverting
 * when it no longer pays). So the target is the reference price the bot saw one network delay
 * before execution — exact for a co-located bot, stale by its latency otherwise — and the size is
 * the optimal trade against the pool as it is when the block executes.
 */
export class ArbitrageAction implements TxAction {
  constructor(
    private readonly market: MarketPool,
    private readonly agent: string,
    private readonly expectedSide: Side,
    private readonly minProfitUsd: number,
    private readonly gasUsd: number,
    private readonly seen: SeenState,
    /** A back-running searcher uses the same trade; its swaps are MEV, not CEX-DEX arbitrage. */
    private readonly agentKind: AgentKind = 'arbitrageur',
    /** Told the trade's profit at the reference price (USD, before gas), or null when it reverted. */
    private readonly onDone?: (profitUsd: number | null, nowUs: Micros) => void,
  ) {}

  execute(tx: Tx, nowUs: Micros): string | null {
    const { market } = this;
    const before = beforeSwap(market);
    const ref = before.refPrice;
    const lagUs = (tx.arriveUs ?? tx.submitUs) - tx.submitUs;
    const target = market.feed.priceAt(nowUs - lagUs);
    const trade = optimalArbitrage(market.pool, target);
    let result: AttemptResult;
    if (trade === null) result = { ok: false, reason: 'no-opportunity' };
    else if (trade.profit - this.gasUsd < this.minProfitUsd) result = { ok: false, reason: 'unprofitable' };
    else result = swapExactIn(market.pool, trade.side, trade.amountIn, 0);
    const side = trade?.side ?? this.expectedSide;
    reportSwap(market, before, { agentKind: this.agentKind, agent: this.agent, gasUsd: this.gasUsd }, tx, nowUs, this.seen, side, 'in', result);
    this.onDone?.(result.ok ? (result.side === 'buy' ? ref * result.amountOut - result.amountIn : result.amountOut - ref * result.amountIn) : null, nowUs);
    return result.ok ? null : result.reason;
  }
}
