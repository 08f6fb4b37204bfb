// The scenario schema: one zod definition gives validation, the TypeScript types and the JSON
// Schema that editors and `seqsim schema` use. File keys are snake_case; unknown keys are
// rejected everywhere; defaults are filled here, at the boundary, so nothing downstream guesses.
// Durations are human strings in files ("250ms", "12s") and integer µs in the resolved scenario.
// Each section is its own exported schema so later sections (markets, sequencing, agents, faults)
// slot in beside these without touching the others.
import { z } from 'zod';
import { DAY, formatDuration, type Micros } from '../engine/time.ts';
import { duration, list, name, nonNegativeNumber, onlyTypeError, positiveNumber, signedNumber, uniqueBy } from './fields.ts';
import { LIMITS } from './limits.ts';
import { EVENT_TABLES } from '../metrics/tables.ts';
import { SequencingSchema } from './sequencing.ts';
import { OptionsSchema } from './options.ts';
import { FaultsSchema, checkFaults } from './faults.ts';
import { LendingSchema, checkLending } from './lending.ts';
import { SweepSchema } from './sweepSchema.ts';
import { REGION_PRESETS, REGION_PRESET_NAMES } from '../model/regions.ts';

export { duration, name } from './fields.ts';

/** A horizon beyond this is almost certainly a unit mistake ("30000m"), and runs would not end. */
export const MAX_HORIZON_US: Micros = LIMITS.durationUs;
export const MAX_ROLLUPS = LIMITS.rollups;
export const MAX_RUNS = LIMITS.runs;

export const SEQUENCING_MODES = ['centralized', 'shared'] as const;
export type SequencingMode = (typeof SEQUENCING_MODES)[number];

/**
 * A sequencing variant: a mode and a sequencing section deep-merged over the scenario's own
 * `sequencing` (mappings merge, lists and scalars replace, as `extends` does). The section is
 * validated after the merge (sim/scenario/variants.ts), so it may lean on the scenario's values.
 */
export const VariantSchema = z
  .strictObject({
    name: name('Variant name, unique; the value of the mode column in every table for its runs'),
    mode: z.enum(SEQUENCING_MODES).describe('The sequencing mechanism: "centralized" (one sequencer per rollup) or "shared" (a shared set)'),
    description: z.string().max(10_000).optional().describe('Free text describing the variant'),
    sequencing: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('A sequencing section (the same keys as `sequencing`) merged over the scenario\'s `sequencing` for this variant\'s runs'),
  })
  .describe('One sequencing variant to run the same world under');

const region = (description: string) => name(`${description} (a region of network.regions)`);

export const NetworkSchema = z
  .strictObject({
    base_latency: duration('One-way network delay between any two parties when network.regions is not set').prefault('50ms'),
    jitter: duration('Mean of the exponential extra delay added to each message; 0s for none').prefault('0s'),
    regions: z
      .union([
        z.enum(REGION_PRESET_NAMES),
        z.record(name('A region name'), z.record(name('Another region name'), duration('One-way delay between the two regions'))),
      ])
      .optional()
      .describe('Geography: "aws" (one-way delays between us-east, us-west, eu-frankfurt, tokyo and singapore from public inter-region pings, docs/calibration.md §10), or a matrix {region: {region: one-way delay}} (symmetric: each pair once is enough; a region to itself defaults to 0s). Parties name their region; the delay between two parties is their regions\' delay plus jitter'),
    default_region: region('Region of every party that does not name one').default('us-east'),
  })
  .describe('Message latency between agents, sequencers and nodes');

export const UserSchema = z
  .strictObject({
    name: name('User (flow) name, unique within its rollup'),
    region: region('Where these users are').optional(),
    rate: z.number({ error: onlyTypeError('expected a number of transactions per second') })
      .positive({ error: 'expected a rate greater than 0 transactions per second' })
      .max(LIMITS.ratePerS, { error: `expected a rate of at most ${LIMITS.ratePerS.toLocaleString('en-US')} transactions per second` })
      .describe('Mean arrival rate in transactions per second (Poisson arrivals)'),
  })
  .describe('A source of ordinary user transactions on one rollup');

export const JumpsSchema = z
  .strictObject({
    rate: nonNegativeNumber('a number of jumps per year', LIMITS.jumpsPerYear).describe('Poisson rate of price jumps, per year'),
    mean: signedNumber('a mean log-jump', 1).default(0).describe('Mean of the log-jump size (dimensionless, e.g. -0.05 for a 5% drop on average)'),
    stdev: nonNegativeNumber('a standard deviation', 1).default(0).describe('Standard deviation of the log-jump size'),
    compensated: z.boolean().default(true).describe('Reduce the drift so that jumps do not change it (Merton compensator)'),
  })
  .describe('Merton jumps added to the diffusion');

export const AssetSchema = z
  .strictObject({
    id: name('Asset id (e.g. "eth"), unique; pools name it'),
    price: positiveNumber('a price in USD', LIMITS.priceUsd).min(LIMITS.priceMinUsd, { error: `expected a price in USD of at least ${LIMITS.priceMinUsd}` }).optional().describe('Initial reference price, USD per unit (required unless `file` gives the path)'),
    vol: nonNegativeNumber('an annualized volatility', LIMITS.annual).default(0.6).describe('Annualized volatility σ of the reference price (0.6 = 60%/√year)'),
    drift: signedNumber('an annualized drift', LIMITS.annual).default(0).describe('Annualized drift, in the sense of drift_kind'),
    drift_kind: z
      .enum(['log', 'arithmetic'])
      .default('log')
      .describe('"log": drift of log-price (0 = driftless log-price, the LVR theory\'s assumption); "arithmetic": μ in dS/S = μdt + σdW (0 = martingale price)'),
    jumps: JumpsSchema.optional(),
    tick: duration('Interval between reference price updates (the CEX feed)', { positive: true }).prefault('100ms'),
    file: z
      .string()
      .min(1)
      .optional()
      .describe('Replay this price path instead of simulating one: a CSV (header time,price) or Arrow file (time_us, price), relative to the scenario file'),
  })
  .describe('A traded asset and its reference (CEX) price process, in USD');

export const PoolSchema = z
  .strictObject({
    id: name('Pool id, unique within its rollup (metrics name it as subject)'),
    asset: name('The asset traded against USD in this pool (an assets[].id)'),
    liquidity_usd: positiveNumber('a pool value in USD', LIMITS.usd).describe('Initial pool value in USD (half in the asset, half in USD, at the initial pool price)'),
    price_offset_bps: z
      .number()
      .gt(-10_000, { error: 'expected an offset above -10000 bps (the pool price must stay positive)' })
      .max(100_000)
      .default(0)
      .describe('Initial pool price relative to the initial reference price, basis points (+100: the pool starts 1% dear), to study arbitrage from a dislocated start'),
    fee_bps: nonNegativeNumber('a fee in basis points', 4999).default(30).describe('Swap fee on the input, basis points'),
    fee_mode: z
      .enum(['external', 'in_pool'])
      .default('external')
      .describe('"external": fees are paid out to LPs (k unchanged by swaps; the LVR theory assumes this); "in_pool": fees stay in the reserves (Uniswap v2)'),
  })
  .describe('A constant-product (x·y = k) pool of one asset against USD');

export const TraderSchema = z
  .strictObject({
    name: name('Trader population name, unique within its rollup'),
    region: region('Where these traders are').optional(),
    pool: name('The pool it trades in (a pools[].id on the same rollup)'),
    rate: positiveNumber('a number of swaps per second', LIMITS.ratePerS).describe('Mean swap arrival rate, swaps per second (Poisson)'),
    size_usd: positiveNumber('a trade size in USD', LIMITS.usd).default(1000).describe('Median trade size in USD (lognormal)'),
    size_sigma: nonNegativeNumber('a lognormal sigma', 5).default(1).describe('Dispersion of trade sizes: sigma of log(size)'),
    buy_fraction: z.number().min(0).max(1).default(0.5).describe('Probability that a swap buys the asset (otherwise it sells)'),
    slippage_bps: nonNegativeNumber('a slippage tolerance in basis points', LIMITS.bps)
      .default(50)
      .describe('Slippage limit: an exact-in swap fails if it would get less than (1 − limit) × the output quoted at decision; an exact-out swap, if it would cost more than (1 + limit) × the input quoted'),
    exact_out_fraction: z.number().min(0).max(1).default(0).describe('Share of swaps that fix the output amount (exact-out, with a maximum input) instead of the input'),
  })
  .describe('Noise traders: swaps of random size and direction, uninformed about the reference price');

export const ArbitrageurSchema = z
  .strictObject({
    name: name('Arbitrageur name, unique within its rollup'),
    region: region('Where it runs').optional(),
    pools: list(name('A pool id on this rollup')).optional().describe('Pools it watches (default: every pool on the rollup)'),
    latency: duration('One-way delay from the arbitrageur to the sequencer, replacing the network base latency').optional(),
    min_profit_usd: nonNegativeNumber('a profit in USD', LIMITS.feeUsd).default(0).describe('Smallest expected profit, USD, for which it trades'),
    gas_usd: nonNegativeNumber('a cost in USD', LIMITS.feeUsd).default(0).describe('Cost per transaction, USD, paid whether the trade succeeds or reverts'),
  })
  .describe('A CEX-DEX arbitrageur: trades a pool back to the reference price when the gap exceeds fee and gas');

export const SearcherSchema = z
  .strictObject({
    name: name('Searcher name, unique within its rollup'),
    region: region('Where it runs').optional(),
    strategy: z.enum(['sandwich', 'backrun']).default('sandwich').describe('"sandwich": front-run and back-run visible user swaps (needs a public mempool); "backrun": an arbitrage right after a visible swap (also once an encrypted mempool reveals it)'),
    latency: duration('One-way delay from the searcher to the sequencer, replacing the network base latency').optional(),
    gas_usd: nonNegativeNumber('a cost in USD', LIMITS.feeUsd).default(0.05).describe('Gas per transaction, USD, paid whether it succeeds or reverts'),
    min_profit_usd: nonNegativeNumber('a profit in USD', LIMITS.feeUsd).default(0).describe('Smallest expected profit after gas, USD, worth an attempt'),
    bid_fraction: z.number().min(0).max(1).default(0.1).describe('Opening priority-fee bid as a fraction of the expected profit (first-price)'),
    bid_increment_usd: nonNegativeNumber('a bid increment in USD', LIMITS.feeUsd).default(0.01).describe('Raise over a rival\'s visible bid in a priority gas auction, USD'),
    capital_usd: positiveNumber('an amount in USD', LIMITS.usd).optional().describe('Most it can put into one front-run, USD (default: unconstrained)'),
  })
  .describe('An MEV searcher: acts only on what the ordering policy lets it see, when it sees it');

export const RollupSchema = z
  .strictObject({
    id: name('Rollup id, unique across rollups'),
    region: region('Where its own sequencer runs').optional(),
    block_time: duration('Mean time between blocks', { positive: true }),
    block_time_dist: z
      .enum(['fixed', 'exponential'])
      .default('fixed')
      .describe('Block interval distribution: "fixed" (every block_time) or "exponential" (mean block_time)'),
    capacity: z.number({ error: onlyTypeError('expected a whole number of transactions per block') })
      .int({ error: 'expected a whole number of transactions per block' })
      .positive({ error: 'expected a capacity greater than 0 transactions per block' })
      .max(LIMITS.capacity, { error: `expected a capacity of at most ${LIMITS.capacity.toLocaleString('en-US')} transactions per block` })
      .default(1000)
      .describe('Maximum transactions per block (count)'),
    users: list(UserSchema)
      .default([])
      .superRefine(uniqueBy<{ name: string }>('user name', (u) => u.name, 'name'))
      .describe('User transaction flows on this rollup'),
    pools: list(PoolSchema)
      .default([])
      .superRefine(uniqueBy<{ id: string }>('pool id', (p) => p.id, 'id'))
      .describe('Constant-product pools on this rollup'),
    traders: list(TraderSchema)
      .default([])
      .superRefine(uniqueBy<{ name: string }>('trader name', (t) => t.name, 'name'))
      .describe('Noise trader populations on this rollup'),
    searchers: list(SearcherSchema)
      .default([])
      .superRefine(uniqueBy<{ name: string }>('searcher name', (t) => t.name, 'name'))
      .describe('MEV searchers on this rollup'),
    leg_failure_prob: z.number().min(0).max(1).default(0).describe('Probability that a cross-rollup leg on this rollup fails on its own (revert, drop, rejection), independent of prices'),
    arbitrageurs: list(ArbitrageurSchema)
      .default([])
      .superRefine(uniqueBy<{ name: string }>('arbitrageur name', (a) => a.name, 'name'))
      .describe('CEX-DEX arbitrageurs on this rollup'),
  })
  .describe('One rollup: its block production and its ordinary users');

export const IntentSchema = z
  .strictObject({
    name: name('Intent population name, unique'),
    region: region('Where these users are').optional(),
    rate: positiveNumber('a number of intents per second', LIMITS.ratePerS).describe('Mean arrival rate of intents, per second (Poisson)'),
    rollups: list(name('A rollup id')).min(2).describe('The rollups the intent has a leg on, in order (at least two, distinct)'),
    route: z
      .enum(['inventory', 'bridge'])
      .default('inventory')
      .describe('Under centralized sequencing: "inventory" sends every leg at once (funds held on each rollup); "bridge" sends each leg after the previous one executed and the bridge carried the message. Under shared sequencing every intent is one atomic bundle.'),
  })
  .describe('Users whose one action needs a leg on each of several rollups');

export const CrossArbitrageurSchema = z
  .strictObject({
    name: name('Cross-rollup arbitrageur name, unique (also among intent flows)'),
    region: region('Where it runs').optional(),
    asset: name('The asset whose pools it arbitrages (the first pool of that asset on each rollup)'),
    rollups: z.tuple([name('A rollup id'), name('Another rollup id')]).describe('The two rollups it trades between'),
    route: z.enum(['inventory', 'bridge']).default('inventory').describe('Under centralized sequencing: both legs at once from inventory held on both rollups, or the second leg after the bridge; under shared sequencing: one atomic bundle'),
    latency: duration('One-way delay to the sequencers, replacing the network base latency').optional(),
    gas_usd: nonNegativeNumber('a cost in USD', LIMITS.feeUsd).default(0.05).describe('Gas per leg, USD'),
    min_profit_usd: nonNegativeNumber('a profit in USD', LIMITS.feeUsd).default(0).describe('Smallest expected profit after gas, USD'),
    tolerance_bps: nonNegativeNumber('a tolerance in basis points', LIMITS.bps).default(10).describe('Slippage limit of each leg, basis points of its quoted output'),
  })
  .describe('Arbitrage of the same asset between two rollups');

export const OutputSchema = z
  .strictObject({
    batch_rows: z.number({ error: onlyTypeError('expected a whole number of rows') })
      .int({ error: 'expected a whole number of rows' })
      .min(1)
      .max(1_000_000)
      .default(16_384)
      .describe('Most rows per Arrow record batch (count); a batch also ends at 8 MiB of columns. Bounds memory per table while writing'),
    omit: z
      .array(z.enum(EVENT_TABLES, { error: (i) => `expected one of the event tables ${EVENT_TABLES.join(', ')} (runs, metrics, sketches, comparison, points and point_metrics are always written)` }))
      .max(EVENT_TABLES.length)
      .refine((l) => new Set(l).size === l.length, 'expected each table at most once')
      .default([])
      .describe('Event tables written without rows (their files hold the schema only): a sweep of many runs seldom needs every transaction. Metrics, sketches and comparisons are the same with or without them'),
  })
  .describe('How tables are written');

export const DebugSchema = z
  .strictObject({
    break_invariant: z
      .strictObject({
        run: z.number().int().min(0).max(MAX_RUNS * LIMITS.variants).describe('run_id of the run to break (0-based)'),
        at: duration('Simulated time at which that run breaks its "debug" invariant'),
      })
      .optional()
      .describe('Deliberately break an invariant in one run: exercises the failed-run path (exit code 3)'),
  })
  .describe('Testing aids; leave unset in real scenarios');

export const ScenarioSchema = z
  .strictObject({
    name: name('Scenario name; appears in output provenance'),
    description: z.string().optional().describe('Free text describing the scenario'),
    seed: z.number({ error: onlyTypeError('expected a whole number') })
      .int({ error: 'expected a whole number' })
      .min(0, { error: 'expected a whole number ≥ 0' })
      .max(2 ** 32 - 1)
      .default(1)
      .describe('Root random seed of the first run (integer)'),
    runs: z.number({ error: onlyTypeError('expected a whole number of runs') })
      .int({ error: 'expected a whole number of runs' })
      .min(1)
      .max(MAX_RUNS)
      .default(1)
      .describe('Number of runs (count); run k uses seed + k, for k = 0 … runs − 1'),
    horizon: duration('Simulated time of each run', { positive: true, maxUs: MAX_HORIZON_US }),
    warmup: duration('Initial simulated time excluded from metrics; must be shorter than horizon').prefault('0s'),
    modes: list(z.enum(SEQUENCING_MODES))
      .min(1, { error: 'expected at least one sequencing mode' })
      .default(['centralized'])
      .superRefine(uniqueBy<SequencingMode>('mode', (m) => m))
      .describe('Sequencing modes to run the same world under: "centralized" and/or "shared" (each is a variant named after its mode); or use variants'),
    variants: list(VariantSchema)
      .min(1, { error: 'expected at least one variant' })
      .max(LIMITS.variants, { error: `expected at most ${LIMITS.variants} variants` })
      .superRefine(uniqueBy<{ name: string }>('variant name', (v) => v.name, 'name'))
      .optional()
      .describe('Sequencing variants to run the same world under, each a mode and a sequencing section over `sequencing` (instead of modes)'),
    baseline: name('The variant (or mode) every other one is compared against, seed by seed; default the first').optional(),
    network: NetworkSchema.prefault({}),
    assets: list(AssetSchema)
      .default([])
      .superRefine(uniqueBy<{ id: string }>('asset id', (a) => a.id, 'id'))
      .describe('Assets and their reference price processes'),
    rollups: z
      .array(RollupSchema)
      .min(1, { error: 'expected at least one rollup' })
      .max(MAX_ROLLUPS, { error: `expected at most ${MAX_ROLLUPS} rollups` })
      .superRefine(uniqueBy<{ id: string }>('rollup id', (r) => r.id, 'id'))
      .describe('The rollups in the world'),
    intents: list(IntentSchema)
      .default([])
      .superRefine(uniqueBy<{ name: string }>('intent name', (t) => t.name, 'name'))
      .describe('Cross-rollup intent flows'),
    cross_arbitrageurs: list(CrossArbitrageurSchema)
      .default([])
      .superRefine(uniqueBy<{ name: string }>('cross-arbitrageur name', (t) => t.name, 'name'))
      .describe('Cross-rollup arbitrageurs'),
    sequencing: SequencingSchema.prefault({}),
    options: OptionsSchema.prefault({}),
    faults: FaultsSchema.prefault({}),
    lending: LendingSchema.prefault({}),
    output: OutputSchema.prefault({}),
    debug: DebugSchema.prefault({}),
    sweep: SweepSchema.optional(),
  })
  .superRefine((s, ctx) => {
    checkMarketReferences(s, ctx);
    const ids = s.rollups.map((r) => r.id);
    s.intents.forEach((t, i) =>
      t.rollups.forEach((r, k) => {
        if (!ids.includes(r)) ctx.addIssue({ code: 'custom', message: `expected a rollup id (one of ${ids.map((x) => `"${x}"`).join(', ')})`, path: ['intents', i, 'rollups', k], input: r });
        else if (t.rollups.indexOf(r) !== k) ctx.addIssue({ code: 'custom', message: 'expected each rollup once per intent', path: ['intents', i, 'rollups', k], input: r });
      }),
    );
    s.cross_arbitrageurs.forEach((c, i) =>
      c.rollups.forEach((rid, k) => {
        const r = s.rollups.find((x) => x.id === rid);
        if (!r) ctx.addIssue({ code: 'custom', message: `expected a rollup id (one of ${ids.map((x) => `"${x}"`).join(', ')})`, path: ['cross_arbitrageurs', i, 'rollups', k], input: rid });
        else if (!r.pools.some((p) => p.asset === c.asset)) ctx.addIssue({ code: 'custom', message: `expected a rollup with a pool of asset "${c.asset}"`, path: ['cross_arbitrageurs', i, 'rollups', k], input: rid });
        else if (k === 1 && rid === c.rollups[0]) ctx.addIssue({ code: 'custom', message: 'expected two different rollups', path: ['cross_arbitrageurs', i, 'rollups', k], input: rid });
      }),
    );
    s.sequencing.shared.rollups?.forEach((rid, k) => {
      if (!ids.includes(rid)) ctx.addIssue({ code: 'custom', message: `expected a rollup id (one of ${ids.map((x) => `"${x}"`).join(', ')})`, path: ['sequencing', 'shared', 'rollups', k], input: rid });
    });
    const variantNames = s.variants ? s.variants.map((v) => v.name) : s.modes;
    if (s.baseline !== undefined && !variantNames.includes(s.baseline))
      ctx.addIssue({ code: 'custom', message: `expected a ${s.variants ? 'variant name' : 'mode'} (one of ${variantNames.map((x) => `"${x}"`).join(', ')})`, path: ['baseline'], input: s.baseline });
    checkRegions(s, ctx);
    checkOptions(s, ctx);
    checkExotics(s, ctx);
    checkFaults(s, ctx);
    checkLending(s, ctx);
    // Cross-field: a warmup that eats the whole horizon would leave no measured time at all.
    if (s.warmup >= s.horizon)
      ctx.addIssue({
        code: 'custom',
        message: `expected a warmup shorter than the horizon (${formatDuration(s.horizon)})`,
        path: ['warmup'],
      });
  })
  .describe('A seqsim scenario: the world to simulate under each sequencing mode');

/** Venues sit on existing rollups and assets; makers and takers name existing venues; hedges name pools. */
function checkOptions(s: Scenario, ctx: z.RefinementCtx): void {
  const rollups = s.rollups.map((r) => r.id);
  const assets = s.assets.map((a) => a.id);
  const venues = s.options.venues.map((v) => v.id);
  const list = (xs: string[]) => xs.map((x) => `"${x}"`).join(', ');
  s.options.venues.forEach((v, i) => {
    if (!rollups.includes(v.rollup)) ctx.addIssue({ code: 'custom', message: `expected a rollup id (one of ${list(rollups)})`, path: ['options', 'venues', i, 'rollup'], input: v.rollup });
    if (!assets.includes(v.asset)) ctx.addIssue({ code: 'custom', message: `expected an asset id (one of ${list(assets)})`, path: ['options', 'venues', i, 'asset'], input: v.asset });
  });
  s.options.makers.forEach((m, i) => {
    m.venues.forEach((v, k) => {
      if (!venues.includes(v)) ctx.addIssue({ code: 'custom', message: venues.length ? `expected a venue id (one of ${list(venues)})` : 'expected a venue id, but options.venues is empty', path: ['options', 'makers', i, 'venues', k], input: v });
    });
    const first = s.options.venues.find((v) => v.id === m.venues[0]);
    const hedgeRollup = m.hedge?.rollup ?? first?.rollup;
    const rollup = s.rollups.find((r) => r.id === hedgeRollup);
    if (m.hedge && !rollup) ctx.addIssue({ code: 'custom', message: `expected a rollup id (one of ${list(rollups)})`, path: ['options', 'makers', i, 'hedge', 'rollup'], input: m.hedge.rollup });
    else if (m.hedge && !rollup!.pools.some((p) => p.id === m.hedge!.pool)) ctx.addIssue({ code: 'custom', message: `expected a pool id on rollup "${rollup!.id}"`, path: ['options', 'makers', i, 'hedge', 'pool'], input: m.hedge.pool });
    else if (!m.hedge && first && rollup && !rollup.pools.some((p) => p.asset === first.asset))
      ctx.addIssue({ code: 'custom', message: `expected a pool of "${first.asset}" on rollup "${rollup.id}" to hedge in, or an explicit hedge: { rollup, pool }`, path: ['options', 'makers', i], input: m.name });
  });
  s.options.takers.forEach((t, i) => {
    const at = (field: string) => ['options', 'takers', i, field];
    if (!venues.includes(t.venue)) ctx.addIssue({ code: 'custom', message: venues.length ? `expected a venue id (one of ${list(venues)})` : 'expected a venue id, but options.venues is empty', path: at('venue'), input: t.venue });
    const venue = s.options.venues.find((v) => v.id === t.venue);
    if (t.strategy !== 'single' && (t.kind === 'sniper' || t.kind === 'elastic')) ctx.addIssue({ code: 'custom', message: `expected "single" for a ${t.kind} taker (strategies are for uninformed and informed takers)`, path: at('strategy'), input: t.strategy });
    if (venue && t.strategy === 'risk_reversal' && !(venue.kinds.includes('call') && venue.kinds.includes('put'))) ctx.addIssue({ code: 'custom', message: `expected venue "${venue.id}" to list calls and puts for a risk reversal`, path: at('strategy'), input: t.strategy });
    if (venue && t.strategy === 'vertical' && (!venue.kinds.includes('call') || new Set(venue.strikes_pct).size < 2)) ctx.addIssue({ code: 'custom', message: `expected venue "${venue.id}" to list calls at two strikes or more for a vertical`, path: at('strategy'), input: t.strategy });
    if (t.strategy !== 'cross_rollup_spread') {
      if (t.other_venue !== undefined) ctx.addIssue({ code: 'custom', message: 'expected no other_venue: it is for strategy "cross_rollup_spread"', path: at('other_venue'), input: t.other_venue });
      return;
    }
    const other = s.options.venues.find((v) => v.id === t.other_venue);
    if (t.other_venue === undefined) ctx.addIssue({ code: 'custom', message: 'expected the venue of the short leg (strategy "cross_rollup_spread")', path: at('other_venue'), input: undefined });
    else if (!other) ctx.addIssue({ code: 'custom', message: `expected a venue id (one of ${list(venues)})`, path: at('other_venue'), input: t.other_venue });
    else if (venue && (other.rollup === venue.rollup || other.asset !== venue.asset || !other.kinds.includes('call') || !venue.kinds.includes('call')))
      ctx.addIssue({ code: 'custom', message: `expected a venue listing calls on "${venue.asset}" on another rollup than "${venue.rollup}"`, path: at('other_venue'), input: t.other_venue });
  });
}

/** An exotic's legs read pools that exist, on two different rollups, of two different assets. */
function checkExotics(s: Scenario, ctx: z.RefinementCtx): void {
  s.options.exotics.forEach((e, i) => {
    const assets = e.legs.map((leg, k) => {
      const path = ['options', 'exotics', i, 'legs', k];
      const rollup = s.rollups.find((r) => r.id === leg.rollup);
      if (!rollup) return ctx.addIssue({ code: 'custom', message: `expected a rollup id (one of ${s.rollups.map((r) => `"${r.id}"`).join(', ')})`, path: [...path, 'rollup'], input: leg.rollup });
      const pool = rollup.pools.find((p) => p.id === leg.pool);
      if (!pool) return ctx.addIssue({ code: 'custom', message: `expected a pool id on rollup "${rollup.id}"`, path: [...path, 'pool'], input: leg.pool });
      return pool.asset;
    });
    if (e.legs[0].rollup === e.legs[1].rollup) ctx.addIssue({ code: 'custom', message: 'expected the two legs on two different rollups (a payoff on one rollup needs no cross-rollup settlement)', path: ['options', 'exotics', i, 'legs', 1, 'rollup'], input: e.legs[1].rollup });
    else if (assets[0] !== undefined && assets[0] === assets[1]) ctx.addIssue({ code: 'custom', message: `expected pools of two different assets (both legs read "${assets[0]}")`, path: ['options', 'exotics', i, 'legs', 1, 'pool'], input: e.legs[1].pool });
  });
}

/** Every region a party names exists in network.regions (and naming one needs a geography). */
function checkRegions(s: Scenario, ctx: z.RefinementCtx): void {
  const regions = s.network.regions;
  const known = regions === undefined ? [] : typeof regions === 'string' ? [...REGION_PRESETS[regions].regions] : regionNames(regions);
  const check = (value: string | undefined, path: (string | number)[]) => {
    if (value === undefined) return;
    if (regions === undefined) ctx.addIssue({ code: 'custom', message: 'expected no region: set network.regions first (a preset like "aws" or a delay matrix)', path, input: value });
    else if (!known.includes(value)) ctx.addIssue({ code: 'custom', message: `expected a region of network.regions (one of ${known.map((k) => `"${k}"`).join(', ')})`, path, input: value });
  };
  if (known.length > LIMITS.regions) ctx.addIssue({ code: 'custom', message: `expected at most ${LIMITS.regions} regions, found ${known.length}`, path: ['network', 'regions'], input: regions });
  if (regions !== undefined) check(s.network.default_region, ['network', 'default_region']);
  if (regions !== undefined && typeof regions !== 'string') {
    for (const a of known)
      for (const b of known)
        if (a !== b && regions[a]?.[b] === undefined && regions[b]?.[a] === undefined)
          ctx.addIssue({ code: 'custom', message: `expected a delay between "${a}" and "${b}" (either way round)`, path: ['network', 'regions', a], input: regions[a] });
  }
  s.rollups.forEach((r, i) => {
    check(r.region, ['rollups', i, 'region']);
    r.users.forEach((u, j) => check(u.region, ['rollups', i, 'users', j, 'region']));
    r.traders.forEach((u, j) => check(u.region, ['rollups', i, 'traders', j, 'region']));
    r.arbitrageurs.forEach((u, j) => check(u.region, ['rollups', i, 'arbitrageurs', j, 'region']));
    r.searchers.forEach((u, j) => check(u.region, ['rollups', i, 'searchers', j, 'region']));
  });
  s.intents.forEach((u, j) => check(u.region, ['intents', j, 'region']));
  s.options.makers.forEach((u, j) => check(u.region, ['options', 'makers', j, 'region']));
  s.options.takers.forEach((u, j) => check(u.region, ['options', 'takers', j, 'region']));
  s.cross_arbitrageurs.forEach((u, j) => check(u.region, ['cross_arbitrageurs', j, 'region']));
  s.sequencing.shared.node_regions?.forEach((r, j) => check(r, ['sequencing', 'shared', 'node_regions', j]));
}

/** Regions named anywhere in a delay matrix, in order of first mention. */
export function regionNames(matrix: Record<string, Record<string, number>>): string[] {
  const names: string[] = [];
  for (const [a, row] of Object.entries(matrix)) for (const b of [a, ...Object.keys(row)]) if (!names.includes(b)) names.push(b);
  return names;
}

/** Pools name existing assets; traders and arbitrageurs name pools on their own rollup. */
function checkMarketReferences(
  s: { assets: { id: string; price?: number; file?: string }[]; rollups: { pools: { asset: string; id: string }[]; traders: { pool: string }[]; arbitrageurs: { pools?: string[] }[] }[] },
  ctx: z.RefinementCtx,
): void {
  s.assets.forEach((a, i) => {
    if (a.price === undefined && a.file === undefined)
      ctx.addIssue({ code: 'custom', message: 'expected a starting price (or a price file to replay)', path: ['assets', i, 'price'], input: undefined });
  });
  const assets = s.assets.map((a) => a.id);
  s.rollups.forEach((r, i) => {
    const pools = r.pools.map((p) => p.id);
    const missing = (what: string, known: string[], path: (string | number)[], value: string) =>
      ctx.addIssue({
        code: 'custom',
        message: known.length ? `expected ${what} (one of ${known.map((k) => `"${k}"`).join(', ')})` : `expected ${what}, but none is defined`,
        path,
        input: value,
      });
    r.pools.forEach((p, j) => {
      if (!assets.includes(p.asset)) missing('an asset id from assets[]', assets, ['rollups', i, 'pools', j, 'asset'], p.asset);
    });
    r.traders.forEach((t, j) => {
      if (!pools.includes(t.pool)) missing(`a pool id on rollup "${(s.rollups[i] as { id?: string }).id}"`, pools, ['rollups', i, 'traders', j, 'pool'], t.pool);
    });
    r.arbitrageurs.forEach((a, j) =>
      a.pools?.forEach((p, k) => {
        if (!pools.includes(p)) missing(`a pool id on rollup "${(s.rollups[i] as { id?: string }).id}"`, pools, ['rollups', i, 'arbitrageurs', j, 'pools', k], p);
      }),
    );
  });
}

/** What a scenario file may contain (durations as strings, defaults optional). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** The validated scenario: defaults filled, durations in integer µs. */
export type Scenario = z.output<typeof ScenarioSchema>;
export type NetworkConfig = Scenario['network'];
export type RollupConfig = Scenario['rollups'][number];
export type UserConfig = RollupConfig['users'][number];
export type OutputConfig = Scenario['output'];
export type AssetConfig = Scenario['assets'][number];
export type PoolConfig = RollupConfig['pools'][number];
export type TraderConfig = RollupConfig['traders'][number];
export type IntentConfig = Scenario['intents'][number];
export type ArbitrageurConfig = RollupConfig['arbitrageurs'][number];

export const SCENARIO_SCHEMA_ID = 'https://seqsim.dev/schema/scenario.json';

let cachedJsonSchema: Record<string, unknown> | undefined;

/** JSON Schema of scenario files (the input side: durations are strings), for editors and docs. */
export function scenarioJsonSchema(): Record<string, unknown> {
  cachedJsonSchema ??= buildJsonSchema();
  return structuredClone(cachedJsonSchema);
}

/** The same, shared and not to be modified (for walking). */
export function scenarioJsonSchemaShared(): Record<string, unknown> {
  cachedJsonSchema ??= buildJsonSchema();
  return cachedJsonSchema;
}

function buildJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  // `extends` is resolved by the loader before validation, so it is not in the zod schema;
  // editors still need to accept it in files.
  const properties = schema.properties as Record<string, unknown>;
  // A variant's sequencing section has the keys of `sequencing` (validated after merging over it).
  const variantItem = ((properties.variants as Record<string, unknown>).items as Record<string, unknown>);
  const variantProps = variantItem.properties as Record<string, unknown>;
  const described = (variantProps.sequencing as { description?: string }).description;
  variantProps.sequencing = { ...structuredClone(properties.sequencing as Record<string, unknown>), description: described };
  properties.extends = {
    description: 'Scenario file(s) to start from, relative to this file; applied in order, this file overrides them',
    anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: LIMITS.listItems }],
  };
  return { $schema: schema.$schema, $id: SCENARIO_SCHEMA_ID, title: 'seqsim scenario', ...schema };
}
