// Cross-rollup flows: intents and cross-rollup arbitrageurs. Their router comes from the
// sequencing layer (an atomic bundle when one set orders every leg, independent legs otherwise).
import { IntentUsers } from '../model/agents/intents.ts';
import { CrossRollupArbitrageur, type ArbVenue } from '../model/agents/crossArb.ts';
import { legFailuresOf, routerFor, type WorldContext } from './context.ts';

export function buildCrossRollup(ctx: WorldContext): void {
  const { sim, scenario, events, rollups, rollupIndex } = ctx;
  for (const it of scenario.intents) {
    const legs = it.rollups.map((rid) => {
      const i = rollupIndex.get(rid)!;
      return { rollup: i, ...legFailuresOf(ctx, i) };
    });
    const router = routerFor(ctx, it.name, legs.map((l) => l.rollup), it.route, { region: it.region });
    new IntentUsers(sim, it.name, it.rate, legs, sim.stream(`intents/${it.name}/arrivals`), router, events, `intents/${it.name}`);
  }
  for (const c of scenario.cross_arbitrageurs) {
    const venue = (rid: string): ArbVenue => {
      const i = rollupIndex.get(rid)!;
      const pool = scenario.rollups[i].pools.find((p) => p.asset === c.asset)!;
      return { market: rollups[i].pools.get(pool.id)!, rollup: rollups[i], ...legFailuresOf(ctx, i) };
    };
    const venues: [ArbVenue, ArbVenue] = [venue(c.rollups[0]), venue(c.rollups[1])];
    const params = { name: c.name, minProfitUsd: c.min_profit_usd, gasUsd: c.gas_usd, tolerance: c.tolerance_bps / 1e4 };
    const router = routerFor(ctx, c.name, venues.map((v) => v.rollup.params.index), c.route, { region: c.region, latencyUs: c.latency });
    new CrossRollupArbitrageur(sim, venues, params, router, events, `cross/${c.name}`);
  }
}
