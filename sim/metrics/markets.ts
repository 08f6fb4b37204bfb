// Records what happened in the pools: one `trades` row per executed swap attempt, and per-pool
// figures for `metrics` (LVR, fees, arbitrage profit, volume, user slippage). Figures count only
// swaps executed at or after the warmup; rows are written for every swap.
//
// Every successful swap passes through `trade` in execution order and is logged (swapLog.ts), so a
// user's execution drift can be split by counterfactual replays of what executed between its
// decision and its execution (see `MarketRecorder.splitDrift`).
import { invariant } from '../engine/assert.ts';
import { DAY, type Micros } from '../engine/time.ts';
import { amountInFor, amountOut, feeFraction, midPrice } from '../model/market/amm.ts';
import type { MarketPool } from '../model/market/marketPool.ts';
import type { TradeRecord } from '../model/market/swap.ts';
import type { ModelEvents } from '../model/events.ts';
import { Distribution } from './distribution.ts';
import type { RowSink, RunReport } from './rows.ts';
import { ALL, ARBITRAGEUR, DEFAULT_LOG_CAPACITY, MEV, SwapLog, USER } from './swapLog.ts';

class PoolStats {
  swaps = 0;
  failed = 0;
  volumeUsd = 0;
  feesUsd = 0;
  lvrUsd = 0;
  /** Σ lvr/V: LVR as a fraction of pool value, summed (the theory's unit once divided by time). */
  lvrFraction = 0;
  arbProfitUsd = 0;
  arbProfitFraction = 0;
  arbTrades = 0;
  noiseSlippageBps = new Distribution();
  noiseImpactBps = new Distribution();
  noiseDriftBps = new Distribution();
  noiseOrderingBps = new Distribution();
  noiseLatencyBps = new Distribution();
  noiseMevBps = new Distribution();
  noiseOtherBps = new Distribution();
  noiseFeeBpsSum = 0;
  /** User swaps whose window was no longer in the swap log: their whole drift went to `other`. */
  noiseUnreplayed = 0;
  /** Net flows into the pool's reserves over the whole run, for the conservation check. */
  baseIn = 0;
  quoteIn = 0;
  /** Gross flows (sum of absolute amounts): rounding in the net sums grows with them, not with the net. */
  baseGross = 0;
  quoteGross = 0;
}

/**
 * Slippage of a successful swap, in bps, split so the parts add up exactly (each step is a
 * counterfactual with the constant-product closed form):
 *   exact-in  — shortfall of the output against `ideal` = the input at mid_seen, no fee:
 *               fee (ideal·f), impact (the swap alone against the state seen), drift (the rest: the
 *               pool moved between decision and execution);
 *   exact-out — excess of the input over `ideal` = the output at mid_seen, no fee: impact (the net
 *               input the seen state asks beyond ideal), fee (on that input), drift (what execution
 *               cost beyond the seen quote).
 */
export interface SlippageComponents {
  total: number;
  fee: number;
  impact: number;
  drift: number;
  /** The fee-free amount at mid_seen that slippage is measured against (output for exact-in, input for exact-out). */
  ideal: number;
  /** The closed-form quote in the state seen: output (exact-in) or gross input (exact-out). */
  seenQuote: number;
}

export function slippageComponents(r: TradeRecord): SlippageComponents {
  if (!r.result.ok) return { total: NaN, fee: NaN, impact: NaN, drift: NaN, ideal: NaN, seenQuote: NaN };
  const { amountIn, amountOut: out } = r.result;
  const { reserveBase, reserveQuote } = r.seen;
  const midSeen = reserveQuote / reserveBase;
  const feeBps = r.market.pool.feeBps;
  const f = feeFraction(feeBps);
  const [rIn, rOut] = r.side === 'buy' ? [reserveQuote, reserveBase] : [reserveBase, reserveQuote];
  if (r.exact === 'in') {
    const ideal = r.side === 'buy' ? amountIn / midSeen : amountIn * midSeen;
    const outSeen = amountOut(amountIn, rIn, rOut, feeBps);
    return { total: bps(ideal - out, ideal), fee: f * 1e4, impact: bps(ideal * (1 - f) - outSeen, ideal), drift: bps(outSeen - out, ideal), ideal, seenQuote: outSeen };
  }
  const ideal = r.side === 'buy' ? out * midSeen : out / midSeen;
  const inSeen = amountInFor(out, rIn, rOut, feeBps);
  // The state seen could not have delivered the output at any price (the pool grew before it
  // executed): the fee is on the input paid, the rest is its size against that pool (impact).
  if (!Number.isFinite(inSeen)) return { total: bps(amountIn - ideal, ideal), fee: bps(amountIn * f, ideal), impact: bps(amountIn * (1 - f) - ideal, ideal), drift: 0, ideal, seenQuote: inSeen };
  const netSeen = inSeen * (1 - f);
  return { total: bps(amountIn - ideal, ideal), fee: bps(inSeen - netSeen, ideal), impact: bps(netSeen - ideal, ideal), drift: bps(amountIn - inSeen, ideal), ideal, seenQuote: inSeen };
}

/** x in bps of `ideal`. A module function, not a closure per swap: tsx names every closure it creates (keepNames), which costs on hot paths. */
function bps(x: number, ideal: number): number {
  return (x / ideal) * 1e4;
}

/** execution_drift_bps split by who moved the pool; all NaN for failed and non-user swaps. */
export interface DriftSplit {
  ordering: number;
  latency: number;
  mev: number;
  other: number;
  /** The window had left the swap log: nothing could be replayed and `other` holds the whole drift. */
  unreplayed: boolean;
}

/** A trade's value at the reference price at execution: the pool's loss versus rebalancing, the fee in USD, the trader's profit after fee and gas. */
export function tradeValues(r: TradeRecord): { amountIn: number; out: number; net: number; lvr: number; feeUsd: number; profit: number } {
  const p = r.refExecuted;
  const ok = r.result.ok;
  const amountIn = ok ? r.result.amountIn : 0;
  const out = ok ? r.result.amountOut : 0;
  const fee = ok ? r.result.fee : 0;
  const net = amountIn - fee;
  // The pool's view: on a buy it takes `net` USD and gives `out` of the asset; on a sell the reverse.
  const lvr = r.side === 'buy' ? p * out - net : out - p * net;
  const feeUsd = r.side === 'buy' ? fee : fee * p;
  const profit = (r.side === 'buy' ? p * out - amountIn : out - p * amountIn) - r.gasUsd;
  return { amountIn, out, net, lvr, feeUsd, profit };
}

export class MarketRecorder {
  private readonly stats: PoolStats[];
  private readonly logs: SwapLog[];
  /** Reused for every row: the split of the current swap. */
  private readonly split: DriftSplit = { ordering: NaN, latency: NaN, mev: NaN, other: NaN, unreplayed: false };

  constructor(
    private readonly rollupIds: readonly string[],
    private readonly markets: readonly MarketPool[],
    private readonly warmupUs: Micros,
    private readonly trades: RowSink,
    events: ModelEvents,
    /** Swaps kept per pool for the replays (a power of two). */
    logCapacity = DEFAULT_LOG_CAPACITY,
  ) {
    this.stats = markets.map(() => new PoolStats());
    this.logs = markets.map((m) => new SwapLog(m.pool.feeBps, m.pool.feeMode, logCapacity));
    events.swap.on(this.trade);
  }

  /**
   * Splits a successful user swap's execution drift by counterfactual re-execution. From the
   * reserves the user saw, the swaps that executed after its decision and before it are replayed in
   * their order, keeping only some of them, and the user's swap is quoted on each resulting state:
   *   A: users' swaps only;  B: users' and arbitrageurs';  C: all (with searchers' and an
   *   extractive sequencer's swaps).
   * With q₀ the closed-form quote in the state seen (as in `slippageComponents`), q_A, q_B, q_C the
   * quotes after A, B, C and q the actual execution, each component is the worsening of one step,
   * in bps of the ideal amount (exact-in: the output lost, q_prev − q_next; exact-out: the input
   * added, q_next − q_prev):
   *   ordering = q₀ → q_A (other users ordered ahead), latency = q_A → q_B (arbitrageurs moving the
   *   pool towards the reference price while the swap was in flight), mev = q_B → q_C (swaps inserted
   *   ahead by searchers or the sequencer), other = q_C → q (rounding; the whole drift when the
   *   window is no longer in the log).
   * They telescope to q₀ → q, the drift. A step that adds no swap repeats the previous quote, so its
   * component is exactly 0.
   */
  private splitDrift(r: TradeRecord, slip: SlippageComponents): DriftSplit {
    const out = this.split;
    out.unreplayed = false;
    if (!r.result.ok || r.agentKind !== 'noise') {
      out.ordering = out.latency = out.mev = out.other = NaN;
      return out;
    }
    const log = this.logs[r.market.index];
    const from = r.seen.swapCount;
    if (!log.holds(from) || !Number.isFinite(slip.seenQuote)) {
      out.ordering = out.latency = out.mev = 0;
      out.other = slip.drift;
      out.unreplayed = true;
      return out;
    }
    const kinds = log.kindsSince(from);
    const { reserveBase, reserveQuote } = r.seen;
    const exactIn = r.exact === 'in';
    const amount = exactIn ? r.result.amountIn : r.result.amountOut;
    const q0 = slip.seenQuote;
    const qA = kinds & USER ? log.replayQuote(reserveBase, reserveQuote, from, USER, r.side, r.exact, amount) : q0;
    const qB = kinds & ARBITRAGEUR ? log.replayQuote(reserveBase, reserveQuote, from, USER | ARBITRAGEUR, r.side, r.exact, amount) : qA;
    const qC = kinds & MEV ? log.replayQuote(reserveBase, reserveQuote, from, ALL, r.side, r.exact, amount) : qB;
    const q = exactIn ? r.result.amountOut : r.result.amountIn;
    // A replayed state that could not have filled an exact-out swap (an infinite quote): the
    // steps are not comparable, so the whole drift stays unattributed, as when the log is gone.
    if (!Number.isFinite(qA) || !Number.isFinite(qB) || !Number.isFinite(qC)) {
      out.ordering = out.latency = out.mev = 0;
      out.other = slip.drift;
      out.unreplayed = true;
      return out;
    }
    // Worsening from a to b in bps of the ideal: less output (exact-in), more input (exact-out).
    const k = (exactIn ? -1e4 : 1e4) / slip.ideal;
    // `+ 0`: an empty step gives 0, not −0.
    out.ordering = (qA - q0) * k + 0;
    out.latency = (qB - qA) * k + 0;
    out.mev = (qC - qB) * k + 0;
    out.other = (q - qC) * k + 0;
    return out;
  }

  private trade = (r: TradeRecord): void => {
    const p = r.refExecuted;
    const ok = r.result.ok;
    const { amountIn, out, net, lvr, feeUsd, profit } = tradeValues(r);
    const slip = slippageComponents(r);
    const split = this.splitDrift(r, slip);
    const user = ok && r.agentKind === 'noise';
    const refDrift = ((r.side === 'buy' ? r.refExecuted / r.seen.refPrice - 1 : 1 - r.refExecuted / r.seen.refPrice) * 1e4);
    const status = ok ? 'ok' : r.result.reason === 'slippage-limit' ? 'slippage-limit' : 'failed';
    this.trades.append({
      rollup: this.rollupIds[r.market.rollup],
      pool: r.market.id,
      agent_kind: r.agentKind,
      agent: r.agent,
      tx_id: r.tx.id,
      decided_us: r.seen.decidedUs,
      executed_us: r.executedUs,
      side: r.side,
      exact: r.exact,
      amount_in: amountIn,
      amount_out: out,
      fee_usd: feeUsd,
      mid_seen: r.seen.reserveQuote / r.seen.reserveBase,
      mid_before: r.midBefore,
      mid_after: midPrice(r.market.pool),
      ref_decided: r.seen.refPrice,
      ref_executed: p,
      pool_value_usd: r.poolValueUsd,
      lvr_usd: lvr,
      profit_usd: profit,
      slippage_bps: slip.total,
      fee_bps: slip.fee,
      impact_bps: slip.impact,
      execution_drift_bps: slip.drift,
      ordering_bps: user ? split.ordering : null,
      latency_bps: user ? split.latency : null,
      mev_bps: user ? split.mev : null,
      other_bps: user ? split.other : null,
      ref_drift_bps: refDrift,
      status,
    });

    const s = this.stats[r.market.index];
    if (ok) {
      const log = this.logs[r.market.index];
      log.append(r.agentKind, r.side, r.exact, amountIn, out);
      invariant(log.count === r.market.swapCount, 'every swap is logged', () => `pool ${r.market.id}: ${log.count} logged, ${r.market.swapCount} counted`);
      const inPool = r.market.pool.feeMode === 'in_pool' ? amountIn : net;
      if (r.side === 'buy') { s.quoteIn += inPool; s.baseIn -= out; } else { s.baseIn += inPool; s.quoteIn -= out; }
      s.baseGross += r.side === 'buy' ? out : inPool;
      s.quoteGross += r.side === 'buy' ? inPool : out;
    }
    if (r.executedUs < this.warmupUs) return;
    if (!ok) {
      s.failed++;
      if (r.agentKind === 'arbitrageur') s.arbProfitUsd -= r.gasUsd;
      return;
    }
    s.swaps++;
    s.volumeUsd += r.side === 'buy' ? amountIn : out;
    s.feesUsd += feeUsd;
    s.lvrUsd += lvr;
    s.lvrFraction += lvr / r.poolValueUsd;
    if (r.agentKind === 'arbitrageur') {
      s.arbTrades++;
      s.arbProfitUsd += profit;
      s.arbProfitFraction += profit / r.poolValueUsd;
    } else if (r.agentKind === 'noise') {
      s.noiseSlippageBps.add(slip.total);
      s.noiseImpactBps.add(slip.impact);
      s.noiseDriftBps.add(slip.drift);
      s.noiseFeeBpsSum += slip.fee;
      s.noiseOrderingBps.add(split.ordering);
      s.noiseLatencyBps.add(split.latency);
      s.noiseMevBps.add(split.mev);
      s.noiseOtherBps.add(split.other);
      if (split.unreplayed) s.noiseUnreplayed++;
    }
  };

  /** Checks conservation and reports the per-pool figures. */
  finish(endUs: Micros, report: RunReport): void {
    const days = Math.max(endUs - this.warmupUs, 0) / DAY;
    this.markets.forEach((m, i) => {
      const s = this.stats[i];
      // Tokens are conserved: the reserves moved by exactly the swaps' net flows, nothing else.
      const tol = 1e-9;
      invariant(Math.abs(m.initialBase + s.baseIn - m.pool.reserveBase) <= tol * (m.initialBase + s.baseGross), 'tokens conserved', () => `pool ${m.id} base reserve ${m.pool.reserveBase} != ${m.initialBase} + ${s.baseIn}`);
      invariant(Math.abs(m.initialQuote + s.quoteIn - m.pool.reserveQuote) <= tol * (m.initialQuote + s.quoteGross), 'tokens conserved', () => `pool ${m.id} quote reserve ${m.pool.reserveQuote} != ${m.initialQuote} + ${s.quoteIn}`);
      const scope = report.scope(this.rollupIds[m.rollup], m.id);
      const add = scope.add;
      add('swap.count', s.swaps, 'count');
      add('swap.failed', s.failed, 'count');
      add('volume.usd', s.volumeUsd, 'USD');
      add('lp.fees_usd', s.feesUsd, 'USD');
      add('lp.lvr_usd', s.lvrUsd, 'USD');
      add('lp.lvr_bps_per_day', days > 0 ? (s.lvrFraction * 1e4) / days : NaN, 'bps/day');
      add('arb.profit_usd', s.arbProfitUsd, 'USD');
      add('arb.profit_bps_per_day', days > 0 ? (s.arbProfitFraction * 1e4) / days : NaN, 'bps/day');
      add('arb.trades', s.arbTrades, 'count');
      scope.distribution('slippage.total_bps', s.noiseSlippageBps, 'bps');
      scope.distribution('slippage.impact_bps', s.noiseImpactBps, 'bps');
      add('slippage.fee_bps.mean', s.noiseSlippageBps.count ? s.noiseFeeBpsSum / s.noiseSlippageBps.count : NaN, 'bps');
      scope.distribution('slippage.execution_drift_bps', s.noiseDriftBps, 'bps');
      scope.distribution('slippage.ordering_bps', s.noiseOrderingBps, 'bps');
      scope.distribution('slippage.latency_bps', s.noiseLatencyBps, 'bps');
      scope.distribution('slippage.mev_bps', s.noiseMevBps, 'bps');
      scope.distribution('slippage.other_bps', s.noiseOtherBps, 'bps');
      add('slippage.unreplayed', s.noiseUnreplayed, 'count');
    });
  }
}
