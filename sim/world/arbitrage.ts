// CEX-DEX arbitrageurs: each watches the reference price and its rollup's pools.
import { Arbitrageur } from '../model/agents/arbitrageur.ts';
import { submitterFor, type WorldContext } from './context.ts';

export function buildArbitrage(ctx: WorldContext): void {
  const { sim, scenario, rollups } = ctx;
  scenario.rollups.forEach((r, i) => {
    for (const a of r.arbitrageurs) {
      const watched = (a.pools ?? r.pools.map((p) => p.id)).map((p) => rollups[i].pools.get(p)!);
      const link = submitterFor(ctx, i, `arbitrageurs/${a.name}`, { region: a.region, latencyUs: a.latency });
      new Arbitrageur(sim, rollups[i], watched, { name: a.name, minProfitUsd: a.min_profit_usd, gasUsd: a.gas_usd }, link, `arbitrageurs/${r.id}/${a.name}`);
    }
  });
}
