// Markets: one reference feed per asset (each drawing from its own stream, never named by mode)
// and the constant-product pools on each rollup.
import type { Simulation } from '../engine/simulation.ts';
import { SECOND } from '../engine/time.ts';
import type { ModelEvents } from '../model/events.ts';
import type { Rollup } from '../model/rollup.ts';
import { createPool } from '../model/market/amm.ts';
import { ReferenceFeed } from '../model/market/feed.ts';
import { MarketPool } from '../model/market/marketPool.ts';
import { GbmPath, ReplayPath, type PricePath, type PriceSeries } from '../model/market/price.ts';
import type { AssetConfig, Scenario } from '../scenario/schema.ts';

export interface Markets {
  feeds: Map<string, ReferenceFeed>;
  markets: MarketPool[];
}

export function buildMarkets(sim: Simulation, events: ModelEvents, scenario: Scenario, rollups: readonly Rollup[], priceSeries: ReadonlyMap<string, PriceSeries>): Markets {
  // Agents may look back by their network delay; keep comfortably more than any plausible one.
  const historyUs = Math.max(10 * SECOND, 2 * (scenario.network.base_latency + 20 * scenario.network.jitter));
  const maxArbLatency = Math.max(0, ...scenario.rollups.flatMap((r) => r.arbitrageurs.map((a) => a.latency ?? 0)));
  const feeds = new Map<string, ReferenceFeed>();
  for (const a of scenario.assets) feeds.set(a.id, new ReferenceFeed(sim, a.id, pricePath(sim, a, priceSeries), a.tick, Math.max(historyUs, 2 * maxArbLatency), events));
  const markets: MarketPool[] = [];
  scenario.rollups.forEach((r, i) => {
    for (const p of r.pools) {
      const feed = feeds.get(p.asset)!;
      // Half the value in each token at the pool's initial price (the reference, or offset from it).
      const half = p.liquidity_usd / 2;
      const poolPrice = feed.price * (1 + p.price_offset_bps / 1e4);
      const pool = createPool({ reserveBase: half / poolPrice, reserveQuote: half, feeBps: p.fee_bps, feeMode: p.fee_mode });
      const market = new MarketPool(p.id, markets.length, i, feed, pool, events);
      markets.push(market);
      rollups[i].pools.set(p.id, market);
    }
  });
  return { feeds, markets };
}

function pricePath(sim: Simulation, a: AssetConfig, priceSeries: ReadonlyMap<string, PriceSeries>): PricePath {
  const series = priceSeries.get(a.id);
  if (series) return ReplayPath.fromSeries(series);
  const jumps = a.jumps && { ratePerYear: a.jumps.rate, meanLogJump: a.jumps.mean, stdLogJump: a.jumps.stdev, compensated: a.jumps.compensated };
  return new GbmPath({ sigma: a.vol, drift: a.drift, driftKind: a.drift_kind, jumps }, sim.stream(`prices/${a.id}`), a.price!);
}
