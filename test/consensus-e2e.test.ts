// Consensus timing through the whole simulator: the slot timing of the shared set is not a
// parameter but the outcome of the protocol run over the node network. Each test derives the
// expected timing from the protocol (HotStuff-2 views, Tendermint heights) and checks it against
// the `txs` and `metrics` tables of a full run: commit intervals, include − preconf, halts under
// missing quorum, and the escape hatches (fallback, forced inclusion).
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { runScenario } from '../sim/index.ts';
import { SKETCH_ACCURACY } from '../sim/metrics/distribution.ts';
import { inlineScenario } from './util/scenario.ts';
import { mean, variance } from './util/stats.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';
import { plain, type TxRow } from './util/rows.ts';

interface MetricRow {
  mode: string;
  metric: string;
  rollup: string | null;
  value: number;
}


async function run(input: ScenarioInput): Promise<{ txs: TxRow[]; metrics: MetricRow[] }> {
  const { tables } = await runScenario(inlineScenario(input));
  return {
    txs: tables.txs.toArray().map((r) => plain(r) as unknown as TxRow),
    metrics: tables.metrics.toArray().map((r) => plain(r) as unknown as MetricRow),
  };
}

/** A quantile metric is read from a DDSketch: within its stated relative accuracy of the exact value. */
const expectWithinSketch = (value: number, exact: number) => expect(Math.abs(value / exact - 1)).toBeLessThanOrEqual(SKETCH_ACCURACY);

const metric = (ms: MetricRow[], name: string): number => {
  const m = ms.filter((x) => x.metric === name && x.rollup === null);
  expect(m.length, name).toBe(1);
  return m[0].value;
};

const MS = 1000;
const S = 1_000_000;

type Shared = NonNullable<NonNullable<ScenarioInput['sequencing']>['shared']>;

/** Shared mode only, users with no network jitter, capacity never binding. */
function world(shared: Shared, opts: { horizon?: string; rate?: number; force?: string } = {}): ScenarioInput {
  return {
    name: 'consensus-e2e',
    horizon: opts.horizon ?? '2m',
    warmup: '0s',
    modes: ['shared'],
    network: { base_latency: '20ms', jitter: '0s' },
    rollups: [
      { id: 'a', block_time: '250ms', capacity: 100000, users: [{ name: 'u', rate: opts.rate ?? 20 }] },
      { id: 'b', block_time: '2s', capacity: 100000, users: [{ name: 'u', rate: opts.rate ?? 20 }] },
    ],
    sequencing: { shared, ...(opts.force ? { force_inclusion_delay: opts.force } : {}) },
  };
}

const bySet = (t: TxRow) => t.sequencer !== null && t.sequencer.startsWith('node-');
/** Distinct include times of blocks made by the shared set, ascending: its commit times. */
const commitTimes = (txs: TxRow[]) => [...new Set(txs.filter(bySet).map((t) => t.include_us!))].sort((a, b) => a - b);

describe('HotStuff-2 with uniform node delay δ (no jitter)', () => {
  const delta = 50 * MS;
  const hot = (extra: Partial<Shared>): Shared => ({ protocol: 'hotstuff2', nodes: 10, node_latency: '50ms', node_jitter: '0s', min_slot_time: '0s', preconfirm: 'leader', ...extra });

  it('views last 2δ and a transaction commits 4δ after its pre-confirmation (two-chain rule)', async () => {
    const { txs, metrics } = await run(world(hot({})));
    const inc = txs.filter(bySet);
    expect(inc.length).toBeGreaterThan(3000);
    for (const t of inc) expect(t.include_us! - t.preconf_us!).toBe(4 * delta);
    expect(metric(metrics, 'consensus.commit_interval_ms.mean')).toBeCloseTo((2 * delta) / MS, 9);
    expectWithinSketch(metric(metrics, 'consensus.commit_interval_ms.p99'), (2 * delta) / MS);
    const ct = commitTimes(txs);
    // Every commit falls on the 2δ grid offset by the first commit at 4δ (view 0 starts at 0).
    for (const c of ct) expect((c - 4 * delta) % (2 * delta)).toBe(0);
    expect(metric(metrics, 'consensus.slots_missed')).toBe(0);
  });

  it('commit_chain 3 (chained HotStuff): include − preconf = 6δ', async () => {
    const { txs, metrics } = await run(world(hot({ commit_chain: 3 })));
    const inc = txs.filter(bySet);
    expect(inc.length).toBeGreaterThan(3000);
    for (const t of inc) expect(t.include_us! - t.preconf_us!).toBe(6 * delta);
    expect(metric(metrics, 'consensus.commit_interval_ms.mean')).toBeCloseTo((2 * delta) / MS, 9);
  });

  it('min_slot_time M > 2δ: views last M and include − preconf = M + 2δ', async () => {
    const M = 300 * MS;
    const { txs, metrics } = await run(world(hot({ min_slot_time: '300ms' })));
    const inc = txs.filter(bySet);
    expect(inc.length).toBeGreaterThan(3000);
    for (const t of inc) expect(t.include_us! - t.preconf_us!).toBe(M + 2 * delta);
    expect(metric(metrics, 'consensus.commit_interval_ms.mean')).toBeCloseTo(M / MS, 9);
    expectWithinSketch(metric(metrics, 'consensus.commit_interval_ms.p50'), M / MS);
  });
});

describe('Tendermint with uniform node delay δ (no jitter)', () => {
  it('commit 3δ after each height starts; next height after timeout_commit: slot = 3δ + timeout_commit', async () => {
    const delta = 50 * MS;
    const commitTimeout = 500 * MS;
    const { txs, metrics } = await run(
      world({ protocol: 'tendermint', nodes: 7, node_latency: '50ms', node_jitter: '0s', preconfirm: 'leader', timeouts: { commit: '500ms' } }),
    );
    const inc = txs.filter(bySet);
    expect(inc.length).toBeGreaterThan(3000);
    for (const t of inc) expect(t.include_us! - t.preconf_us!).toBe(3 * delta);
    const slot = 3 * delta + commitTimeout;
    expect(metric(metrics, 'consensus.commit_interval_ms.mean')).toBeCloseTo(slot / MS, 9);
    expectWithinSketch(metric(metrics, 'consensus.commit_interval_ms.p99'), slot / MS);
    // Height h starts at timeout_commit + h·slot (the first one interval in, as a rollup's first block) and commits 3δ later.
    for (const c of commitTimes(txs)) expect((c - commitTimeout - 3 * delta) % slot).toBe(0);
  });
});

describe('heterogeneous delays: the slot is a stake-weighted order statistic', () => {
  // HotStuff-2, 10 equal stakes, min_slot_time 0: a view lasts until the next leader L' holds a
  // quorum (7 of 10: 3·7 > 2·10) of votes; replica i's vote arrives at d(L,i) + d(i,L'), with
  // d = base + Exp(mean jitter) drawn per message, d(L,L) = d(L',L') = 0 (so L and L' both
  // arrive at d(L,L'), one shared draw). The run's mean commit interval is the mean view length.
  const n = 10;
  const baseUs = 50 * MS;
  const jitterUs = 20 * MS;
  const quorumK = 7;

  function monteCarloView(samples: number): { mean: number; sd: number } {
    const rng = seedrandom.alea('consensus-e2e: independent Monte Carlo of the HotStuff view');
    const exp = () => -Math.log(1 - rng()) * jitterUs;
    const d = () => baseUs + exp();
    const xs = new Float64Array(samples);
    const arr = new Float64Array(n);
    for (let s = 0; s < samples; s++) {
      const ll = d();
      arr[0] = ll; // the leader's own vote travels L → L'
      arr[1] = ll; // the next leader votes on receipt of the proposal
      for (let i = 2; i < n; i++) arr[i] = d() + d();
      arr.sort();
      xs[s] = arr[quorumK - 1];
    }
    return { mean: mean(xs), sd: Math.sqrt(variance(xs)) };
  }

  it('mean view length is above 2δ and matches an independent Monte Carlo within 4 SE', async () => {
    const { metrics } = await run(
      world({ protocol: 'hotstuff2', nodes: n, node_latency: '50ms', node_jitter: '20ms', min_slot_time: '0s' }, { horizon: '5m', rate: 2 }),
    );
    const simMeanMs = metric(metrics, 'consensus.commit_interval_ms.mean');
    const intervals = metric(metrics, 'consensus.slots_committed') - 1;
    expect(metric(metrics, 'consensus.slots_missed')).toBe(0);
    expect(intervals).toBeGreaterThan(1000);
    const mc = monteCarloView(200_000);
    // Views draw fresh delays each time, so view lengths are i.i.d.: the sim mean's SE is sd/√k.
    const se = Math.sqrt(mc.sd ** 2 / intervals + mc.sd ** 2 / 200_000) / MS;
    const mcMs = mc.mean / MS;
    console.log(`HotStuff view: sim ${simMeanMs.toFixed(3)} ms over ${intervals} views, MC ${mcMs.toFixed(3)} ms, SE ${se.toFixed(3)} ms, 2δ = ${(2 * baseUs) / MS} ms`);
    expect(simMeanMs).toBeGreaterThan((2 * baseUs) / MS);
    expect(Math.abs(simMeanMs - mcMs)).toBeLessThan(4 * se);
  });

  it('Tendermint: mean commit interval − timeout_commit matches a Monte Carlo of the two quorum stages within 4 SE', async () => {
    // The proposer's commit: prevote quorum PV_j = k-th of (prop_i + d(i,j)), commit at the
    // proposer = k-th of (PV_j + d(j,P)), prop_i = d(P,i), all-to-all fresh draws per height.
    const m = 7;
    const k = 5; // 3·5 > 2·7
    const commitTimeoutUs = 500 * MS;
    const rng = seedrandom.alea('consensus-e2e: independent Monte Carlo of a Tendermint height');
    const d = () => baseUs - Math.log(1 - rng()) * jitterUs;
    const samples = 40_000;
    const xs = new Float64Array(samples);
    const prop = new Float64Array(m);
    const pv = new Float64Array(m);
    const buf = new Float64Array(m);
    for (let s = 0; s < samples; s++) {
      const D = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? 0 : d())));
      const P = s % m;
      for (let i = 0; i < m; i++) prop[i] = D[P][i];
      for (let j = 0; j < m; j++) {
        for (let i = 0; i < m; i++) buf[i] = prop[i] + D[i][j];
        buf.sort();
        pv[j] = buf[k - 1];
      }
      for (let j = 0; j < m; j++) buf[j] = pv[j] + D[j][P];
      buf.sort();
      xs[s] = buf[k - 1];
    }
    const mc = { mean: mean(xs), sd: Math.sqrt(variance(xs)) };
    const { metrics } = await run(
      world({ protocol: 'tendermint', nodes: m, node_latency: '50ms', node_jitter: '20ms', timeouts: { commit: '500ms' } }, { horizon: '10m', rate: 2 }),
    );
    const intervals = metric(metrics, 'consensus.slots_committed') - 1;
    expect(intervals).toBeGreaterThan(700);
    const simMs = metric(metrics, 'consensus.commit_interval_ms.mean') - commitTimeoutUs / MS;
    // A commit interval is (commit wait) + (decision time of the next height): i.i.d. across heights.
    const se = Math.sqrt(mc.sd ** 2 / intervals + mc.sd ** 2 / samples) / MS;
    console.log(`Tendermint decision: sim ${simMs.toFixed(3)} ms over ${intervals} heights, MC ${(mc.mean / MS).toFixed(3)} ms, SE ${se.toFixed(3)} ms, 3δ = ${(3 * baseUs) / MS} ms`);
    expect(simMs).toBeGreaterThan((3 * baseUs) / MS);
    expect(Math.abs(simMs - mc.mean / MS)).toBeLessThan(4 * se);
  });
});

describe('quorum: strictly more than 2/3 of the stake must be online', () => {
  const whole = (nodes: number[]) => nodes.map((node) => ({ node, at: '0s', for: '1h' }));

  const cases: { name: string; shared: Shared; commits: boolean }[] = [
    { name: 'HotStuff, 3 of 9 equal stakes offline (exactly 1/3)', shared: { protocol: 'hotstuff2', nodes: 9, offline: whole([0, 1, 2]), view_timeout: '1s' }, commits: false },
    { name: 'HotStuff, 3 of 10 equal stakes offline (just under 1/3)', shared: { protocol: 'hotstuff2', nodes: 10, offline: whole([0, 1, 2]), view_timeout: '1s' }, commits: true },
    { name: 'HotStuff, stake 2 of 6 offline (exactly 1/3, by stake)', shared: { protocol: 'hotstuff2', nodes: 5, stakes: [2, 1, 1, 1, 1], offline: whole([0]), view_timeout: '1s' }, commits: false },
    { name: 'HotStuff, stake 2 of 7 offline (just under 1/3, by stake)', shared: { protocol: 'hotstuff2', nodes: 6, stakes: [2, 1, 1, 1, 1, 1], offline: whole([0]), view_timeout: '1s' }, commits: true },
    { name: 'Tendermint, 3 of 9 offline (exactly 1/3)', shared: { protocol: 'tendermint', nodes: 9, offline: whole([6, 7, 8]) }, commits: false },
    { name: 'Tendermint, 3 of 10 offline (just under 1/3)', shared: { protocol: 'tendermint', nodes: 10, offline: whole([6, 7, 8]) }, commits: true },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.commits ? 'slots commit' : 'no slot commits, every transaction stays pending'}`, async () => {
      const { txs, metrics } = await run(world(c.shared, { rate: 5 }));
      expect(txs.length).toBeGreaterThan(1000);
      const committed = metric(metrics, 'consensus.slots_committed');
      if (c.commits) {
        expect(committed).toBeGreaterThan(10);
        expect(txs.filter(bySet).length).toBeGreaterThan(0.8 * txs.length);
      } else {
        expect(committed).toBe(0);
        expect(metric(metrics, 'consensus.slots_missed')).toBeGreaterThan(0);
        for (const t of txs) {
          expect(t.status).toBe('pending');
          expect(t.include_us).toBeNull();
          expect(t.sequencer).toBeNull();
        }
      }
    });
  }
});

/** 4 of 10 nodes (40% of stake) offline from 60 s for 2 min: no quorum in between. */
const HALTING_SET: Shared = {
    protocol: 'hotstuff2',
    nodes: 10,
    node_latency: '20ms',
    node_jitter: '5ms',
    min_slot_time: '500ms',
    view_timeout: '2s',
    offline: [0, 1, 2, 3].map((node) => ({ node, at: '60s', for: '2m' })),
  };

describe('a halt in the middle of the run (4 of 10 nodes offline from 60 s for 2 min)', () => {
  const haltStart = 60 * S;
  const haltEnd = 180 * S;
  const viewTimeout = 2 * S;
  const base = HALTING_SET;

  it('inclusion stops during the window and resumes after it', async () => {
    const { txs } = await run(world(base, { horizon: '5m', rate: 5 }));
    const inc = txs.filter(bySet).map((t) => t.include_us!);
    // Views that started before the window may still commit just after it opens (one view).
    expect(inc.filter((t) => t >= haltStart + 1 * S && t < haltEnd).length).toBe(0);
    expect(inc.filter((t) => t < haltStart).length).toBeGreaterThan(100);
    // Stake returns at 180 s: the next view timeout (every 2 s while halted) restarts the set.
    const resumed = Math.min(...inc.filter((t) => t >= haltEnd));
    expect(resumed).toBeLessThan(haltEnd + 3 * viewTimeout);
    // Everything submitted during the halt is included after it (nothing else can include it).
    const during = txs.filter((t) => t.submit_us >= haltStart + 1 * S && t.submit_us < haltEnd);
    expect(during.length).toBeGreaterThan(500);
    for (const t of during) {
      expect(t.status).not.toBe('pending');
      expect(t.include_us!).toBeGreaterThanOrEqual(haltEnd);
    }
    console.log(`halt: last commit before ${Math.max(...inc.filter((t) => t < haltEnd)) / S} s, resumed at ${resumed / S} s`);
  });

  it('with fallback_after 30s the rollups fall back to their own sequencers, until the set commits again', async () => {
    const { txs, metrics } = await run(world({ ...base, fallback_after: '30s' }, { horizon: '5m', rate: 5 }));
    const fb = txs.filter((t) => t.sequencer === 'fallback');
    const set = txs.filter(bySet).map((t) => t.include_us!);
    const lastBefore = Math.max(...set.filter((t) => t < haltEnd));
    const resumed = Math.min(...set.filter((t) => t >= haltEnd));
    expect(fb.length).toBeGreaterThan(500);
    const fbStart = Math.min(...fb.map((t) => t.include_us!));
    const fbEnd = Math.max(...fb.map((t) => t.include_us!));
    // Fallback starts at the first failed view ≥ 30 s after the last commit, and ends at the resumed commit.
    expect(fbStart).toBeGreaterThanOrEqual(lastBefore + 30 * S);
    expect(fbStart).toBeLessThanOrEqual(lastBefore + 30 * S + viewTimeout + 1);
    expect(fbEnd).toBeLessThanOrEqual(resumed);
    // The fallback sequencers keep their rollups' block times: rollup a's fallback blocks sit on a 250 ms grid from the start.
    const fbA = fb.filter((t) => t.rollup === 'a').map((t) => t.include_us!);
    for (const t of fbA) expect((t - fbStart) % (250 * MS)).toBe(0);
    // Transactions submitted while in fallback are included by the fallback, within a block time (+ network).
    const inFallback = txs.filter((t) => t.rollup === 'a' && t.submit_us >= fbStart && t.submit_us < resumed - 1 * S);
    expect(inFallback.length).toBeGreaterThan(100);
    for (const t of inFallback) {
      expect(t.sequencer).toBe('fallback');
      expect(t.include_us! - t.submit_us).toBeLessThanOrEqual(20 * MS + 250 * MS);
    }
    // No fallback blocks once the set is back.
    expect(txs.filter((t) => t.sequencer === 'fallback' && t.include_us! > resumed).length).toBe(0);
    expect(txs.filter(bySet).some((t) => t.include_us! > resumed + 10 * S)).toBe(true);
    const fallbackS = metric(metrics, 'consensus.fallback_s');
    expect(fallbackS * S).toBeGreaterThanOrEqual(resumed - fbStart);
    expect(fallbackS * S).toBeLessThanOrEqual(resumed - fbStart + 1);
    console.log(`fallback from ${fbStart / S} s to ${resumed / S} s (${fb.length} txs), consensus.fallback_s = ${fallbackS}`);
  });
});

describe('forced inclusion through L1', () => {
  it('a halt with forced inclusion shorter than the halt: the run completes and every transaction is included once', async () => {
    // The view that started just before the halt is certified but cannot commit (its successor
    // has no quorum), so its transactions wait in the proposal while the L1 inbox forces them in.
    // When the set resumes and commits that view, those transactions must not execute again.
    const shared = HALTING_SET;
    const { tables } = await runScenario(inlineScenario(world(shared, { horizon: '5m', rate: 5, force: '30s' })));
    const runs = tables.runs.toArray().map((r) => plain(r));
    expect(runs.map((r) => [r.status, r.error ?? null])).toEqual([['ok', null]]);
    const txs = tables.txs.toArray().map((r) => plain(r) as unknown as TxRow);
    expect(new Set(txs.map((t) => t.tx_id)).size).toBe(txs.length);
    expect(txs.filter((t) => t.sequencer === 'l1').length).toBeGreaterThan(100);
  });


  it('the whole set offline, force_inclusion_delay 1m: transactions are included by l1 exactly 1 minute after submission', async () => {
    const all = Array.from({ length: 4 }, (_, node) => ({ node, at: '0s', for: '1h' }));
    const { txs, metrics } = await run(world({ protocol: 'hotstuff2', nodes: 4, offline: all }, { horizon: '3m', rate: 5, force: '1m' }));
    expect(metric(metrics, 'consensus.slots_committed')).toBe(0);
    const due = txs.filter((t) => t.submit_us + 60 * S <= 180 * S);
    expect(due.length).toBeGreaterThan(1000);
    for (const t of due) {
      expect(t.sequencer).toBe('l1');
      expect(t.include_us! - t.submit_us).toBe(60 * S);
      expect(t.status).toBe('included');
    }
    for (const t of txs.filter((t) => t.submit_us + 60 * S > 180 * S)) expect(t.status).toBe('pending');
  });
});
