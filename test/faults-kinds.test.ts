// Fault kinds other than outages, through the simulator in both modes: leader equivocation (its
// pre-confirmations broken and recorded, the offender caught after the detection delay), an L1
// posting stall (finality waits, blocks and pre-confirmations go on), targeted censorship for a
// while, and a bridge halt (bridged legs wait, atomic bundles do not). Every fault names a rollup,
// never a mode; what it does comes from the sequencer that orders that rollup.
import { describe, expect, it } from 'vitest';
import { buildWorld, type Mode } from '../sim/world/build.ts';
import { attachRecorders, NULL_SINKS } from '../sim/metrics/attach.ts';
import { runScenario } from '../sim/index.ts';
import { loadScenario } from '../sim/scenario/load.ts';
import { inlineScenario } from './util/scenario.ts';
import { plain } from './util/rows.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';
import type { Tx } from '../sim/model/tx.ts';

const S = 1_000_000;
const MIN = 60 * S;
const MODES: Mode[] = ['centralized', 'shared'];

/** Two rollups on a 10-node shared set (or their own FCFS sequencers), users on both; leader pre-confirmations. */
function world(faults: ScenarioInput['faults'], over: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    name: 'kinds',
    seed: 5,
    horizon: '12m',
    modes: MODES,
    network: { base_latency: '20ms', jitter: '5ms' },
    rollups: [
      { id: 'a', block_time: '1s', users: [{ name: 'u', rate: 3 }, { name: 'target', rate: 0.5 }] },
      { id: 'b', block_time: '2s', users: [{ name: 'u', rate: 2 }] },
    ],
    sequencing: {
      centralized: { policy: 'fcfs', l1_post_delay: '1m' },
      force_inclusion_delay: '2m',
      shared: { nodes: 10, node_latency: '20ms', node_jitter: '0s', min_slot_time: '1s', view_timeout: '5s', preconfirm: 'leader', policy: 'fcfs', l1_post_delay: '1m' },
    },
    faults,
    ...over,
  };
}

interface Promise {
  tx: Tx;
  /** Every value its pre-confirmation took, in order (undefined: withdrawn). */
  values: (number | undefined)[];
}

/** Runs one mode, watching every assignment to every transaction's pre-confirmation (observation only). */
function watched(input: ScenarioInput, mode: Mode) {
  const loaded = inlineScenario(input);
  const w = buildWorld(loaded, mode, loaded.scenario.seed);
  const rows: Record<string, unknown>[] = [];
  const contagion: Record<string, unknown>[] = [];
  const recorders = attachRecorders(w, { ...NULL_SINKS, txs: { append: (r) => rows.push(r) }, contagion: { append: (r) => contagion.push(r) } });
  const promises: Promise[] = [];
  w.events.txSubmitted.on((tx) => {
    const p: Promise = { tx, values: [] };
    promises.push(p);
    let value = tx.preconfUs;
    Object.defineProperty(tx, 'preconfUs', {
      get: () => value,
      set: (v: number | undefined) => {
        if (v !== value) p.values.push(v);
        value = v;
      },
    });
  });
  const broken: { atUs: number; tx: Tx }[] = [];
  w.events.preconfBroken.on((tx) => broken.push({ atUs: w.sim.now, tx }));
  const slashed: number[] = [];
  w.events.slashed.on((s) => slashed.push(s.atUs));
  w.advance(loaded.scenario.horizon);
  const report = recorders.finish();
  const byId = new Map(rows.map((r) => [r.tx_id as number, r]));
  return { promises, broken, slashed, byId, contagion, report, blocks: w };
}

/**
 * No transaction is both pre-confirmed and lost without being recorded as such: every promise a
 * sequencer gave is kept (the transaction executed with that promise standing, or is still waiting
 * with it at the horizon) or its row carries preconf_broken_us, the time of the first withdrawal.
 */
function everyPromiseKeptOrRecorded(run: ReturnType<typeof watched>): { given: number; broken: number } {
  let given = 0;
  let brokenCount = 0;
  for (const p of run.promises) {
    const first = p.values.findIndex((v) => v !== undefined);
    if (first < 0) continue;
    const row = run.byId.get(p.tx.id)!;
    expect(row, `tx ${p.tx.id} has a row`).toBeDefined();
    const promisedAt = p.values[first]!;
    // The inclusion itself counts as the first confirmation of an unpromised transaction: not a promise.
    if (row.include_us === promisedAt && first === p.values.length - 1) continue;
    given++;
    const withdrawn = p.values.indexOf(undefined, first);
    const kept = withdrawn < 0 && (row.status === 'pending' || row.preconf_us === promisedAt) && row.status !== 'dropped';
    if (kept) {
      expect(row.preconf_broken_us, `tx ${p.tx.id}`).toBeNull();
      continue;
    }
    brokenCount++;
    expect(row.preconf_broken_us, `tx ${p.tx.id} promised at ${promisedAt}, status ${row.status}`).not.toBeNull();
    expect(row.preconf_broken_us as number).toBeGreaterThanOrEqual(promisedAt);
  }
  return { given, broken: brokenCount };
}

describe('leader equivocation', () => {
  const input = world({ equivocations: [{ rollup: 'a', at: '3m', node: 2, detection_delay: '2m' }] });

  it('centralized: its posted blocks leave out what its feed promised during the equivocation, each recorded; none after it is caught', () => {
    const run = watched(input, 'centralized');
    const { given, broken } = everyPromiseKeptOrRecorded(run);
    expect(given).toBeGreaterThan(1000);
    // Every promise the feed gave on a while equivocating is broken by the next block, and only on a.
    const onA = run.broken.filter((b) => b.tx.rollup === 0);
    expect(onA.length).toBe(run.broken.length);
    expect(broken).toBe(run.broken.length);
    expect(onA.length).toBeGreaterThan(0.9 * 3.5 * 120);
    for (const b of onA) expect(b.atUs >= 3 * MIN && b.atUs <= 5 * MIN, `broken at ${b.atUs}`).toBe(true);
    // The transactions are not lost: ordered again (a block later), unpromised.
    for (const b of onA) {
      const row = run.byId.get(b.tx.id)!;
      expect(row.status).toBe('included');
      expect(row.include_us as number).toBeLessThanOrEqual(b.atUs + 2 * S);
    }
    const ep = run.contagion.find((c) => c.kind === 'equivocation')!;
    expect(ep.rollups).toBe('a');
    expect(ep.txs_preconf_broken).toBe(onA.length);
  });

  it('shared: node 2 fails the slots it leads and their promises are withdrawn on every member, until it is slashed out at detection', () => {
    const run = watched(input, 'shared');
    const { given, broken } = everyPromiseKeptOrRecorded(run);
    expect(given).toBeGreaterThan(1000);
    expect(broken).toBeGreaterThan(0);
    // Its first offence is its first turn to lead after 3m: slashed 2 minutes later, never again.
    expect(run.slashed.length).toBe(1);
    const first = Math.min(...run.broken.map((b) => b.atUs));
    expect(first).toBeGreaterThanOrEqual(3 * MIN);
    expect(run.slashed[0]).toBe(first + 2 * MIN);
    for (const b of run.broken) expect(b.atUs).toBeLessThan(run.slashed[0]);
    // Both rollups lose promises: the equivocating leader proposed for both.
    expect(new Set(run.broken.map((b) => b.tx.rollup)).size).toBe(2);
    const ep = run.contagion.find((c) => c.kind === 'equivocation')!;
    expect(ep.rollups).toBe('a,b');
  });

  it('quorum loss past a third of the stake: every broken promise is recorded', () => {
    for (const mode of MODES) {
      const run = watched(world({ outages: [{ rollup: 'a', at: '4m', duration: '2m', machines: 4 }] }), mode);
      const { given, broken } = everyPromiseKeptOrRecorded(run);
      expect(given, mode).toBeGreaterThan(1000);
      if (mode === 'shared') expect(broken).toBeGreaterThan(0);
    }
  });
});

describe('L1 posting stall', () => {
  it('finality waits for posting to resume while blocks and pre-confirmations go on, on the rollups of the stalled sequencer', () => {
    for (const mode of MODES) {
      const run = watched(world({ posting_stalls: [{ rollup: 'a', at: '3m', duration: '4m' }] }), mode);
      const rows = [...run.byId.values()].filter((r) => r.status === 'included' && r.sequencer !== 'l1');
      const onStalled = (r: Record<string, unknown>) => mode === 'shared' || r.rollup === 'a';
      let inWindow = 0;
      for (const r of rows) {
        const inc = r.include_us as number;
        const final = r.final_us as number;
        if (inc >= 3 * MIN && inc < 7 * MIN && onStalled(r)) {
          inWindow++;
          // Posted when posting resumes, final one L1 delay later.
          expect(final, `${mode} tx ${r.tx_id}`).toBe(7 * MIN + MIN);
        } else expect(final - inc, `${mode} tx ${r.tx_id}`).toBe(MIN);
      }
      // Blocks kept coming: about 4 minutes of a's (and, shared, b's) transactions.
      expect(inWindow, mode).toBeGreaterThan(0.8 * 240 * (mode === 'shared' ? 5.5 : 3.5));
      const ep = run.contagion.find((c) => c.kind === 'posting_stall')!;
      expect(ep.rollups_affected, mode).toBe(0); // no halt: blocks went on
    }
  });
});

describe('targeted censorship for a while', () => {
  it("the target's transactions wait until the window ends or forced inclusion gets them in; everyone else's go on", () => {
    for (const mode of MODES) {
      const run = watched(world({ censorship: [{ rollup: 'a', at: '3m', duration: '4m', senders: ['target'] }] }), mode);
      const rows = [...run.byId.values()];
      const target = rows.filter((r) => r.sender === 'target' && r.status === 'included');
      const during = target.filter((r) => (r.include_us as number) >= 3 * MIN + 2 * S && (r.include_us as number) < 7 * MIN);
      // Inside the window only forced inclusion (2 minutes after submission) includes the target.
      expect(during.length, mode).toBeGreaterThan(10);
      for (const r of during) {
        expect(r.sequencer, `${mode} tx ${r.tx_id}`).toBe('l1');
        expect((r.include_us as number) - (r.submit_us as number)).toBe(2 * MIN);
      }
      const others = rows.filter((r) => r.sender === 'u' && r.rollup === 'a' && (r.include_us as number) >= 3 * MIN && (r.include_us as number) < 7 * MIN);
      expect(others.length, mode).toBeGreaterThan(0.8 * 240 * 3);
      expect(others.every((r) => r.sequencer !== 'l1')).toBe(true);
      // The censorship metrics cover the fault's targets.
      const extra = run.report.metrics.find((m) => m.metric === 'censorship.extra_delay_ms.mean' && m.rollup === 'a');
      expect(extra!.value, mode).toBeGreaterThan(10_000);
    }
  });
});

describe('random faults of every kind, on one budget per failure domain', () => {
  it('each rollup sees the same rate of each kind in both modes; the bridge and the oracles draw the same windows in both', () => {
    const RATE = 500;
    const budget = { rate_per_year: RATE, median: '20m', sigma: 0.5 };
    const input = world(
      {
        random_equivocations: budget,
        random_posting_stalls: budget,
        random_censorship: { ...budget, senders: ['target'] },
        random_bridge_halts: budget,
        random_oracle_outages: budget,
      },
      {
        horizon: '30d',
        assets: [{ id: 'eth', price: 3000, vol: 0.5 }],
        lending: { markets: [{ id: 'a-eth', rollup: 'a', asset: 'eth', borrowers: { count: 1 } }, { id: 'b-eth', rollup: 'b', asset: 'eth', borrowers: { count: 1 } }] },
      },
    );
    const loaded = inlineScenario(input);
    const expected = (RATE * 30) / 365;
    const SEEDS = 20;
    const perRollup = new Map<string, number[]>();
    for (let seed = 1; seed <= SEEDS; seed++) {
      const byMode = new Map<Mode, { kind: string; atUs: number; forUs: number; rollups: readonly number[]; cause: string }[]>();
      for (const mode of MODES) {
        // Faults are drawn when the world is built: nothing needs to run.
        const episodes = buildWorld(loaded, mode, seed).faults.injector.episodes;
        expect(episodes.every((e) => e.cause === 'random')).toBe(true);
        byMode.set(mode, episodes.map((e) => ({ kind: e.kind, atUs: e.atUs, forUs: e.forUs, rollups: e.rollups, cause: e.cause })));
        for (const kind of ['equivocation', 'posting_stall', 'censorship'])
          for (const r of [0, 1]) {
            const key = `${mode}/${kind}/${r}`;
            perRollup.set(key, [...(perRollup.get(key) ?? []), episodes.filter((e) => e.kind === kind && e.rollups.includes(r)).length]);
          }
        // A shared set is one domain: its episodes hit both rollups at once.
        const kinds = episodes.filter((e) => e.kind === 'posting_stall');
        expect(kinds.every((e) => e.rollups.length === (mode === 'shared' ? 2 : 1))).toBe(true);
      }
      // Not the sequencer's: the same windows whatever the sequencing.
      for (const kind of ['bridge_halt', 'oracle_outage']) {
        const [c, sh] = MODES.map((m) => byMode.get(m)!.filter((e) => e.kind === kind));
        expect(c.length).toBeGreaterThan(0);
        expect(sh).toEqual(c);
      }
    }
    for (const [key, counts] of perRollup) {
      const m = counts.reduce((a, b) => a + b, 0) / SEEDS;
      // Poisson counts: SE of the mean is √(λT / seeds).
      expect(Math.abs(m - expected), `${key}: mean ${m} against ${expected.toFixed(1)}`).toBeLessThan(4 * Math.sqrt(expected / SEEDS));
    }
  });
});

describe('a set slashed out entirely', () => {
  it('a one-node set whose node equivocates and is slashed to zero stops committing, and nothing breaks (found by the long fuzzer)', () => {
    const input = world({ equivocations: [{ rollup: 'a', at: '1m', node: 0, detection_delay: '1m' }] }, { sequencing: { shared: { nodes: 1, min_slot_time: '1s' } } });
    const loaded = inlineScenario(input);
    const w = buildWorld(loaded, 'shared', 1);
    const commits: number[] = [];
    w.events.slotCommitted.on((c) => commits.push(c.atUs));
    attachRecorders(w, NULL_SINKS);
    w.advance(loaded.scenario.horizon);
    expect(commits.length).toBeGreaterThan(30);
    // Detected and slashed at 2 min: no stake is left, so no quorum ever forms again.
    expect(commits.filter((t) => t > 2 * MIN)).toEqual([]);
  });
});

describe('oracle outage', () => {
  it("no update lands while the keeper is silent, in either mode; the first after it takes the market's positions under at once", async () => {
    const loaded = await loadScenario('scenarios/faults-oracle-outage.yaml');
    const from = 20 * MIN;
    const until = 98 * MIN;
    for (const mode of MODES) {
      const w = buildWorld(loaded, mode, 1);
      const updates: { market: string; atUs: number }[] = [];
      w.events.oracleUpdated.on((u) => updates.push({ market: u.market, atUs: u.atUs }));
      const liquidations: { market: string; atUs: number; oracleAgeUs: number }[] = [];
      w.events.liquidation.on((l) => liquidations.push({ market: l.market, atUs: l.atUs, oracleAgeUs: l.oracleAgeUs }));
      const recorders = attachRecorders(w, NULL_SINKS);
      w.advance(loaded.scenario.horizon);
      recorders.finish();
      const fast = updates.filter((u) => u.market === 'fast-eth');
      // Silent through the window (an update sent just before it may still land within a block or so).
      expect(fast.filter((u) => u.atUs >= from + 5 * S && u.atUs < until), mode).toEqual([]);
      expect(fast.some((u) => u.atUs >= until && u.atUs < until + MIN), `${mode}: reporting resumes`).toBe(true);
      // The other markets' oracles follow the fall meanwhile.
      expect(updates.filter((u) => u.market === 'medium-eth' && u.atUs >= from && u.atUs < until).length).toBeGreaterThan(5);
      // fast-eth's liquidations wait for the update: none in the window, a burst right after it.
      const fastLiq = liquidations.filter((l) => l.market === 'fast-eth');
      expect(fastLiq.filter((l) => l.atUs >= from + 5 * S && l.atUs < until)).toEqual([]);
      expect(fastLiq.filter((l) => l.atUs >= until && l.atUs < until + 2 * MIN).length, `${mode}: the backlog`).toBeGreaterThan(5);
      const episodes = w.faults.injector.episodes.filter((e) => e.kind === 'oracle_outage');
      expect(episodes.map((e) => [e.atUs, e.forUs, e.rollups])).toEqual([[from, until - from, [0]]]);
    }
  });
});

describe('bundled fault scenarios run in both modes', () => {
  it('faults-bridge-halt: bridged legs wait for the bridge under centralized sequencing; atomic bundles under shared do not need it', async () => {
    const { tables } = await runScenario(loadScenario('scenarios/faults-bridge-halt.yaml', { set: ['runs=1'] }));
    const metrics = tables.metrics.toArray().map((r) => plain(r));
    const gap = (mode: string, name: string) => metrics.find((m) => m.mode === mode && m.subject === name && m.metric === 'crossrollup.leg_gap_ms.p99')?.value as number;
    // A message sent during the halt crosses only when it ends: gaps of up to the 40-minute halt.
    expect(gap('centralized', 'movers')).toBeGreaterThan(30 * 60_000);
    expect(gap('shared', 'movers')).toBeLessThan(1_000);
    const rows = tables.contagion.toArray().map((r) => plain(r));
    for (const mode of MODES) expect(rows.filter((c) => c.mode === mode).map((c) => c.kind)).toEqual(['bridge_halt']);
  });

  it('faults-equivocation: broken pre-confirmations recorded in both modes, the offender caught after the detection delay', async () => {
    const { tables } = await runScenario(loadScenario('scenarios/faults-equivocation.yaml', { set: ['runs=1'] }));
    const txs = tables.txs.toArray().map((r) => plain(r));
    for (const mode of MODES) {
      const broken = txs.filter((t) => t.mode === mode && t.preconf_broken_us !== null);
      expect(broken.length, mode).toBeGreaterThan(0);
      for (const t of broken) expect((t.preconf_broken_us as number) >= 20 * MIN && (t.preconf_broken_us as number) <= 30 * MIN + 10 * S, `${mode} ${t.preconf_broken_us}`).toBe(true);
      const ep = tables.contagion.toArray().map((r) => plain(r)).find((c) => c.mode === mode)!;
      expect(ep.kind).toBe('equivocation');
      expect(ep.txs_preconf_broken, mode).toBe(broken.filter((t) => t.rollup === 'fast' || mode === 'shared').length);
    }
  });
});
