// Records what happened in the pools: one `trades` row per executed swap attempt, and per-pool
// figures for `metrics` (LVR, fees, arbitrage profit, volume, user slippage). Figures count only
// swaps executed at or after the warmup; rows are written for every swap.
import { invariant } from '../engine/assert.ts';
import { DAY, type Micros } from '../engine/time.ts';
import { amountInFor, amountOut, feeFraction, midPrice } from '../model/market/amm.ts';
import type { MarketPool } from '../model/market/marketPool.ts';
import type { TradeObserver, TradeRecord } from '../model/market/swap.ts';
import { addDistribution, type MetricRow, type RowSink } from './recorder.ts';

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
  noiseSlippageBps: number[] = [];
  noiseImpactBps: number[] = [];
  noiseDriftBps: number[] = [];
  /** Net flows into the pool's reserves over the whole run, for the conservation check. */
  baseIn = 0;
  quoteIn = 0;
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
export function slippageComponents(r: TradeRecord): { total: number; fee: number; impact: number; drift: number } {
  if (!r.result.ok) return { total: NaN, fee: NaN, impact: NaN, drift: NaN };
  const { amountIn, amountOut: out } = r.result;
  const { reserveBase, reserveQuote } = r.seen;
  const midSeen = reserveQuote / reserveBase;
  const feeBps = r.market.pool.feeBps;
  const f = feeFraction(feeBps);
  const [rIn, rOut] = r.side === 'buy' ? [reserveQuote, reserveBase] : [reserveBase, reserveQuote];
  if (r.exact === 'in') {
    const ideal = r.side === 'buy' ? amountIn / midSeen : amountIn * midSeen;
    const outSeen = amountOut(amountIn, rIn, rOut, feeBps);
    const bps = (x: number) => (x / ideal) * 1e4;
    return { total: bps(ideal - out), fee: f * 1e4, impact: bps(ideal * (1 - f) - outSeen), drift: bps(outSeen - out) };
  }
  const ideal = r.side === 'buy' ? out * midSeen : out / midSeen;
  const inSeen = amountInFor(out, rIn, rOut, feeBps);
  const netSeen = inSeen * (1 - f);
  const bps = (x: number) => (x / ideal) * 1e4;
  return { total: bps(amountIn - ideal), fee: bps(inSeen - netSeen), impact: bps(netSeen - ideal), drift: bps(amountIn - inSeen) };
}

export class MarketRecorder implements TradeObserver {
  private readonly stats: PoolStats[];

  constructor(
    private readonly runId: number,
    private readonly mode: string,
    private readonly rollupIds: readonly string[],
    private readonly markets: readonly MarketPool[],
    private readonly warmupUs: Micros,
    private readonly trades: RowSink,
  ) {
    this.stats = markets.map(() => new PoolStats());
  }

  trade(r: TradeRecord): void {
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
    const slip = slippageComponents(r);
    const refDrift = ((r.side === 'buy' ? r.refExecuted / r.seen.refPrice - 1 : 1 - r.refExecuted / r.seen.refPrice) * 1e4);
    const status = ok ? 'ok' : r.result.reason === 'slippage-limit' ? 'slippage-limit' : 'failed';
    this.trades.append({
      run_id: this.runId,
      mode: this.mode,
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
      ref_drift_bps: refDrift,
      status,
    });

    const s = this.stats[r.market.index];
    if (ok) {
      r.market.swapCount++;
      const inPool = r.market.pool.feeMode === 'in_pool' ? amountIn : net;
      if (r.side === 'buy') { s.quoteIn += inPool; s.baseIn -= out; } else { s.baseIn += inPool; s.quoteIn -= out; }
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
    } else {
      s.noiseSlippageBps.push(slip.total);
      s.noiseImpactBps.push(slip.impact);
      s.noiseDriftBps.push(slip.drift);
    }
  }

  /** Checks conservation and returns the per-pool metric rows. */
  finish(endUs: Micros): MetricRow[] {
    const days = Math.max(endUs - this.warmupUs, 0) / DAY;
    const rows: MetricRow[] = [];
    this.markets.forEach((m, i) => {
      const s = this.stats[i];
      // Tokens are conserved: the reserves moved by exactly the swaps' net flows, nothing else.
      const tol = 1e-9;
      invariant(Math.abs(m.initialBase + s.baseIn - m.pool.reserveBase) <= tol * m.initialBase * (1 + Math.abs(s.baseIn) / m.initialBase), 'tokens conserved', () => `pool ${m.id} base reserve ${m.pool.reserveBase} != ${m.initialBase} + ${s.baseIn}`);
      invariant(Math.abs(m.initialQuote + s.quoteIn - m.pool.reserveQuote) <= tol * m.initialQuote * (1 + Math.abs(s.quoteIn) / m.initialQuote), 'tokens conserved', () => `pool ${m.id} quote reserve ${m.pool.reserveQuote} != ${m.initialQuote} + ${s.quoteIn}`);
      const add = (metric: string, value: number, unit: string) => rows.push({ metric, rollup: this.rollupIds[m.rollup], subject: m.id, value, unit });
      add('swap.count', s.swaps, 'count');
      add('swap.failed', s.failed, 'count');
      add('volume.usd', s.volumeUsd, 'USD');
      add('lp.fees_usd', s.feesUsd, 'USD');
      add('lp.lvr_usd', s.lvrUsd, 'USD');
      add('lp.lvr_bps_per_day', days > 0 ? (s.lvrFraction * 1e4) / days : NaN, 'bps/day');
      add('arb.profit_usd', s.arbProfitUsd, 'USD');
      add('arb.profit_bps_per_day', days > 0 ? (s.arbProfitFraction * 1e4) / days : NaN, 'bps/day');
      add('arb.trades', s.arbTrades, 'count');
      addDistribution(add, 'slippage.total_bps', s.noiseSlippageBps, 'bps');
      addDistribution(add, 'slippage.impact_bps', s.noiseImpactBps, 'bps');
      addDistribution(add, 'slippage.execution_drift_bps', s.noiseDriftBps, 'bps');
    });
    return rows;
  }
}
