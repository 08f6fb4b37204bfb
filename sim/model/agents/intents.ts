// Users with cross-rollup intents: Poisson in time, each intent one leg per listed rollup (a
// plain leg that can fail with its rollup's leg-failure probability). How the legs travel is the
// router's business: an atomic bundle, or independent legs (chosen by the legs' sequencers).
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import type { KeyedRng, Rng } from '../../engine/rng.ts';
import { newTx } from '../tx.ts';
import { Bundle, LegAction, type CrossRollupRouter } from '../crossrollup.ts';
import { PoissonArrivals } from './poisson.ts';
import type { ModelEvents } from '../events.ts';

export interface LegSpec {
  rollup: number;
  failureProb: number;
  /** This rollup's leg failures, keyed to (bundle, leg). */
  failures: KeyedRng;
}

export class IntentUsers {
  private readonly txIds: IdSpace;
  private readonly bundleIds: IdSpace;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    ratePerSecond: number,
    private readonly legs: readonly LegSpec[],
    arrivals: Rng,
    private readonly router: CrossRollupRouter,
    private readonly events: ModelEvents,
    idLabel: string,
  ) {
    this.txIds = sim.ids(idLabel);
    this.bundleIds = sim.ids(`${idLabel}/bundles`);
    new PoissonArrivals(sim, ratePerSecond, arrivals, this.send);
  }

  private send = (): void => {
    const bundle = new Bundle(this.bundleIds.next(), this.name, this.sim.now, this.events);
    for (const l of this.legs) bundle.add(newTx(this.txIds.next(), l.rollup, this.name, this.sim.now, new LegAction(l.failureProb, l.failures)));
    this.router.send(bundle);
  };
}
