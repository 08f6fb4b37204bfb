// The `faults` section: sequencer outages, scheduled (at, duration, which rollup's sequencer) or
// random on one fault budget (a rate per year and a duration distribution, drawn per failure
// domain from its own named stream); and faults that change what a sequencer does rather than
// whether it runs: leader equivocation, L1 posting stalls, targeted censorship — and bridge
// halts and oracle outages, which are not the sequencer's. A fault names a rollup, never a mode: it hits whatever orders that rollup — its own
// sequencer, or the shared set it belongs to (every member at once).
import { z } from 'zod';
import { duration, list, name, nodeIndex, nonNegativeNumber } from './fields.ts';
import { LIMITS } from './limits.ts';

export const OutageSchema = z
  .strictObject({
    rollup: name("The rollup whose sequencer fails: its own sequencer, or the shared set that orders it (then every rollup of the set)"),
    at: duration('When the sequencer fails'),
    duration: duration('How long it stays down', { positive: true }),
    machines: z
      .number()
      .int()
      .min(1)
      .max(LIMITS.listItems)
      .optional()
      .describe("How many of the sequencer's machines crash (default: all). A centralized sequencer is one machine; a shared set's machines are its nodes, 0 … k−1 — fewer than a third of the stake keeps the set committing"),
  })
  .describe('A scheduled outage');

export const OutageBudgetSchema = z
  .strictObject({
    rate_per_year: nonNegativeNumber('a number of outages per year', 100_000).default(2).describe('Outages per year per failure domain (Poisson); every rollup sees this rate in every mode. Default 2: docs/calibration.md, "Sequencer outages"'),
    median: duration('Median outage duration (lognormal)', { positive: true }).prefault('73m'),
    sigma: nonNegativeNumber('a lognormal sigma', 5).default(1.1).describe('Sigma of log(duration); 0 for fixed durations. Default 1.1 with median 73m: the fit to documented rollup outages (docs/calibration.md)'),
    rollups: list(name('A rollup id')).min(1).optional().describe('Rollups on the budget (default: all). A failure domain draws outages when any of its rollups is on it'),
  })
  .describe('The fault budget: the same outage rate and duration distribution per rollup in every mode; only their correlation differs (a shared set is one failure domain)');

/** A Poisson rate and lognormal durations for a kind of fault other than outages: no public record calibrates these, so both are the scenario's to give. */
const kindBudget = (what: string, lasting: string) => ({
  rate_per_year: nonNegativeNumber(`a number of ${what} per year`, 100_000).describe(`${what[0].toUpperCase()}${what.slice(1)} per year per failure domain (Poisson), from the stream faults/<kind>/<domain>`),
  median: duration(`Median ${lasting} (lognormal)`, { positive: true }),
  sigma: nonNegativeNumber('a lognormal sigma', 5).default(1).describe('Sigma of log(duration); 0 for fixed durations'),
});
const onRollups = list(name('A rollup id')).min(1).optional().describe('Rollups on the budget (default: all); a failure domain draws when any of its rollups is on it');

export const RandomEquivocationsSchema = z
  .strictObject({ ...kindBudget('equivocations', 'time from the first conflicting signature to detection'), rollups: onRollups, slash_fraction: z.number().min(0).max(1).default(1).describe("Share of a shared node's stake slashed at detection") })
  .describe('Random equivocations on one budget per failure domain; a shared set draws which node equivocates');
export const RandomPostingStallsSchema = z.strictObject({ ...kindBudget('posting stalls', 'stall'), rollups: onRollups }).describe('Random L1 posting stalls on one budget per failure domain');
export const RandomCensorshipSchema = z
  .strictObject({ ...kindBudget('censorship windows', 'window'), rollups: onRollups, senders: list(name('A sender (agent or user population)')).min(1).describe('Senders left out') })
  .describe('Random censorship windows on one budget per failure domain (every node of a shared set censors)');
export const RandomBridgeHaltsSchema = z.strictObject(kindBudget('bridge halts', 'halt')).describe('Random bridge halts (one bridge, the same draws in every mode)');
export const RandomOracleOutagesSchema = z
  .strictObject({ ...kindBudget('oracle outages', 'outage'), markets: list(name('A lending market id')).min(1).optional().describe('Markets on the budget (default: every market with a push oracle); each draws from its own stream') })
  .describe('Random push-oracle outages, per market, the same in every mode');

export const EquivocationSchema = z
  .strictObject({
    rollup: name('The rollup whose sequencer equivocates: its own sequencer, or a node of the shared set that orders it'),
    at: duration('When it starts signing conflicting blocks'),
    node: nodeIndex("Which node of a shared set equivocates whenever it leads (a rollup's own sequencer is one machine: ignored)").default(0),
    detection_delay: duration('From its first conflicting signature to its detection: a shared node is slashed then, a rollup\'s own sequencer replaced. Default 10m: not found in public sources, a parameter (docs/calibration.md)').prefault('10m'),
    slash_fraction: z.number().min(0).max(1).default(1).describe("Share of a shared node's stake slashed at detection (1: ejected from the set and the rotation; below 1 it stays and keeps equivocating)"),
  })
  .describe("Leader equivocation: pre-confirmations it gave are broken (txs.preconf_broken_us) and the transactions wait to be ordered again");

export const PostingStallSchema = z
  .strictObject({
    rollup: name('The rollup whose sequencer cannot post to L1 (a shared set posts for every member)'),
    at: duration('When posting stalls'),
    duration: duration('How long', { positive: true }),
  })
  .describe('An L1 posting delay: blocks and pre-confirmations go on, finality stalls until posting resumes (+ the L1 delay)');

export const CensorshipSchema = z
  .strictObject({
    rollup: name('The rollup whose sequencer censors (its own, or the shared set that orders it)'),
    at: duration('When censorship starts'),
    duration: duration('How long', { positive: true }),
    senders: list(name('A sender (agent or user population)')).min(1).describe('Senders left out'),
    nodes: list(nodeIndex('Node index')).min(1).optional().describe("Shared set: the nodes that censor when they lead (default: all of them). Ignored by a rollup's own sequencer"),
  })
  .describe('Targeted censorship for a while; forced inclusion through L1 still gets the targets in');

export const BridgeHaltSchema = z
  .strictObject({
    at: duration('When the bridge halts'),
    duration: duration('How long it holds messages', { positive: true }),
  })
  .describe('A bridge halt: messages between independent sequencers are held until it resumes (atomic bundles of a shared set need no bridge)');

export const OracleOutageSchema = z
  .strictObject({
    market: name('The lending market whose push oracle stops (a lending.markets[].id)'),
    at: duration("When the oracle's keeper stops reporting"),
    duration: duration('How long no update is sent', { positive: true }),
  })
  .describe("An oracle outage: the feed's off-chain reporting stops, so the contract keeps its last price however the market moves, whatever the sequencer does; updates resume at the first tick after it");

export const FaultsSchema = z
  .strictObject({
    outages: list(OutageSchema).default([]).describe('Scheduled outages'),
    equivocations: list(EquivocationSchema).default([]).describe('Leader equivocation'),
    posting_stalls: list(PostingStallSchema).default([]).describe('L1 posting delays'),
    censorship: list(CensorshipSchema).default([]).describe('Targeted censorship windows'),
    bridge_halts: list(BridgeHaltSchema).default([]).describe('Bridge halts (added to sequencing.centralized.bridge.halts)'),
    oracle_outages: list(OracleOutageSchema).default([]).describe('Push oracles whose reporting stops for a while (the same in every mode: reporting is not sequencing)'),
    random: OutageBudgetSchema.optional().describe('Random outages on one fault budget'),
    random_equivocations: RandomEquivocationsSchema.optional(),
    random_posting_stalls: RandomPostingStallsSchema.optional(),
    random_censorship: RandomCensorshipSchema.optional(),
    random_bridge_halts: RandomBridgeHaltsSchema.optional(),
    random_oracle_outages: RandomOracleOutagesSchema.optional(),
    aftermath: duration('How long after an outage ends liquidations, bad debt and price dislocations on its rollups are attributed to it (the contagion table)').prefault('2h'),
  })
  .describe('Sequencer faults, in every mode');

export type FaultsConfig = z.output<typeof FaultsSchema>;

/** Faults name existing rollups, and shared-set nodes that exist. */
export function checkFaults(s: { rollups: { id: string }[]; faults: FaultsConfig; sequencing: { shared: { nodes: number } }; lending: { markets: { id: string; oracle: { source: string } }[] } }, ctx: z.RefinementCtx): void {
  const ids = s.rollups.map((r) => r.id);
  const expected = `expected a rollup id (one of ${ids.map((x) => `"${x}"`).join(', ')})`;
  for (const key of ['outages', 'equivocations', 'posting_stalls', 'censorship'] as const)
    s.faults[key].forEach((o, i) => {
      if (!ids.includes(o.rollup)) ctx.addIssue({ code: 'custom', message: expected, path: ['faults', key, i, 'rollup'], input: o.rollup });
    });
  const nodes = s.sequencing.shared.nodes;
  const node = `expected a node index below ${nodes} (sequencing.shared.nodes)`;
  s.faults.equivocations.forEach((e, i) => {
    if (e.node >= nodes) ctx.addIssue({ code: 'custom', message: node, path: ['faults', 'equivocations', i, 'node'], input: e.node });
  });
  s.faults.censorship.forEach((c, i) =>
    c.nodes?.forEach((n, k) => {
      if (n >= nodes) ctx.addIssue({ code: 'custom', message: node, path: ['faults', 'censorship', i, 'nodes', k], input: n });
    }),
  );
  const pushMarkets = s.lending.markets.filter((m) => m.oracle.source === 'reference').map((m) => m.id);
  const pushMarket = (m: string, path: (string | number)[]) => {
    if (!pushMarkets.includes(m))
      ctx.addIssue({ code: 'custom', message: pushMarkets.length ? `expected a market with a push oracle (one of ${pushMarkets.map((x) => `"${x}"`).join(', ')})` : 'expected a market with a push oracle, but no lending market has one', path, input: m });
  };
  s.faults.oracle_outages.forEach((o, i) => pushMarket(o.market, ['faults', 'oracle_outages', i, 'market']));
  s.faults.random_oracle_outages?.markets?.forEach((m, i) => pushMarket(m, ['faults', 'random_oracle_outages', 'markets', i]));
  for (const key of ['random', 'random_equivocations', 'random_posting_stalls', 'random_censorship'] as const)
    s.faults[key]?.rollups?.forEach((r, i) => {
      if (!ids.includes(r)) ctx.addIssue({ code: 'custom', message: expected, path: ['faults', key, 'rollups', i], input: r });
    });
}
