// Proposer-builder separation: one `bids` row per builder per block, and where block value went —
// to the winning builders (their margins) and to the proposer (the winning bids) — with each
// builder's share of the blocks won.
import type { Micros } from '../engine/time.ts';
import type { BuilderBid, ModelEvents } from '../model/events.ts';
import type { RowSink, RunReport } from './rows.ts';

export class PbsRecorder {
  private readonly builderUsd: number[];
  private readonly proposerUsd: number[];
  /** Blocks auctioned and won by each builder (by name, in order of first bid). */
  private readonly wins = new Map<string, number>();
  private blocks = 0;

  constructor(
    private readonly rollupIds: readonly string[],
    private readonly warmupUs: Micros,
    private readonly rows: RowSink,
    events: ModelEvents,
  ) {
    this.builderUsd = rollupIds.map(() => 0);
    this.proposerUsd = rollupIds.map(() => 0);
    events.bid.on(this.bid);
  }

  private bid = (b: BuilderBid): void => {
    this.rows.append({ rollup: this.rollupIds[b.rollup], at_us: b.atUs, builder: b.builder, builder_name: b.builderName, block_value_usd: b.blockValueUsd, bid_usd: b.bidUsd, won: b.won });
    if (b.atUs < this.warmupUs) return;
    if (!this.wins.has(b.builderName)) this.wins.set(b.builderName, 0);
    if (!b.won) return;
    this.blocks++;
    this.wins.set(b.builderName, this.wins.get(b.builderName)! + 1);
    this.builderUsd[b.rollup] += b.blockValueUsd - b.bidUsd;
    this.proposerUsd[b.rollup] += b.bidUsd;
  };

  finish(report: RunReport): void {
    if (this.wins.size === 0) return;
    this.rollupIds.forEach((id, i) => {
      const { add } = report.scope(id);
      add('pbs.builder_revenue_usd', this.builderUsd[i], 'USD');
      add('pbs.proposer_revenue_usd', this.proposerUsd[i], 'USD');
    });
    for (const [name, won] of this.wins) report.scope(null, name).add('pbs.win_share', this.blocks > 0 ? won / this.blocks : NaN, 'fraction');
  }
}
