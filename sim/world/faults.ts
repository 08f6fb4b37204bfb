// Faults: scheduled outages and the fault budget, applied to the failure domains the sequencing
// layer built. A failure domain is one sequencer component and the rollups it orders; each draws
// its random outages from its own stream, named by its rollups (`faults/outages/fast+medium` for a
// shared set over fast and medium, `faults/outages/fast` for fast's own sequencer), never by mode.
import type { Sequencer } from '../model/sequencer/sequencer.ts';
import { drawOutages } from '../model/faults/budget.ts';
import { FaultInjector } from '../model/faults/injector.ts';
import type { WorldContext } from './context.ts';
import type { LendingParts } from './lending.ts';

export interface FaultsParts {
  readonly injector: FaultInjector;
  /** Senders some censorship fault targets (their latencies are reported on their own). */
  readonly censoredSenders: ReadonlySet<string>;
  /** Each failure domain: a sequencer and the rollups it orders, in world order of their first rollup. */
  readonly domains: readonly Sequencer[];
}

export function buildFaults(ctx: WorldContext, lending: LendingParts): FaultsParts {
  const { sim, events, scenario, sequencing } = ctx;
  const f = scenario.faults;
  const injector = new FaultInjector(sim, events);
  const domains = [...new Set(sequencing.sequencers)];
  for (const o of f.outages) {
    const sequencer = sequencing.sequencers[ctx.rollupIndex.get(o.rollup)!];
    injector.outage(sequencer, { atUs: o.at, forUs: o.duration }, 'scheduled', o.machines);
  }
  // Scheduled faults of the other kinds, in this order, after the outages (episode ids follow it).
  const seqOf = (rollup: string) => sequencing.sequencers[ctx.rollupIndex.get(rollup)!];
  for (const e of f.equivocations) injector.equivocation(seqOf(e.rollup), e.at, e.detection_delay, e.node, e.slash_fraction);
  for (const p of f.posting_stalls) injector.postingStall(seqOf(p.rollup), { atUs: p.at, forUs: p.duration });
  for (const c of f.censorship) injector.censorship(seqOf(c.rollup), { atUs: c.at, forUs: c.duration }, new Set(c.senders), c.nodes && new Set(c.nodes));
  for (const b of f.bridge_halts) injector.bridgeHalt(sequencing.bridge, { atUs: b.at, forUs: b.duration }, scenario.rollups.map((_, i) => i));
  for (const o of f.oracle_outages) {
    const market = lending.markets.find((m) => m.params.id === o.market)!;
    injector.oracleOutage(lending.keepers.get(o.market)!, market.params.rollup, { atUs: o.at, forUs: o.duration });
  }
  // Random faults: each failure domain (or market, or the bridge) draws its own windows from its own stream.
  const domainsOn = (rollups: readonly string[] | undefined) => {
    const on = new Set((rollups ?? scenario.rollups.map((r) => r.id)).map((id) => ctx.rollupIndex.get(id)!));
    return domains.filter((d) => d.rollups.some((r) => on.has(r))).map((d) => ({ domain: d, label: d.rollups.map((r) => scenario.rollups[r].id).join('+') }));
  };
  const windows = (kind: string, label: string, b: { rate_per_year: number; median: number; sigma: number }) =>
    drawOutages(sim.stream(`faults/${kind}/${label}`), { ratePerYear: b.rate_per_year, medianUs: b.median, sigma: b.sigma }, scenario.horizon);
  if (f.random) for (const { domain, label } of domainsOn(f.random.rollups)) for (const w of windows('outages', label, f.random)) injector.outage(domain, w, 'random');
  const eq = f.random_equivocations;
  if (eq) {
    for (const { domain, label } of domainsOn(eq.rollups)) {
      const nodes = sim.stream(`faults/equivocations/${label}/nodes`);
      for (const w of windows('equivocations', label, eq)) injector.equivocation(domain, w.atUs, w.forUs, Math.floor(nodes.next() * domain.machines), eq.slash_fraction, 'random');
    }
  }
  const ps = f.random_posting_stalls;
  if (ps) for (const { domain, label } of domainsOn(ps.rollups)) for (const w of windows('posting_stalls', label, ps)) injector.postingStall(domain, w, 'random');
  const cs = f.random_censorship;
  if (cs) for (const { domain, label } of domainsOn(cs.rollups)) for (const w of windows('censorship', label, cs)) injector.censorship(domain, w, new Set(cs.senders), undefined, 'random');
  const bh = f.random_bridge_halts;
  if (bh) for (const w of windows('bridge_halts', 'bridge', bh)) injector.bridgeHalt(sequencing.bridge, w, scenario.rollups.map((_, i) => i), 'random');
  const oo = f.random_oracle_outages;
  if (oo) {
    for (const market of lending.markets) {
      const keeper = lending.keepers.get(market.params.id);
      if (!keeper || (oo.markets && !oo.markets.includes(market.params.id))) continue;
      for (const w of windows('oracle_outages', market.params.id, oo)) injector.oracleOutage(keeper, market.params.rollup, w, 'random');
    }
  }
  return { injector, domains, censoredSenders: new Set([...f.censorship.flatMap((c) => c.senders), ...(cs?.senders ?? [])]) };
}
