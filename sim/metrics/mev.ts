// MEV accounting: one `mev` row per opportunity taken or attempted, and per-rollup figures of
// how the extracted value split between searchers, the sequencer (priority fees, or the whole
// opportunity when it extracts itself) and the victims who paid for it.
import type { Micros } from '../engine/time.ts';
import type { Position, PositionSink } from '../model/agents/sandwich.ts';
import type { Tx } from '../model/tx.ts';
import { SwapAction } from '../model/market/swap.ts';
import type { MetricRow, RowSink } from './recorder.ts';

class RollupMev {
  attempts = 0;
  succeeded = 0;
  backruns = 0;
  grossUsd = 0;
  searcherNetUsd = 0;
  sequencerUsd = 0;
  victimLossUsd = 0;
}

const executed = (tx: Tx | undefined): boolean => tx !== undefined && (tx.status === 'included' || tx.status === 'reverted');

export class MevRecorder implements PositionSink {
  private readonly stats: RollupMev[];

  constructor(
    private readonly runId: number,
    private readonly mode: string,
    private readonly rollupIds: readonly string[],
    private readonly warmupUs: Micros,
    private readonly rows: RowSink,
  ) {
    this.stats = rollupIds.map(() => new RollupMev());
  }

  closed(p: Position, nowUs: Micros): void {
    const ref = p.market.feed.price;
    // The sandwich's profit is counted in its input token; its victim's loss in the victim's output token.
    const inUsd = (x: number) => (p.side === 'buy' ? x : x * ref);
    const outUsd = (x: number) => (p.side === 'buy' ? x * ref : x);
    const backrun = p.kind === 'backrun';
    const frontDone = p.frontOut !== undefined;
    const gross = backrun ? (p.grossUsd ?? 0) : !frontDone ? 0 : p.backOut !== undefined ? inUsd(p.backOut - p.frontIn) : outUsd(p.frontOut!) - inUsd(p.frontIn);
    // The back-run is executing right now (its status is set when it returns).
    const txs = [p.front, p.back].filter((tx, k) => tx !== undefined && (k === 1 || executed(tx))) as Tx[];
    // A bid is paid by a transaction that executes; one that reverts early pays gas only.
    const fees = (p.front && p.front.status === 'included' ? p.front.feeUsd : 0) + (p.back?.feeUsd ?? 0);
    const gas = txs.length * p.gasPerTxUsd;
    const net = gross - fees - gas;
    const victim = p.victim.action instanceof SwapAction ? p.victim.action.result : undefined;
    const victimLoss = !backrun && frontDone && victim?.ok && p.victimOutWithout !== undefined ? outUsd(p.victimOutWithout - victim.amountOut) : null;
    // A sandwich is only a sandwich if its victim executed between the legs (a censored victim never does).
    const victimRan = victim !== undefined;
    const ok = backrun ? p.failure === undefined : frontDone && p.backOut !== undefined && victimRan;
    if (!backrun && frontDone && !victimRan) p.failure ??= 'victim-missing';
    this.rows.append({
      run_id: this.runId,
      mode: this.mode,
      kind: p.kind,
      searcher: p.searcher,
      captured_by: p.capturedBy,
      victim_tx: p.victim.id,
      front_tx: p.front?.id ?? null,
      back_tx: p.back?.id ?? null,
      rollups: this.rollupIds[p.market.rollup],
      pool: p.market.id,
      opened_us: p.openedUs,
      closed_us: nowUs,
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
  }

  finish(userVolumeUsd: (rollup: number) => number): MetricRow[] {
    const rows: MetricRow[] = [];
    this.rollupIds.forEach((id, i) => {
      const s = this.stats[i];
      const add = (metric: string, value: number, unit: string) => rows.push({ metric, rollup: id, subject: null, value, unit });
      const volume = userVolumeUsd(i);
      add('mev.sandwich_attempts', s.attempts, 'count');
      add('mev.sandwiches', s.succeeded, 'count');
      add('mev.backruns', s.backruns, 'count');
      add('mev.extracted_usd', s.grossUsd, 'USD');
      add('mev.extracted_bps_of_volume', volume > 0 ? (s.grossUsd / volume) * 1e4 : NaN, 'bps');
      add('mev.searcher_net_usd', s.searcherNetUsd, 'USD');
      add('mev.sequencer_revenue_usd', s.sequencerUsd, 'USD');
      add('mev.victim_loss_usd', s.victimLossUsd, 'USD');
    });
    return rows;
  }
}
