// Contagion: one `contagion` row per fault episode, and whole-run contagion.* metrics. An episode
// covers its outage and `aftermath` after it, on the rollups its failed sequencer orders: the
// transactions submitted during the outage and what became of them, whether each rollup halted
// (no sequencer block for half the outage or more), the liquidations attributed to it (on those
// rollups, in that window; the latest such episode when several are), their depth and bad debt,
// how long until the rollups and the liquidation backlog were through, and the largest gaps
// between its rollups' pools and the reference price or other rollups' pools.
import { SECOND, type Micros } from '../engine/time.ts';
import type { BlockExecuted, ModelEvents } from '../model/events.ts';
import type { FaultEpisode } from '../model/faults/injector.ts';
import type { LiquidationEvent } from '../model/lending/market.ts';
import type { MarketPool } from '../model/market/marketPool.ts';
import { midPrice } from '../model/market/amm.ts';
import type { Tx } from '../model/tx.ts';
import { Distribution } from './distribution.ts';
import type { RowSink, RunReport } from './rows.ts';

class EpisodeStats {
  /** Per rollup of the episode: the longest gap between sequencer blocks overlapping the outage, and the first block after it. */
  readonly maxGapUs: number[];
  readonly firstAfterUs: (number | null)[];
  delayed = 0;
  reverted = 0;
  executed = 0;
  liquidations = 0;
  liquidatedUsd = 0;
  badDebtUsd = 0;
  depth = -1;
  lastLiquidationUs = -1;
  refBps = 0;
  crossBps: number | null = null;

  constructor(readonly e: FaultEpisode) {
    this.maxGapUs = e.rollups.map(() => 0);
    this.firstAfterUs = e.rollups.map(() => null);
  }

  get endUs(): Micros {
    return this.e.atUs + this.e.forUs;
  }
}

export class ContagionRecorder {
  private readonly stats: EpisodeStats[];
  private readonly lastBlockUs: number[];
  /** Episodes by rollup, in start order. */
  private readonly byRollup: EpisodeStats[][];
  private totalBadDebtUsd = 0;

  constructor(
    private readonly rollupIds: readonly string[],
    episodes: readonly FaultEpisode[],
    private readonly pools: readonly MarketPool[],
    private readonly aftermathUs: Micros,
    private readonly warmupUs: Micros,
    private readonly rows: RowSink,
    events: ModelEvents,
  ) {
    this.stats = episodes.map((e) => new EpisodeStats(e));
    this.lastBlockUs = rollupIds.map(() => 0);
    this.byRollup = rollupIds.map((_, r) => this.stats.filter((s) => s.e.rollups.includes(r)).sort((a, b) => a.e.atUs - b.e.atUs));
    events.blockExecuted.on(this.block);
    events.txSubmitted.on(this.submitted);
    events.txExecuted.on(this.executed);
    events.priceTick.on(this.tick);
    events.liquidation.on((l) => (this.totalBadDebtUsd += l.atUs >= this.warmupUs ? l.deficitUsd : 0));
  }

  /**
   * The episode a liquidation on this rollup at this time belongs to: the latest one in progress
   * or in its aftermath. The lending recorder asks once per liquidation (for its row), which is
   * also when the episode counts it.
   */
  episodeOf = (l: LiquidationEvent): number | null => {
    const s = this.attributed(l.rollup, l.atUs);
    if (s === undefined) return null;
    s.liquidations++;
    s.liquidatedUsd += l.repaidUsd;
    s.badDebtUsd += l.deficitUsd;
    s.depth = Math.max(s.depth, l.generation);
    s.lastLiquidationUs = l.atUs;
    return s.e.id;
  };

  private attributed(rollup: number, t: Micros): EpisodeStats | undefined {
    const list = this.byRollup[rollup];
    for (let k = list.length - 1; k >= 0; k--) if (list[k].e.atUs <= t && t < list[k].endUs + this.aftermathUs) return list[k];
    return undefined;
  }

  private during(rollup: number, t: Micros): EpisodeStats | undefined {
    const list = this.byRollup[rollup];
    for (let k = list.length - 1; k >= 0; k--) if (list[k].e.atUs <= t && t < list[k].endUs) return list[k];
    return undefined;
  }

  private block = (b: BlockExecuted): void => {
    if (b.sequencer === 'l1') return;
    const prev = this.lastBlockUs[b.rollup];
    for (const s of this.byRollup[b.rollup]) {
      const k = s.e.rollups.indexOf(b.rollup);
      if (prev < s.endUs && b.atUs > s.e.atUs) s.maxGapUs[k] = Math.max(s.maxGapUs[k], b.atUs - prev);
      if (b.atUs >= s.endUs && s.firstAfterUs[k] === null) s.firstAfterUs[k] = b.atUs;
    }
    this.lastBlockUs[b.rollup] = b.atUs;
  };

  /** Transactions submitted during an outage of their rollup's sequencer, by episode. */
  private readonly delayedTxs = new WeakMap<Tx, EpisodeStats>();

  private submitted = (tx: Tx): void => {
    const s = this.during(tx.rollup, tx.submitUs);
    if (s === undefined) return;
    s.delayed++;
    this.delayedTxs.set(tx, s);
  };

  /** Delayed transactions that never execute (dropped, or pending at the horizon) are the rest. */
  private executed = (tx: Tx): void => {
    const s = this.delayedTxs.get(tx);
    if (s === undefined) return;
    this.delayedTxs.delete(tx);
    s.executed++;
    if (tx.status === 'reverted') s.reverted++;
  };

  private tick = (t: { asset: string; atUs: Micros; price: number }): void => {
    for (const s of this.stats) {
      if (t.atUs < s.e.atUs || t.atUs >= s.endUs + this.aftermathUs) continue;
      for (const p of this.pools) {
        if (p.feed.asset !== t.asset || !s.e.rollups.includes(p.rollup)) continue;
        const mid = midPrice(p.pool);
        s.refBps = Math.max(s.refBps, Math.abs(mid / t.price - 1) * 1e4);
        for (const q of this.pools) {
          if (q.feed.asset !== t.asset || q.rollup === p.rollup) continue;
          s.crossBps = Math.max(s.crossBps ?? 0, Math.abs(mid / midPrice(q.pool) - 1) * 1e4);
        }
      }
    }
  };

  finish(endUs: Micros, report: RunReport): void {
    const affected = new Distribution();
    const recovery = new Distribution();
    let depth = -1;
    let episodes = 0;
    let liquidatedUsd = 0;
    for (const s of this.stats) {
      if (s.e.atUs >= endUs) continue;
      s.e.rollups.forEach((r, k) => {
        if (this.lastBlockUs[r] < s.endUs) s.maxGapUs[k] = Math.max(s.maxGapUs[k], endUs - Math.max(this.lastBlockUs[r], s.e.atUs));
      });
      const halted = s.e.rollups.filter((_, k) => s.maxGapUs[k] * 2 >= s.e.forUs);
      const ended = s.endUs <= endUs;
      const back = s.e.rollups.map((_, k) => (s.maxGapUs[k] * 2 >= s.e.forUs ? s.firstAfterUs[k] : s.endUs));
      const recoveryS = ended && back.every((t) => t !== null) ? (Math.max(s.endUs, s.lastLiquidationUs, ...(back as number[])) - s.endUs) / SECOND : null;
      this.rows.append({
        episode_id: s.e.id,
        kind: s.e.kind,
        cause: s.e.cause,
        start_us: s.e.atUs,
        duration_us: s.e.forUs,
        machines: s.e.machines,
        of_machines: s.e.ofMachines,
        rollups: s.e.rollups.map((r) => this.rollupIds[r]).join(','),
        rollups_affected: halted.length,
        txs_delayed: s.delayed,
        txs_reverted: s.reverted,
        txs_dropped: s.delayed - s.executed,
        liquidations: s.liquidations,
        liquidated_usd: s.liquidatedUsd,
        cascade_depth: s.depth >= 0 ? s.depth : null,
        bad_debt_usd: s.badDebtUsd,
        recovery_s: recoveryS,
        max_ref_dislocation_bps: s.refBps,
        max_cross_dislocation_bps: s.crossBps,
      });
      if (s.endUs <= this.warmupUs) continue;
      episodes++;
      affected.add(halted.length);
      if (recoveryS !== null) recovery.add(recoveryS);
      depth = Math.max(depth, s.depth);
      liquidatedUsd += s.liquidatedUsd;
    }
    const r = report.scope(null);
    r.add('contagion.episodes', episodes, 'count');
    r.add('contagion.bad_debt_usd', this.totalBadDebtUsd, 'USD');
    r.add('contagion.liquidated_usd', liquidatedUsd, 'USD');
    r.distribution('contagion.rollups_affected', affected, 'count');
    r.distribution('contagion.recovery_s', recovery, 's');
    if (depth >= 0) r.add('contagion.cascade_depth.max', depth, 'count');
  }
}
