// How any agent sends a transaction: it is recorded as submitted now, then travels over the
// agent's own network link and arrives at the sequencer after that delay.
import type { Simulation } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import type { Link } from '../network.ts';
import type { Tx } from '../tx.ts';

export interface TxSink {
  submitted(tx: Tx): void;
}

export class Submitter {
  constructor(
    private readonly sim: Simulation,
    private readonly link: Link,
    private readonly deliver: (tx: Tx) => void,
    private readonly sink: TxSink,
  ) {}

  submit(tx: Tx): void {
    this.sink.submitted(tx);
    this.sim.after(this.link.delay(), Priority.arrival, this.deliver, tx);
  }

  /** Records a transaction as submitted that travels some other way (inside a bundle). */
  record(tx: Tx): void {
    this.sink.submitted(tx);
  }

  /** One delay of this sender's link. */
  delay(): number {
    return this.link.delay();
  }
}
