// The exogenous order flow: plain user transactions and noise traders' swaps. Their streams are
// named by rollup and population only, so every mode sees the same flow (common random numbers).
import { UserPopulation } from '../model/agents/users.ts';
import { NoiseTraders } from '../model/agents/noise.ts';
import { submitterFor, type WorldContext } from './context.ts';

export function buildFlows(ctx: WorldContext): void {
  const { sim, scenario, rollups } = ctx;
  scenario.rollups.forEach((r, i) => {
    for (const u of r.users) {
      new UserPopulation(sim, i, u.name, u.rate, sim.stream(`users/${r.id}/${u.name}/arrivals`), submitterFor(ctx, i, `users/${u.name}`, { region: u.region }), `users/${r.id}/${u.name}`);
    }
    for (const t of r.traders) {
      const params = { name: t.name, ratePerSecond: t.rate, medianSizeUsd: t.size_usd, sizeSigma: t.size_sigma, buyFraction: t.buy_fraction, slippageBps: t.slippage_bps, exactOutFraction: t.exact_out_fraction };
      const arrivals = sim.stream(`traders/${r.id}/${t.name}/arrivals`);
      const orders = sim.stream(`traders/${r.id}/${t.name}/orders`);
      new NoiseTraders(sim, rollups[i].pools.get(t.pool)!, params, arrivals, orders, submitterFor(ctx, i, `traders/${t.name}`, { region: t.region }), `traders/${r.id}/${t.name}`);
    }
  });
}
