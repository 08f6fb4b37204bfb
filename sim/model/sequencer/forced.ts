// Escape hatch: forced inclusion through L1. A transaction still waiting `delayUs` after it was
// submitted (censored, or stuck behind a halted sequencer) is included by the L1 inbox, in a
// rollup block of its own, final at once (it is already on L1). Arbitrum's delayed inbox: 24 h.
// Legs of atomic bundles are never forced one by one: that would break their atomicity.
//
// Transactions are watched in submission order, so their deadlines come in order too: one FIFO
// and one timer for the earliest deadline, instead of an event per transaction. Settled entries
// are swept out whenever they are the majority, so memory follows the transactions still pending.
import type { Simulation, Timer } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import type { Rollup } from '../rollup.ts';
import type { Tx } from '../tx.ts';

export class ForcedInclusion {
  private watched: Tx[] = [];
  private head = 0;
  private timer: Timer | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly rollups: readonly Rollup[],
    private readonly delayUs: Micros,
    private readonly horizonUs: Micros,
  ) {}

  /** Called for every submitted transaction. */
  watch = (tx: Tx): void => {
    if (tx.bundle?.atomic || tx.submitUs + this.delayUs > this.horizonUs) return;
    this.watched.push(tx);
    if (this.timer === undefined) this.arm();
    else if (this.watched.length - this.head > 4096 && this.watched.length % 4096 === 0) this.sweep();
  };

  private arm(): void {
    while (this.head < this.watched.length && this.watched[this.head].status !== 'pending') this.head++;
    this.timer = this.head < this.watched.length ? this.sim.timer(this.watched[this.head].submitUs + this.delayUs, Priority.sequencing, this.force) : undefined;
    if (this.timer === undefined) {
      this.watched = [];
      this.head = 0;
    }
  }

  /** Drops settled entries (order is kept, so deadlines stay in order). */
  private sweep(): void {
    const pending = this.watched.slice(this.head).filter((tx) => tx.status === 'pending');
    if (pending.length * 2 > this.watched.length - this.head) return;
    this.watched = pending;
    this.head = 0;
    this.timer?.cancel();
    this.arm();
  }

  private force = (): void => {
    const now = this.sim.now;
    while (this.head < this.watched.length && this.watched[this.head].submitUs + this.delayUs <= now) {
      const tx = this.watched[this.head++];
      if (tx.status === 'pending') this.rollups[tx.rollup].executeBlock([tx], now, now, 'l1');
    }
    this.arm();
  };
}
