// MEV accounting: one `mev` row per opportunity taken or attempted, and per-rollup figures of
// how the extracted value split between searchers, the sequencer (priority fees, or the whole
// opportunity when it extracts itself) and the victims who paid for it.
import type { Micros } from '../engine/time.ts';
import type { Position } from '../model/agents/position.ts';
import type { Tx } from '../model/tx.ts';
import { SwapAction, type TradeRecord } from '../model/market/swap.ts';
import type { ModelEvents } from '../model/events.ts';
import type { RowSink, RunReport } from './rows.ts';

class RollupMev {
  attempts = 0;
  succeeded = 0;
  backruns = 0;
  grossUsd = 0;
  searcherNetUsd = 0;
  sequencerUsd = 0;
  victimLossUsd = 0;
  /** Users' successful swap volume, USD (the denominator of MEV per volume). */
  userVolumeUsd = 0;
}

/** USD value of an amount of a sandwich's input token (quote for a buy) and of its output token, at `ref`. */
const inUsd = (buy: boolean, ref: number, x: number): number => (buy ? x : x * ref);
const outUsd = (buy: boolean, ref: number, x: number): number => (buy ? x * ref : x);

const executed = (tx: Tx | undefined): boolean => tx !== undefined && (tx.status === 'included' || tx.status === 'reverted');

export class MevRecorder {
  private readonly stats: RollupMev[];

  constructor(
    private readonly rollupIds: readonly string[],
    private readonly warmupUs: Micros,
    private readonly rows: RowSink,
    events: ModelEvents,
  ) {
    this.stats = rollupIds.map(() => new RollupMev());
    events.mevClosed.on(this.closed);
    events.swap.on(this.swap);
  }

  private swap = (r: TradeRecord): void => {
    if (r.agentKind !== 'noise' || !r.result.ok || r.executedUs < this.warmupUs) return;
    this.stats[r.market.rollup].userVolumeUsd += r.side === 'buy' ? r.result.amountIn : r.result.amountOut;
  };

  private closed = (p: Position): void => {
    const ref = p.market.feed.price;
    // The sandwich's profit is counted in its input token; its victim's loss in the victim's output token.
    const buy = p.side === 'buy';
    const backrun = p.kind === 'backrun';
    const frontDone = p.frontOut !== undefined;
    const gross = backrun ? (p.grossUsd ?? 0) : !frontDone ? 0 : p.backOut !== undefined ? inUsd(buy, ref, p.backOut - p.frontIn) : outUsd(buy, ref, p.frontOut!) - inUsd(buy, ref, p.frontIn);
    // The back-run is executing right now (its status is set when it returns).
    const txs = [p.front, p.back].filter((tx, k) => tx !== undefined && (k === 1 || executed(tx))) as Tx[];
    // A bid is paid by a transaction that executes; one that reverts early pays gas only.
    const fees = (p.front && p.front.status === 'included' ? p.front.feeUsd : 0) + (p.back?.feeUsd ?? 0);
    const gas = txs.length * p.gasPerTxUsd;
    const net = gross - fees - gas;
    const victim = p.victim.action instanceof SwapAction ? p.victim.action.result : undefined;
    const victimLoss = !backrun && frontDone && victim?.ok && p.victimOutWithout !== undefined ? outUsd(buy, ref, p.victimOutWithout - victim.amountOut) : null;
    const ok = p.ok === true;
    this.rows.append({
      kind: p.kind,
      searcher: p.searcher,
      captured_by: p.capturedBy,
      victim_tx: p.victim.id,
      front_tx: p.front?.id ?? null,
      back_tx: p.back?.id ?? null,
      rollups: this.rollupIds[p.market.rollup],
      pool: p.market.id,
      opened_us: p.openedUs,
      closed_us: p.closedUs!,
      front_in: backrun || !frontDone ? null : p.frontIn,
      front_in_usd: backrun || !frontDone ? null : inUsd(buy, ref, p.frontIn),
      gross_profit_usd: gross,
      fees_paid_usd: fees,
      gas_usd: gas,
      net_profit_usd: net,
      victim_loss_usd: victimLoss,
      status: ok ? 'ok' : 'failed',
      reason: ok ? null : (p.failure ?? 'failed'),
    });
    if (p.openedUs < this.warmupUs) return;
    const s = this.stats[p.market.rollup];
    if (backrun) {
      if (ok) s.backruns++;
    } else {
      s.attempts++;
      if (ok) s.succeeded++;
    }
    if (ok) s.grossUsd += gross;
    if (p.capturedBy === 'sequencer') s.sequencerUsd += gross;
    else {
      s.searcherNetUsd += net;
      s.sequencerUsd += fees;
    }
    if (victimLoss !== null) s.victimLossUsd += victimLoss;
  };

  finish(report: RunReport): void {
    this.rollupIds.forEach((id, i) => {
      const s = this.stats[i];
      const { add } = report.scope(id);
      add('mev.sandwich_attempts', s.attempts, 'count');
      add('mev.sandwiches', s.succeeded, 'count');
      add('mev.backruns', s.backruns, 'count');
      add('mev.extracted_usd', s.grossUsd, 'USD');
      add('mev.extracted_bps_of_volume', s.userVolumeUsd > 0 ? (s.grossUsd / s.userVolumeUsd) * 1e4 : NaN, 'bps');
      add('mev.searcher_net_usd', s.searcherNetUsd, 'USD');
      add('mev.sequencer_revenue_usd', s.sequencerUsd, 'USD');
      add('mev.victim_loss_usd', s.victimLossUsd, 'USD');
    });
  }
}
