// Users with cross-rollup intents: Poisson in time, each intent one leg per listed rollup (a
// plain leg that can fail with its rollup's leg-failure probability). How the legs travel is the
// router's business: an atomic bundle, or independent legs (build.ts decides by mode).
import type { Simulation } from '../../engine/simulation.ts';
import type { Rng } from '../../engine/rng.ts';
import { newTx } from '../tx.ts';
import { LegAction, type CrossRollupRouter } from '../crossrollup.ts';
import type { IntentRecorder } from '../../metrics/intents.ts';
import { PoissonArrivals } from './poisson.ts';

export interface LegSpec {
  rollup: number;
  failureProb: number;
  /** Draws this rollup's leg failures. */
  failures: Rng;
}

export class IntentUsers {
  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    ratePerSecond: number,
    private readonly legs: readonly LegSpec[],
    arrivals: Rng,
    private readonly router: CrossRollupRouter,
    private readonly recorder: IntentRecorder,
  ) {
    new PoissonArrivals(sim, ratePerSecond, arrivals, this.send);
  }

  private send = (): void => {
    const id = this.sim.nextId('bundle');
    const legs = this.legs.map((l) => {
      const tx = newTx(this.sim.nextId('tx'), l.rollup, this.name, this.sim.now, new LegAction(l.failureProb, l.failures));
      tx.bundleId = id;
      return tx;
    });
    const bundle = { id, legs };
    this.recorder.submitted(bundle);
    this.router.send(bundle);
  };
}
