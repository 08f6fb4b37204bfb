// How any agent sends a transaction: it is reported as submitted now, then travels over the
// agent's own network link and arrives at its rollup's sequencer after that delay.
import type { Simulation } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import type { Link } from '../network.ts';
import type { Tx } from '../tx.ts';
import type { ModelEvents } from '../events.ts';

export class Submitter {
  constructor(
    private readonly sim: Simulation,
    /** The rollup this submitter's transactions target. */
    readonly rollup: number,
    private readonly link: Link,
    private readonly deliver: (tx: Tx) => void,
    private readonly events: ModelEvents,
    /** Told of every transaction sent: the escape hatches watch for stuck ones. */
    private readonly watch?: (tx: Tx) => void,
  ) {}

  submit(tx: Tx): void {
    this.record(tx);
    this.sim.after(this.link.delay(), Priority.arrival, this.deliver, tx);
  }

  /** Reports a transaction as sent that travels some other way (inside a bundle). */
  record(tx: Tx): void {
    this.events.txSubmitted.emit(tx);
    this.watch?.(tx);
  }

  /** One delay of this sender's link. */
  delay(): number {
    return this.link.delay();
  }
}
