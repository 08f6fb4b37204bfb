// Proposer-builder separation. Users' transactions sit in a public mempool; searchers send their
// bundles (front-run, victim, back-run, and a payment) privately to builders; when a block is due,
// every builder assembles one — the best-paying bundle per victim it holds, then the remaining
// transactions by priority fee — values it (bundle payments + priority fees) and bids for it to
// the proposer, keeping its margin; the proposer takes the highest bid.
//
// Builders differ, as they do in practice: each sees only a share of searchers' order flow (the
// bundles sent to it, a draw keyed to the bundle), receives them after its own extra latency, and
// shades its bid by its own margin. So who wins is an outcome, and the winners' shares a metric.
import type { Simulation } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import type { KeyedRng } from '../../engine/rng.ts';
import type { Micros } from '../../engine/time.ts';
import type { Tx } from '../tx.ts';
import type { ModelEvents } from '../events.ts';

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

export interface BuilderParams {
  name: string;
  /** Share of searchers' bundles that reach this builder (its order-flow access). */
  orderFlow: number;
  /** Share of its block's value it keeps; it bids the rest (bid shading). */
  margin: number;
  /** Extra delay before a bundle sent to it arrives, µs. */
  latencyUs: Micros;
}

export class BuilderMarket {
  /** Bundles each builder holds, not yet settled. */
  private readonly inbox: BuilderBundle[][];
  /** Every bundle sent and not yet settled, with the builders it was sent to. */
  private readonly live = new Set<BuilderBundle>();
  private readonly observers: ((builder: number, bundle: BuilderBundle, nowUs: Micros) => void)[] = [];

  constructor(
    private readonly sim: Simulation,
    readonly builders: readonly BuilderParams[],
    private readonly events: ModelEvents,
    /** Which builders a bundle reaches: keyed to (bundle's first tx, builder). */
    private readonly flow: KeyedRng,
  ) {
    this.inbox = builders.map(() => []);
  }

  /** Visibility: a builder sees the bundles sent to it, when they arrive. */
  watch(observer: (builder: number, bundle: BuilderBundle, nowUs: Micros) => void): void {
    this.observers.push(observer);
  }

  /** A searcher's bundle leaves for the builders (it reaches those with order-flow access, each after its latency). */
  receive = (bundle: BuilderBundle): void => {
    this.live.add(bundle);
    const key = bundle.txs[0].id;
    this.builders.forEach((b, i) => {
      if (b.orderFlow < 1 && this.flow.uniform(key, i) >= b.orderFlow) return;
      if (b.latencyUs === 0) this.deliver(i, bundle);
      else this.sim.after(b.latencyUs, Priority.arrival, () => this.deliver(i, bundle));
    });
  };

  private deliver(builder: number, bundle: BuilderBundle): void {
    if (!this.live.has(bundle)) return; // settled before it got there: the block was already built
    this.inbox[builder].push(bundle);
    for (const o of this.observers) o(builder, bundle, this.sim.now);
  }

  /**
   * The block the proposer accepts, from the transactions it would otherwise order (`taken`, in
   * priority order, already capped at capacity). Bundles go where their victim is, best payment
   * first; the block's other transactions keep their order; capacity is respected.
   */
  build(rollup: number, taken: readonly Tx[], capacity: number): Tx[] {
    const now = this.sim.now;
    const offers = this.inbox.map((inbox, builder) => {
      const built = this.assemble(inbox, rollup, taken, capacity);
      return { builder, ...built, bid: built.value * (1 - this.builders[builder].margin) };
    });
    // The proposer takes the highest bid (ties: the lower builder index).
    const winner = offers.reduce((a, b) => (b.bid > a.bid ? b : a));
    if (this.events.bid.heard)
      for (const o of offers) this.events.bid.emit({ rollup, atUs: now, builder: o.builder, builderName: this.builders[o.builder].name, blockValueUsd: o.value, bidUsd: o.bid, won: o === winner });
    // Bundles whose victim is ordered now (or gone) are settled: in the block, or out for good.
    const ordered = new Set(taken);
    const settled = new Set<BuilderBundle>();
    for (const bundle of this.live) {
      if (bundle.txs[0].rollup !== rollup) continue;
      if (ordered.has(bundle.victim) || bundle.victim.status !== 'pending') settled.add(bundle);
    }
    for (const inbox of this.inbox) {
      for (let k = inbox.length - 1; k >= 0; k--) if (settled.has(inbox[k])) inbox.splice(k, 1);
    }
    for (const bundle of settled) {
      this.live.delete(bundle);
      bundle.settled(winner.used.has(bundle));
    }
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
