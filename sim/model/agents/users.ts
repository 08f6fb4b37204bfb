// A population of users on one rollup: transactions arrive as a Poisson process and travel to
// the sequencer over the network. Arrivals draw from a stream named by rollup and population
// only (never the mode), so every mode sees the same user flow.
import type { Simulation } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import { SECOND } from '../../engine/time.ts';
import type { Rng } from '../../engine/rng.ts';
import type { Link } from '../network.ts';
import { newTx, type Tx } from '../tx.ts';

export interface TxSink {
  submitted(tx: Tx): void;
}

export class UserPopulation {
  private readonly ratePerUs: number;

  constructor(
    private readonly sim: Simulation,
    private readonly rollupIndex: number,
    readonly name: string,
    ratePerSecond: number,
    private readonly arrivals: Rng,
    private readonly link: Link,
    private readonly deliver: (tx: Tx) => void,
    private readonly sink: TxSink,
  ) {
    this.ratePerUs = ratePerSecond / SECOND;
    this.scheduleNext();
  }

  private scheduleNext(): void {
    this.sim.after(this.arrivals.exponential(this.ratePerUs), Priority.agent, this.submit);
  }

  private submit = (): void => {
    const tx = newTx(this.sim.nextId('tx'), this.rollupIndex, this.name, this.sim.now);
    this.sink.submitted(tx);
    this.sim.after(this.link.delay(), Priority.arrival, this.deliver, tx);
    this.scheduleNext();
  };
}
