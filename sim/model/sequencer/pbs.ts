// Proposer-builder separation. Users' transactions sit in a public mempool; searchers send their
// bundles (front-run, victim, back-run, and a payment) privately to builders; when a block is due,
// every builder assembles one — the best-paying bundle per victim, then the remaining transactions
// by priority fee — values it (bundle payments + priority fees) and bids for it to the proposer,
// keeping its margin; the proposer takes the highest bid. Builders see only the bundles sent to
// them; bids are recorded (`bids` table).
import type { Simulation } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import type { Tx } from '../tx.ts';
import type { RowSink } from '../../metrics/recorder.ts';

export interface BuilderBundle {
  readonly victim: Tx;
  /** Transactions in order, the victim among them. */
  readonly txs: readonly Tx[];
  /** What the searcher pays the builder, USD. */
  readonly paymentUsd: number;
  readonly searcher: string;
  /** Told whether the bundle made it into the block. */
  readonly settled: (included: boolean) => void;
}

export interface PbsParams {
  builders: number;
  /** Share of its block's value a builder keeps; it bids the rest. */
  marginFraction: number;
}

export class BuilderMarket {
  /** Bundles received by each builder, not yet settled. */
  private readonly inbox: BuilderBundle[][];
  private readonly observers: ((builder: number, bundle: BuilderBundle, nowUs: Micros) => void)[] = [];
  /** Builder and proposer revenue by rollup, for metrics (after warmup). */
  readonly builderUsd: number[];
  readonly proposerUsd: number[];

  constructor(
    private readonly sim: Simulation,
    private readonly params: PbsParams,
    private readonly rollupIds: readonly string[],
    private readonly warmupUs: Micros,
    private readonly runId: number,
    private readonly mode: string,
    private readonly bids: RowSink,
  ) {
    this.inbox = Array.from({ length: params.builders }, () => []);
    this.builderUsd = rollupIds.map(() => 0);
    this.proposerUsd = rollupIds.map(() => 0);
  }

  /** Visibility: a builder sees the bundles sent to it, when they arrive. */
  watch(observer: (builder: number, bundle: BuilderBundle, nowUs: Micros) => void): void {
    this.observers.push(observer);
  }

  /** A bundle reaches every builder (searchers send to all of them). */
  receive = (bundle: BuilderBundle): void => {
    for (let b = 0; b < this.inbox.length; b++) {
      this.inbox[b].push(bundle);
      for (const o of this.observers) o(b, bundle, this.sim.now);
    }
  };

  /**
   * The block the proposer accepts, from the transactions it would otherwise order (`taken`, in
   * priority order, already capped at capacity). Bundles go where their victim is, best payment
   * first; the block's other transactions keep their order; capacity is respected.
   */
  build(rollup: number, taken: readonly Tx[], capacity: number): Tx[] {
    const now = this.sim.now;
    const offers = this.inbox.map((inbox, builder) => {
      const built = this.assemble(inbox, rollup, taken, capacity);
      return { builder, ...built, bid: built.value * (1 - this.params.marginFraction) };
    });
    // The proposer takes the highest bid (ties: the lower builder index).
    const winner = offers.reduce((a, b) => (b.bid > a.bid ? b : a));
    for (const o of offers)
      this.bids.append({ run_id: this.runId, mode: this.mode, rollup: this.rollupIds[rollup], at_us: now, builder: o.builder, block_value_usd: o.value, bid_usd: o.bid, won: o === winner });
    if (now >= this.warmupUs) {
      this.builderUsd[rollup] += winner.value - winner.bid;
      this.proposerUsd[rollup] += winner.bid;
    }
    // Bundles whose victim is ordered now (or gone) are settled: in the block, or out for good.
    const ordered = new Set(taken);
    const settled = new Set<BuilderBundle>();
    for (const inbox of this.inbox) {
      for (let k = inbox.length - 1; k >= 0; k--) {
        const bundle = inbox[k];
        if (bundle.txs[0].rollup !== rollup) continue;
        if (ordered.has(bundle.victim) || bundle.victim.status !== 'pending') {
          inbox.splice(k, 1);
          settled.add(bundle);
        }
      }
    }
    for (const bundle of settled) bundle.settled(winner.used.has(bundle));
    return winner.block;
  }

  private assemble(inbox: readonly BuilderBundle[], rollup: number, taken: readonly Tx[], capacity: number): { block: Tx[]; value: number; used: Set<BuilderBundle> } {
    const byVictim = new Map<Tx, BuilderBundle>();
    for (const bundle of inbox) {
      if (bundle.txs[0].rollup !== rollup || bundle.victim.status !== 'pending') continue;
      const current = byVictim.get(bundle.victim);
      if (!current || bundle.paymentUsd > current.paymentUsd) byVictim.set(bundle.victim, bundle);
    }
    const block: Tx[] = [];
    const used = new Set<BuilderBundle>();
    let room = capacity - taken.length;
    let value = 0;
    for (const tx of taken) {
      const bundle = byVictim.get(tx);
      if (bundle && room >= bundle.txs.length - 1) {
        block.push(...bundle.txs);
        room -= bundle.txs.length - 1;
        value += bundle.paymentUsd;
        used.add(bundle);
      } else block.push(tx);
      value += tx.feeUsd;
    }
    return { block, value, used };
  }
}
