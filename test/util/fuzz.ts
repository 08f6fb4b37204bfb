// The whole-system fuzzer's inputs (VOPR style): valid scenarios pushed to the edges of their
// ranges — one node or a thousand, zero latencies and fees, huge fees, dust and vast pools, empty
// lists — and invalid ones made by breaking one field of a valid scenario. Each case is a plain
// scenario object, so a failure prints as a file you can save and run.
import fc from 'fast-check';
import { validateScenario } from '../../sim/scenario/load.ts';
import { estimateRun } from '../../sim/scenario/budget.ts';
import { LIMITS } from '../../sim/scenario/limits.ts';
import type { PathSegment } from '../../sim/scenario/errors.ts';

type Obj = Record<string, unknown>;

/** Events one fuzz run may take: enough to exercise every mechanism, few enough for hundreds of cases. */
export const FUZZ_EVENTS = 30_000;

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

const pool = (id: string) =>
  fc.record({
    id: fc.constant(id),
    asset: fc.constant('eth'),
    liquidity_usd: pick(1, 1e3, 1e6, LIMITS.usd),
    price_offset_bps: pick(-9_999, -100, 0, 500, 100_000),
    fee_bps: pick(0, 30, 4999),
    fee_mode: pick('external', 'in_pool'),
  });

const rollup = (i: number) =>
  fc
    .record({
      block_time: pick('1ms', '250ms', '2s', '12s', '1h'),
      block_time_dist: pick('fixed', 'exponential'),
      capacity: pick(1, 2, 1000, LIMITS.capacity),
      users: fc.array(fc.record({ rate: pick(1e-6, 0.5, 5, 50) }), { maxLength: 2 }),
      hasPool: fc.boolean(),
      pool: pool('p'),
      traders: fc.array(
        fc.record({
          rate: pick(0.01, 1, 20),
          size_usd: pick(1e-6, 1e3, 1e9),
          size_sigma: pick(0, 1, 5),
          slippage_bps: pick(0, 50, 10_000),
          exact_out_fraction: pick(0, 0.5, 1),
          buy_fraction: pick(0, 0.5, 1),
        }),
        { maxLength: 1 },
      ),
      arbitrageurs: fc.array(fc.record({ latency: maybe(pick('0s', '10ms', '1h')), gas_usd: pick(0, 1, LIMITS.feeUsd), min_profit_usd: pick(0, 5) }), { maxLength: 1 }),
      searchers: fc.array(fc.record({ strategy: pick('sandwich', 'backrun'), latency: maybe(pick('0s', '5ms')), gas_usd: pick(0, 0.05, LIMITS.feeUsd), bid_fraction: pick(0, 0.1, 1), capital_usd: maybe(pick(1e-3, 1e6)) }), {
        maxLength: 1,
      }),
      leg_failure_prob: pick(0, 0.5, 1),
    })
    .map((r) => {
      const pools = r.hasPool ? [r.pool] : [];
      return {
        id: `r${i}`,
        block_time: r.block_time,
        block_time_dist: r.block_time_dist,
        capacity: r.capacity,
        users: r.users.map((u, k) => ({ name: `u${k}`, ...u })),
        pools,
        traders: pools.length ? r.traders.map((t, k) => ({ name: `t${k}`, pool: 'p', ...t })) : [],
        arbitrageurs: pools.length ? r.arbitrageurs.map((a, k) => ({ name: `a${k}`, ...a })) : [],
        searchers: r.searchers.map((s, k) => ({ name: `s${k}`, ...s })),
        leg_failure_prob: r.leg_failure_prob,
      };
    });

const shared = fc
  .record({
    protocol: pick('hotstuff2', 'tendermint'),
    nodes: pick(1, 4, 100, 1000),
    policy: pick('fcfs', 'priority', 'encrypted', 'fair', 'pbs'),
    node_latency: pick('0s', '50ms', '1s'),
    node_jitter: pick('0s', '10ms'),
    min_slot_time: pick('0s', '1s', '12s'),
    preconfirm: pick('leader', 'commit'),
    l1_post_delay: pick('0s', '20m'),
    fallback_after: maybe(pick('1s', '1m')),
    offline: fc.array(fc.record({ node: fc.nat(3), at: pick('0s', '5s'), for: pick('1ms', '10s', '1h') }), { maxLength: 2 }),
  })
  // Zero delays and a zero slot time would never advance the clock: that is invalid input (budget.ts).
  .map((s) => ({ ...s, offline: s.offline.filter((o) => o.node < s.nodes), min_slot_time: s.min_slot_time === '0s' && (s.nodes === 1 || (s.node_latency === '0s' && s.node_jitter === '0s')) ? '1s' : s.min_slot_time }));

/** A valid scenario near the edges of its ranges, scaled to about FUZZ_EVENTS events per run. */
export const extremeScenario: fc.Arbitrary<Obj> = fc
  .record({
    rollups: fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => rollup(i)))),
    asset: fc.record({ price: pick(LIMITS.priceMinUsd, 1e-6, 3000, LIMITS.priceUsd), vol: pick(0, 0.6, LIMITS.annual), tick: pick('1ms', '100ms', '1h'), drift_kind: pick('log', 'arithmetic') }),
    jumps: maybe(fc.record({ rate: pick(1, 1000, 31_536_000), mean: pick(-1, -0.05, 0, 0.05, 1), stdev: pick(0, 0.2, 1) })),
    intent: fc.boolean(),
    crossArb: fc.boolean(),
    options: fc.boolean(),
    lending: maybe(
      fc.record({
        source: pick('reference', 'pool'),
        cross: fc.boolean(),
        count: pick(0, 1, 50),
        hf_min: pick(0.5, 1),
        hf_max: pick(1.01, 1.5, 1000),
        bonus: pick(0, 0.05, 1),
        full_close_hf: pick(0, 0.95, 1000),
        sentinel: maybe(fc.record({ grace_period: pick('0s', '10s', '1h'), down_after: pick('1ms', '5m') })),
        liquidator: fc.record({ latency: maybe(pick('0s', '5ms', '1h')), fee_usd: pick(0, 1, LIMITS.feeUsd), min_profit_usd: pick(0, 10) }),
        engine: maybe(fc.record({ max_per_block: pick(1, 50, LIMITS.capacity), gas_usd: pick(0, LIMITS.feeUsd) })),
      }),
    ),
    faults: maybe(
      fc.record({
        outage: maybe(fc.record({ at: pick('0s', '1s', '10s'), duration: pick('1ms', '5s', '1h'), machines: maybe(pick(1, 1000)) })),
        random: maybe(fc.record({ rate_per_year: pick(0, 1e3, 1e5), median: pick('1ms', '10s', '1h'), sigma: pick(0, 1.1, 5) })),
        kinds: maybe(fc.record({ rate_per_year: pick(1e3, 1e5), median: pick('1ms', '10s', '1h'), sigma: pick(0, 5) })),
      }),
    ),
    centralizedPolicy: pick('fcfs', 'priority', 'pbs'),
    shared,
    horizon: pick('1s', '30s', '2m', '10m'),
    network: fc.record({ base_latency: pick('0s', '50ms', '2s'), jitter: pick('0s', '20ms'), regions: maybe(pick('aws')) }),
  })
  .map((c) => {
    const rollups = c.rollups;
    const withPool = rollups.filter((r) => r.pools.length > 0);
    const s: Obj = {
      name: 'fuzz',
      seed: 7,
      runs: 1,
      modes: ['centralized', 'shared'],
      horizon: c.horizon,
      network: c.network.regions ? { regions: c.network.regions, jitter: c.network.jitter } : c.network,
      assets: [{ id: 'eth', ...c.asset, ...(c.jumps ? { jumps: c.jumps } : {}) }],
      rollups,
      intents: c.intent && rollups.length >= 2 ? [{ name: 'cross', rate: 0.5, rollups: [rollups[0].id, rollups[1].id] }] : [],
      cross_arbitrageurs:
        c.crossArb && withPool.length >= 2 ? [{ name: 'xarb', asset: 'eth', rollups: [withPool[0].id, withPool[1].id], gas_usd: 0, min_profit_usd: 0 }] : [],
      sequencing: { centralized: { policy: c.centralizedPolicy }, shared: c.shared },
    };
    if (c.options && withPool.length > 0)
      s.options = {
        venues: [{ id: 'v', rollup: withPool[0].id, asset: 'eth', strikes_pct: [-5, 0, 5], expiries: ['1h'] }],
        makers: [{ name: 'mm', venues: ['v'], refresh: '10s' }],
        takers: [
          { name: 'retail', kind: 'uninformed', venue: 'v', rate: 0.5 },
          { name: 'sniper', kind: 'sniper', venue: 'v', threshold_bps: 0 },
        ],
      };
    const l = c.lending;
    if (l && withPool.length > 0) {
      // A cross-rollup market needs a second rollup for its collateral, and a push oracle.
      const vault = l.cross && rollups.length >= 2 ? rollups.find((r) => r.id !== withPool[0].id)! : undefined;
      const market: Obj = { id: 'm', rollup: withPool[0].id, asset: 'eth', bonus: l.bonus, full_close_hf: l.full_close_hf, oracle: { source: vault ? 'reference' : l.source }, borrowers: { count: l.count, hf_min: l.hf_min, hf_max: l.hf_max } };
      if (vault) market.collateral_rollup = vault.id;
      s.lending = { markets: [market], liquidators: [{ name: 'liq', ...l.liquidator }], ...(l.sentinel ? { sentinel: l.sentinel } : {}) };
      if (l.engine) s.sequencing = { centralized: { policy: c.centralizedPolicy, risk_engine: l.engine }, shared: { ...c.shared, risk_engine: l.engine } };
    }
    const f = c.faults;
    if (f) {
      const pushMarket = (s.lending as { markets?: { oracle: { source: string } }[] } | undefined)?.markets?.[0]?.oracle.source === 'reference';
      s.faults = {
        outages: f.outage ? [{ rollup: rollups[0].id, ...f.outage }] : [],
        ...(f.random ? { random: f.random } : {}),
        ...(f.kinds
          ? {
              random_equivocations: f.kinds,
              random_posting_stalls: f.kinds,
              random_censorship: { ...f.kinds, senders: ['liq', 'u0'] },
              random_bridge_halts: f.kinds,
              ...(pushMarket ? { random_oracle_outages: f.kinds } : {}),
            }
          : {}),
      };
    }
    return s;
  })
  .map(scaleToBudget);

/** Shortens the horizon so the run's estimated events fit FUZZ_EVENTS (at least 1 s; the estimate is an upper bound). */
function scaleToBudget(s: Obj): Obj {
  let events: number;
  try {
    events = estimateRun(validateScenario(s)).work;
  } catch {
    return s; // the test reports why it is invalid
  }
  if (events <= FUZZ_EVENTS) return s;
  const horizonUs = validateScenario(s).horizon;
  const scaled = Math.max(1_000_000, Math.floor((horizonUs * FUZZ_EVENTS) / events));
  return { ...s, horizon: `${Math.floor(scaled / 1000)}ms` };
}

/** One field of a valid scenario broken: a wrong type, a value out of range, an unknown key. */
export interface Breakage {
  path: PathSegment[];
  value: unknown;
  /** For an unknown key, the key (the path is its parent). */
  key?: string;
}

const BREAKS: { path: PathSegment[]; values: unknown[] }[] = [
  { path: ['horizon'], values: ['0s', '31d', 'forever', 12, null, -1] },
  { path: ['runs'], values: [0, 1.5, LIMITS.runs + 1, '3', true] },
  { path: ['seed'], values: [-1, 2 ** 32, 0.5] },
  { path: ['rollups'], values: [[], 'r0', {}] },
  { path: ['rollups', 0, 'block_time'], values: ['0s', '1 week', 250, '-2s'] },
  { path: ['rollups', 0, 'capacity'], values: [0, LIMITS.capacity + 1, 2.5, 'many'] },
  { path: ['rollups', 0, 'id'], values: ['Has Space', '', 7, 'UPPER'] },
  { path: ['rollups', 0, 'users'], values: [[{ name: 'u', rate: 0 }], [{ name: 'u', rate: LIMITS.ratePerS * 10 }], [{ name: 'u' }], 'all'] },
  { path: ['rollups', 0, 'leg_failure_prob'], values: [-0.1, 1.1, 'never'] },
  { path: ['assets', 0, 'price'], values: [0, -5, LIMITS.priceMinUsd / 10, LIMITS.priceUsd * 10, 'cheap'] },
  { path: ['assets', 0, 'vol'], values: [-1, LIMITS.annual * 10, Number.MAX_VALUE] },
  { path: ['assets', 0, 'tick'], values: ['0s', '1y'] },
  { path: ['network', 'base_latency'], values: ['fast', -1, '40d'] },
  { path: ['sequencing', 'shared', 'nodes'], values: [0, 1001, 3.5] },
  { path: ['sequencing', 'shared', 'policy'], values: ['random', 3] },
  { path: ['modes'], values: [[], ['decentralized'], ['shared', 'shared'], 'shared'] },
  { path: ['output', 'batch_rows'], values: [0, 1e7, 1.5] },
];

export const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  fc.constantFrom(...BREAKS).chain((b) => fc.constantFrom(...b.values).map((value) => ({ path: b.path, value }))),
  fc.constantFrom<PathSegment[]>([], ['rollups', 0], ['sequencing', 'shared'], ['assets', 0], ['network']).map((path) => ({ path, value: 1, key: 'typo_key' })),
);

/** `s` with the breakage applied (a deep copy; the original stays valid). */
export function applyBreakage(s: Obj, b: Breakage): Obj {
  const copy = structuredClone(s) as Obj;
  let node: Record<string | number, unknown> = copy;
  const target = b.key === undefined ? b.path.slice(0, -1) : b.path;
  for (const seg of target) {
    if (node[seg] === undefined || node[seg] === null || typeof node[seg] !== 'object') node[seg] = {};
    node = node[seg] as Record<string | number, unknown>;
  }
  if (b.key !== undefined) node[b.key] = b.value;
  else node[b.path[b.path.length - 1]] = b.value;
  return copy;
}
