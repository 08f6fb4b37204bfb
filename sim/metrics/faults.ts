// Per rollup, after the warmup: how many fault episodes hit the sequencer that orders it, the time
// they covered (the fault budget's downtime: the union of their windows) and the longest gap
// between two of its blocks (the halt it actually saw: fallback blocks and forced inclusion
// shorten it). Written only for scenarios with faults.
import { SECOND, type Micros } from '../engine/time.ts';
import type { BlockExecuted, ModelEvents } from '../model/events.ts';
import { coveredUs } from '../model/faults/budget.ts';
import type { FaultEpisode } from '../model/faults/injector.ts';
import type { RunReport } from './rows.ts';

export class FaultRecorder {
  private readonly lastBlockUs: number[];
  private readonly maxGapUs: number[];

  constructor(
    private readonly rollupIds: readonly string[],
    private readonly warmupUs: Micros,
    private readonly episodes: readonly FaultEpisode[],
    events: ModelEvents,
  ) {
    this.lastBlockUs = rollupIds.map(() => warmupUs);
    this.maxGapUs = rollupIds.map(() => 0);
    events.blockExecuted.on(this.block);
  }

  private block = (b: BlockExecuted): void => {
    if (b.atUs < this.warmupUs) return;
    this.gap(b.rollup, b.atUs);
  };

  private gap(r: number, atUs: Micros): void {
    this.maxGapUs[r] = Math.max(this.maxGapUs[r], atUs - this.lastBlockUs[r]);
    this.lastBlockUs[r] = atUs;
  }

  finish(endUs: Micros, report: RunReport): void {
    this.rollupIds.forEach((id, r) => {
      // Downtime is the outages' (the fault budget's); the other kinds leave the sequencer running.
      const mine = this.episodes.filter((e) => e.kind === 'outage' && e.rollups.includes(r) && e.atUs < endUs && e.atUs + e.forUs > this.warmupUs);
      this.gap(r, endUs);
      const scope = report.scope(id);
      scope.add('faults.outages', mine.length, 'count');
      scope.add('faults.downtime_s', coveredUs(mine, this.warmupUs, endUs) / SECOND, 's');
      scope.add('faults.block_gap_s.max', this.maxGapUs[r] / SECOND, 's');
    });
  }
}
