// Poisson arrivals: the clock of every exogenous flow (users, noise traders, intents). Each gap
// is drawn from the flow's own stream, after the arrival's own work, so the flow's times depend
// on nothing but its stream.
import type { Simulation } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import { SECOND } from '../../engine/time.ts';
import type { Rng } from '../../engine/rng.ts';

export class PoissonArrivals {
  private readonly ratePerUs: number;

  constructor(
    private readonly sim: Simulation,
    ratePerSecond: number,
    private readonly gaps: Rng,
    private readonly onArrival: () => void,
  ) {
    this.ratePerUs = ratePerSecond / SECOND;
    this.scheduleNext();
  }

  private scheduleNext(): void {
    this.sim.after(this.gaps.exponential(this.ratePerUs), Priority.agent, this.fire);
  }

  private fire = (): void => {
    this.onArrival();
    this.scheduleNext();
  };
}
