// Options: venues on rollups, the market makers quoting them and hedging on an AMM, and the takers.
import type { OptionKind } from '../model/options/blackScholes.ts';
import { OptionVenue } from '../model/options/venue.ts';
import { OptionMaker } from '../model/agents/optionMaker.ts';
import { OptionTakers } from '../model/agents/optionTakers.ts';
import { CrossRollupDigital, type ExoticLeg } from '../model/options/exotic.ts';
import type { CrossRollupRouter } from '../model/crossrollup.ts';
import { legFailuresOf, routerFor, submitterFor, type WorldContext } from './context.ts';

export interface OptionsParts {
  venues: Map<string, OptionVenue>;
  makers: OptionMaker[];
  exotics: CrossRollupDigital[];
}

export function buildOptions(ctx: WorldContext): OptionsParts {
  const { sim, scenario, events, rollups, rollupIndex, feeds, sequencing } = ctx;
  const o = scenario.options;
  const venues = new Map<string, OptionVenue>();
  const trueVol = (asset: string) => scenario.assets.find((a) => a.id === asset)!.vol;
  for (const v of o.venues) {
    const rollup = rollupIndex.get(v.rollup)!;
    const feed = feeds.get(v.asset)!;
    const keeper = submitterFor(ctx, rollup, `options/venues/${v.id}`);
    const params = { id: v.id, rollup, strikesPct: v.strikes_pct, strikeStep: v.strike_step, tenorsUs: v.expiries, kinds: v.kinds as OptionKind[], takerFeeBps: v.taker_fee_bps, makerFeeBps: v.maker_fee_bps, rate: v.rate };
    const venue = new OptionVenue(sim, params, feed, trueVol(v.asset), keeper, events);
    if (v.cancels_first) rollups[rollup].addBlockRule(venue.quotesFirst);
    venues.set(v.id, venue);
  }
  const makers = o.makers.map((m) => {
    const mine = m.venues.map((id) => venues.get(id)!);
    const asset = scenario.options.venues.find((v) => v.id === m.venues[0])!.asset;
    const hedgeRollup = rollupIndex.get(m.hedge?.rollup ?? scenario.rollups[mine[0].params.rollup].id)!;
    const hedgePool = m.hedge?.pool ?? scenario.rollups[hedgeRollup].pools.find((p) => p.asset === asset)!.id;
    const placement = { region: m.region, latencyUs: m.latency };
    // Collateral: one account when one sequencer orders (atomically) every rollup it uses, else one per rollup.
    const used = [...new Set([hedgeRollup, ...mine.map((v) => v.params.rollup)])];
    const oneAccount = used.length === 1 || (sequencing.sequencers[used[0]].receiveBundle !== undefined && used.every((r) => sequencing.sequencers[r] === sequencing.sequencers[used[0]]));
    const collateral = m.collateral === 'auto' ? (oneAccount ? 'pooled' : 'siloed') : m.collateral;
    const params = {
      name: m.name,
      vol: m.vol ?? trueVol(asset),
      size: m.size,
      refreshUs: m.refresh,
      moveThresholdBps: m.move_threshold_bps,
      riskAversion: m.risk_aversion,
      hedgeThreshold: m.hedge_threshold,
      hedgeEveryUs: m.hedge_every,
      collateral: collateral as 'pooled' | 'siloed',
      marginFraction: m.margin_fraction,
      capitalCostPerYear: m.capital_cost,
      quoteFeeUsd: m.quote_fee_usd,
      markoutUs: m.markout,
      learning: m.learning,
      learningPrior: m.learning_prior,
      horizonEndUs: m.horizon_end,
      flowDecay: m.flow_decay,
      skew: m.skew,
      hedgeWithFill: m.hedge_with_fill,
    };
    const label = `options/makers/${m.name}`;
    const quoteLinks = mine.map((venue) => ({ venue, submitter: submitterFor(ctx, venue.params.rollup, label, placement) }));
    return new OptionMaker(sim, params, quoteLinks, rollups[hedgeRollup].pools.get(hedgePool)!, rollups[hedgeRollup], submitterFor(ctx, hedgeRollup, label, placement), events, label);
  });
  for (const t of o.takers) {
    const venue = venues.get(t.venue)!;
    const asset = scenario.options.venues.find((v) => v.id === t.venue)!.asset;
    const label = `options/takers/${t.name}`;
    const params = { name: t.name, kind: t.kind, ratePerSecond: t.rate, size: t.size, limitBps: t.limit_bps, horizonUs: t.horizon, signalCorrelation: t.signal_correlation, thresholdBps: t.threshold_bps, feeUsd: t.fee_usd, vol: t.vol ?? trueVol(asset), decay: t.decay, strategy: t.strategy };
    const placement = { region: t.region, latencyUs: t.latency };
    // A cross-rollup spread's legs travel as the sequencers of the two venues' rollups allow.
    const other = t.other_venue === undefined ? undefined : venues.get(t.other_venue)!;
    const spread = other && { venue: other, router: routerFor(ctx, t.name, [venue.params.rollup, other.params.rollup], 'inventory', placement), legFailures: (r: number) => legFailuresOf(ctx, r), events };
    // An order and its maker's hedge on another rollup go as one bundle where the sequencers of the
    // two rollups execute it atomically (a hedge on the venue's own rollup is no sequencing matter).
    const fillHedges = new Map<number, CrossRollupRouter>();
    for (const m of makers) {
      const r = m.fillHedge?.rollup;
      if (r === undefined || r === venue.params.rollup || fillHedges.has(r)) continue;
      const router = routerFor(ctx, `${t.name}/fill-hedge/${scenario.rollups[r].id}`, [venue.params.rollup, r], 'inventory', placement);
      if (router.atomic) fillHedges.set(r, router);
    }
    const hedges = fillHedges.size > 0 ? { routers: fillHedges, events } : undefined;
    new OptionTakers(sim, params, venue, submitterFor(ctx, venue.params.rollup, label, placement), sim.stream(`${label}/orders`), sim.stream(`${label}/arrivals`), label, spread, hedges);
  }
  const exotics = o.exotics.map((e) => {
    const legs = e.legs.map((leg): ExoticLeg => {
      const rollup = rollupIndex.get(leg.rollup)!;
      const market = rollups[rollup].pools.get(leg.pool)!;
      const a = scenario.assets.find((x) => x.id === scenario.rollups[rollup].pools.find((p) => p.id === leg.pool)!.asset)!;
      // A closed-form fair value needs a lognormal price: no jumps, no replayed path.
      const law = a.jumps === undefined && a.file === undefined ? { logDrift: a.drift_kind === 'log' ? a.drift : a.drift - (a.vol * a.vol) / 2, vol: a.vol } : null;
      return { market, strikePct: leg.strike_pct, law };
    }) as [ExoticLeg, ExoticLeg];
    // The keeper settles through whatever the two rollups' sequencers allow: one atomic bundle, or leg 1 after the bridge.
    const router = routerFor(ctx, `exotics/${e.id}`, legs.map((l) => l.market.rollup), 'bridge');
    return new CrossRollupDigital(sim, { id: e.id, legs, tenorUs: e.tenor, payoutUsd: e.payout_usd }, router, events, `options/exotics/${e.id}`);
  });
  return { venues, makers, exotics };
}
