// A population of users on one rollup: plain transactions arrive as a Poisson process and travel
// to the sequencer over the network. Arrivals draw from a stream named by rollup and population
// only (never the mode), so every mode sees the same user flow.
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import type { Rng } from '../../engine/rng.ts';
import { newTx } from '../tx.ts';
import { PoissonArrivals } from './poisson.ts';
import type { Submitter } from './submitter.ts';

export class UserPopulation {
  private readonly ids: IdSpace;

  constructor(
    private readonly sim: Simulation,
    private readonly rollupIndex: number,
    readonly name: string,
    ratePerSecond: number,
    arrivals: Rng,
    private readonly submitter: Submitter,
    idLabel: string,
  ) {
    this.ids = sim.ids(idLabel);
    new PoissonArrivals(sim, ratePerSecond, arrivals, this.submit);
  }

  private submit = (): void => {
    this.submitter.submit(newTx(this.ids.next(), this.rollupIndex, this.name, this.sim.now));
  };
}
