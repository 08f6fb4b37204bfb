// Records one run: writes a `txs` row when a transaction is settled (or still pending at the
// horizon) and accumulates the per-rollup figures that become `metrics` rows at the end.
// Figures exclude the warmup: only transactions submitted, and blocks produced, at or after it.
import { mean, quantileSorted } from 'd3-array';
import type { Tx } from '../model/tx.ts';
import type { Rollup, RollupObserver, RollupParams } from '../model/rollup.ts';
import type { TxSink } from '../model/agents/submitter.ts';
import { MS, SECOND, type Micros } from '../engine/time.ts';

/** Where rows go: a streaming Arrow file, an in-memory table, or a test array. */
export interface RowSink {
  append(row: Record<string, unknown>): void;
}

export interface MetricRow {
  metric: string;
  rollup: string | null;
  subject: string | null;
  value: number;
  unit: string;
}

class RollupStats {
  submitted = 0;
  included = 0;
  blocks = 0;
  fillSum = 0;
  inclusionMs: number[] = [];
  networkMs: number[] = [];
  preconfMs: number[] = [];
  finalityMs: number[] = [];
  targetedSubmitted = 0;
  targetedInclusionMs: number[] = [];
  otherInclusionMs: number[] = [];
}

export class RunRecorder implements RollupObserver, TxSink {
  /** Submitted and not yet settled, in submission order (Map keeps insertion order). */
  private readonly live = new Map<number, Tx>();
  private readonly stats: RollupStats[];

  constructor(
    private readonly runId: number,
    private readonly mode: string,
    private readonly rollups: readonly RollupParams[],
    private readonly warmupUs: Micros,
    private readonly txs: RowSink,
    private readonly policy: string,
    /** Senders some sequencer censors: their latencies are also reported on their own. */
    private readonly targeted: ReadonlySet<string> = new Set(),
  ) {
    this.stats = rollups.map(() => new RollupStats());
  }

  submitted(tx: Tx): void {
    this.live.set(tx.id, tx);
    if (tx.submitUs < this.warmupUs) return;
    this.stats[tx.rollup].submitted++;
    if (this.targeted.has(tx.sender)) this.stats[tx.rollup].targetedSubmitted++;
  }

  /** Called for every transaction a block executed, successful or reverted. */
  included(tx: Tx): void {
    this.live.delete(tx.id);
    this.writeTx(tx);
    if (tx.submitUs < this.warmupUs) return;
    const s = this.stats[tx.rollup];
    s.included++;
    const inclusionMs = (tx.includeUs! - tx.submitUs) / MS;
    s.inclusionMs.push(inclusionMs);
    if (this.targeted.size) (this.targeted.has(tx.sender) ? s.targetedInclusionMs : s.otherInclusionMs).push(inclusionMs);
    s.networkMs.push((tx.arriveUs! - tx.submitUs) / MS);
    s.preconfMs.push((tx.preconfUs! - tx.submitUs) / MS);
    s.finalityMs.push((tx.finalUs! - tx.submitUs) / MS);
  }

  block(rollup: Rollup, _number: number, txCount: number, nowUs: Micros): void {
    if (nowUs < this.warmupUs) return;
    const s = this.stats[rollup.params.index];
    s.blocks++;
    s.fillSum += txCount / rollup.params.capacity;
  }

  /** A transaction that left without executing (replaced by a higher bid). */
  dropped(tx: Tx): void {
    this.live.delete(tx.id);
    this.writeTx(tx);
  }

  /** Writes the still-pending transactions and returns the run's metric rows. */
  finish(endUs: Micros): MetricRow[] {
    for (const tx of this.live.values()) this.writeTx(tx);
    this.live.clear();
    const windowS = Math.max(endUs - this.warmupUs, 0) / SECOND;
    const rows: MetricRow[] = [];
    this.rollups.forEach((r, i) => {
      const s = this.stats[i];
      const add = (metric: string, value: number, unit: string) => rows.push({ metric, rollup: r.id, subject: null, value, unit });
      add('tx.submitted', s.submitted, 'count');
      add('tx.included', s.included, 'count');
      add('tx.pending_at_end', s.submitted - s.included, 'count');
      add('throughput.included_tps', windowS > 0 ? s.included / windowS : NaN, 'tx/s');
      add('block.count', s.blocks, 'count');
      add('block.fill.mean', s.blocks > 0 ? s.fillSum / s.blocks : NaN, 'fraction');
      addDistribution(add, 'latency.inclusion_ms', s.inclusionMs, 'ms');
      addDistribution(add, 'latency.network_ms', s.networkMs, 'ms');
      addDistribution(add, 'latency.preconf_ms', s.preconfMs, 'ms');
      addDistribution(add, 'latency.finality_ms', s.finalityMs, 'ms');
      if (this.targeted.size) {
        add('censorship.targeted_txs', s.targetedSubmitted, 'count');
        add('censorship.targeted_included', s.targetedInclusionMs.length, 'count');
        addDistribution(add, 'censorship.inclusion_ms', s.targetedInclusionMs, 'ms');
        // The censorship delay: how much longer the targets waited than everyone else, on average.
        const avg = (xs: number[]) => (xs.length ? mean(xs)! : NaN);
        add('censorship.extra_delay_ms.mean', avg(s.targetedInclusionMs) - avg(s.otherInclusionMs), 'ms');
      }
    });
    return rows;
  }

  private writeTx(tx: Tx): void {
    this.txs.append({
      run_id: this.runId,
      mode: this.mode,
      tx_id: tx.id,
      rollup: this.rollups[tx.rollup].id,
      sender: tx.sender,
      submit_us: tx.submitUs,
      arrive_us: tx.arriveUs ?? null,
      preconf_us: tx.preconfUs ?? null,
      include_us: tx.includeUs ?? null,
      final_us: tx.finalUs ?? null,
      block: tx.block ?? null,
      position: tx.position ?? null,
      sequencer: tx.sequencer ?? null,
      policy: this.policy,
      fee_usd: tx.feeUsd,
      bundle_id: tx.bundleId ?? null,
      status: tx.status,
      reason: tx.reason ?? null,
    });
  }
}

/** mean, p50 and p99 of a sample; NaN when empty (a metric that could not be measured). */
export function addDistribution(add: (metric: string, value: number, unit: string) => void, base: string, values: number[], unit: string): void {
  // d3-array works on typed arrays; its typings only name plain arrays.
  const sorted = Float64Array.from(values).sort() as unknown as number[];
  add(`${base}.mean`, sorted.length ? mean(sorted)! : NaN, unit);
  add(`${base}.p50`, sorted.length ? quantileSorted(sorted, 0.5)! : NaN, unit);
  add(`${base}.p99`, sorted.length ? quantileSorted(sorted, 0.99)! : NaN, unit);
}
