// Listens to transactions: writes a `txs` row when a transaction is settled (executed, dropped,
// or still pending at the horizon) and accumulates the per-rollup figures that become `metrics`.
// Figures exclude the warmup: only transactions submitted, and blocks produced, at or after it.
import type { Tx } from '../model/tx.ts';
import type { BlockExecuted, ModelEvents } from '../model/events.ts';
import { MS, SECOND, type Micros } from '../engine/time.ts';
import { Distribution } from './distribution.ts';
import type { RowSink, RunReport } from './rows.ts';

class RollupStats {
  submitted = 0;
  included = 0;
  blocks = 0;
  fillSum = 0;
  inclusionMs = new Distribution();
  networkMs = new Distribution();
  preconfMs = new Distribution();
  finalityMs = new Distribution();
  targetedSubmitted = 0;
  targetedInclusionMs = new Distribution();
  otherInclusionMs = new Distribution();
}

export interface TxRecorderConfig {
  rollupIds: readonly string[];
  /** Ordering policy of each rollup's sequencer. */
  policies: readonly string[];
  warmupUs: Micros;
  /** Senders some sequencer censors: their latencies are also reported on their own. */
  censored: ReadonlySet<string>;
}

export class TxRecorder {
  /**
   * Submitted transactions in submission order, settled ones swept out whenever they are the
   * majority: the still-pending ones are written at the horizon. Bounded by twice the
   * transactions in flight, and cheaper than a map (a push per transaction, a sweep now and then).
   */
  private live: Tx[] = [];
  private settledInLive = 0;
  private readonly stats: RollupStats[];

  constructor(private readonly config: TxRecorderConfig, private readonly txs: RowSink, events: ModelEvents) {
    this.stats = config.rollupIds.map(() => new RollupStats());
    events.txSubmitted.on(this.submitted);
    events.txExecuted.on(this.executed);
    events.txDropped.on(this.dropped);
    events.blockExecuted.on(this.block);
  }

  private submitted = (tx: Tx): void => {
    this.live.push(tx);
    if (tx.submitUs < this.config.warmupUs) return;
    this.stats[tx.rollup].submitted++;
    if (this.config.censored.has(tx.sender)) this.stats[tx.rollup].targetedSubmitted++;
  };

  /** Every transaction a block executed, successful or reverted. */
  private executed = (tx: Tx): void => {
    this.settled();
    this.writeTx(tx);
    if (tx.submitUs < this.config.warmupUs) return;
    const s = this.stats[tx.rollup];
    s.included++;
    const inclusionMs = (tx.includeUs! - tx.submitUs) / MS;
    s.inclusionMs.add(inclusionMs);
    if (this.config.censored.size) (this.config.censored.has(tx.sender) ? s.targetedInclusionMs : s.otherInclusionMs).add(inclusionMs);
    s.networkMs.add((tx.arriveUs! - tx.submitUs) / MS);
    s.preconfMs.add((tx.preconfUs! - tx.submitUs) / MS);
    s.finalityMs.add((tx.finalUs! - tx.submitUs) / MS);
  };

  private block = (b: BlockExecuted): void => {
    if (b.atUs < this.config.warmupUs) return;
    const s = this.stats[b.rollup];
    s.blocks++;
    s.fillSum += b.txCount / b.capacity;
  };

  /** A transaction that left without executing (replaced by a higher bid, lost an auction). */
  private dropped = (tx: Tx): void => {
    this.settled();
    this.writeTx(tx);
  };

  private settled(): void {
    if (++this.settledInLive * 2 <= this.live.length || this.live.length < 256) return;
    // Compacted in place, order kept: no new array and no callback per transaction.
    const live = this.live;
    let kept = 0;
    for (let i = 0; i < live.length; i++) if (live[i].status === 'pending') live[kept++] = live[i];
    live.length = kept;
    this.settledInLive = 0;
  }

  /** Writes the still-pending transactions and reports the run's figures. */
  finish(endUs: Micros, report: RunReport): void {
    for (const tx of this.live) if (tx.status === 'pending') this.writeTx(tx);
    this.live = [];
    const windowS = Math.max(endUs - this.config.warmupUs, 0) / SECOND;
    this.config.rollupIds.forEach((id, i) => {
      const s = this.stats[i];
      const r = report.scope(id);
      r.add('tx.submitted', s.submitted, 'count');
      r.add('tx.included', s.included, 'count');
      r.add('tx.pending_at_end', s.submitted - s.included, 'count');
      r.add('throughput.included_tps', windowS > 0 ? s.included / windowS : NaN, 'tx/s');
      r.add('block.count', s.blocks, 'count');
      r.add('block.fill.mean', s.blocks > 0 ? s.fillSum / s.blocks : NaN, 'fraction');
      r.distribution('latency.inclusion_ms', s.inclusionMs, 'ms');
      r.distribution('latency.network_ms', s.networkMs, 'ms');
      r.distribution('latency.preconf_ms', s.preconfMs, 'ms');
      r.distribution('latency.finality_ms', s.finalityMs, 'ms');
      if (this.config.censored.size) {
        r.add('censorship.targeted_txs', s.targetedSubmitted, 'count');
        r.add('censorship.targeted_included', s.targetedInclusionMs.count, 'count');
        r.distribution('censorship.inclusion_ms', s.targetedInclusionMs, 'ms');
        // The censorship delay: how much longer the targets waited than everyone else, on average.
        r.add('censorship.extra_delay_ms.mean', s.targetedInclusionMs.mean - s.otherInclusionMs.mean, 'ms');
      }
    });
  }

  private writeTx(tx: Tx): void {
    this.txs.append({
      tx_id: tx.id,
      rollup: this.config.rollupIds[tx.rollup],
      sender: tx.sender,
      submit_us: tx.submitUs,
      arrive_us: tx.arriveUs ?? null,
      preconf_us: tx.preconfUs ?? null,
      preconf_broken_us: tx.preconfBrokenUs ?? null,
      include_us: tx.includeUs ?? null,
      final_us: tx.finalUs ?? null,
      block: tx.block ?? null,
      position: tx.position ?? null,
      sequencer: tx.sequencer ?? null,
      policy: this.config.policies[tx.rollup],
      fee_usd: tx.feeUsd,
      bundle_id: tx.bundle?.id ?? null,
      status: tx.status,
      reason: tx.reason ?? null,
    });
  }
}
