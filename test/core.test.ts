// The core's guarantees, run through the simulator: observation never steers, reactions see every
// rollup of a slot, the fallback chain cannot be entered twice, common random numbers hold for
// every exogenous flow and every leg, and the mode leaks nowhere (a one-node shared set with zero
// latency is a centralized sequencer).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadScenario, type LoadedScenario } from '../sim/scenario/load.ts';
import { buildWorld, type Mode } from '../sim/world/build.ts';
import { attachRecorders, NULL_SINKS } from '../sim/metrics/attach.ts';
import { SwapAction } from '../sim/model/market/swap.ts';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import { plain } from './util/rows.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';

/** SHA-256 of every executed transaction as (rollup, block, position, tx id), in execution order. */
function executedHash(loaded: LoadedScenario, mode: Mode, observe: boolean): { hash: string; count: number } {
  const world = buildWorld(loaded, mode, loaded.scenario.seed);
  if (observe) attachRecorders(world, NULL_SINKS);
  const h = createHash('sha256');
  let count = 0;
  world.events.txExecuted.on((tx) => {
    h.update(`${tx.rollup},${tx.block},${tx.position},${tx.id};`);
    count++;
  });
  world.advance(loaded.scenario.horizon);
  return { hash: h.digest('hex'), count };
}

describe('observation never steers', () => {
  const cases: [string, string[]][] = [
    ['scenarios/default.yaml', []],
    ['scenarios/realistic.yaml', ['horizon=20m', 'warmup=1m']],
  ];
  for (const [file, set] of cases) {
    for (const mode of ['centralized', 'shared'] as const) {
      it(`${file}, ${mode}: every recorder attached or none, the same transactions execute in the same order`, () => {
        const loaded = loadScenario(file, { set });
        const observed = executedHash(loaded, mode, true);
        const bare = executedHash(loaded, mode, false);
        expect(observed.count).toBeGreaterThan(5000);
        expect(bare).toEqual(observed);
      });
    }
  }
});

describe('the order of reactions within one timestamp', () => {
  it('shared mode: an agent reacting to block k on one rollup sees every rollup of that slot already executed', () => {
    const loaded = loadScenario('scenarios/realistic.yaml', { set: ['horizon=5m', 'warmup=1m', 'modes=[shared]'] });
    const world = buildWorld(loaded, 'shared', 1);
    const executedAt = world.rollups.map(() => -1); // each rollup's last block time
    world.events.blockExecuted.on((b) => (executedAt[b.rollup] = b.atUs));
    let reactions = 0;
    world.rollups[0].onBlock((rollup, nowUs) => {
      reactions++;
      // The slot that made this block made one on every rollup of the set, at the same µs: all done by now.
      for (let r = 0; r < world.rollups.length; r++) expect(executedAt[r], `rollup ${world.rollups[r].id} at ${nowUs}`).toBe(nowUs);
      expect(world.sim.now).toBe(nowUs);
    });
    world.advance(loaded.scenario.horizon);
    expect(reactions).toBeGreaterThan(250);
  });

  it('feed listeners run as their own events, after every price of that µs has moved', () => {
    const loaded = inlineScenario({
      name: 'two-feeds',
      horizon: '1m',
      assets: [
        { id: 'a', price: 100, vol: 0.8, tick: '100ms' },
        { id: 'b', price: 200, vol: 0.8, tick: '100ms' },
      ],
      rollups: [{ id: 'r', block_time: '1s', pools: [{ id: 'pa', asset: 'a', liquidity_usd: 1e6 }, { id: 'pb', asset: 'b', liquidity_usd: 1e6 }] }],
    });
    const world = buildWorld(loaded, 'centralized', 3);
    const [fa, fb] = world.markets.map((m) => m.feed);
    let previousB = fb.price;
    const seen: number[] = [];
    fa.subscribe(() => {
      // b ticks at the same µs, and its feed was created after a's: still, a's listener sees b's new price.
      expect(fb.price).not.toBe(previousB);
      previousB = fb.price;
      seen.push(world.sim.now);
    });
    world.advance(loaded.scenario.horizon);
    expect(seen.length).toBe(600);
  });
});

describe('the fallback chain cannot be entered twice', () => {
  it('a second halt right after the set recovers: each rollup has one fallback sequencer, at its own block time', () => {
    // Rollup b's fallback blocks come every 5 s: the second halt starts fallback again within one
    // of its intervals after the first ended — where a flag-checked chain would run twice.
    const loaded = inlineScenario({
      name: 'double-halt',
      horizon: '3m',
      network: { base_latency: '20ms', jitter: '0s' },
      modes: ['shared'],
      rollups: [
        { id: 'a', block_time: '250ms', users: [{ name: 'u', rate: 5 }] },
        { id: 'b', block_time: '5s', users: [{ name: 'u', rate: 5 }] },
      ],
      sequencing: {
        shared: {
          nodes: 4,
          node_latency: '10ms',
          node_jitter: '0s',
          min_slot_time: '500ms',
          view_timeout: '500ms',
          fallback_after: '1s',
          offline: [
            { node: 0, at: '20s', for: '20s' },
            { node: 1, at: '20s', for: '20s' },
            { node: 0, at: '41s', for: '20s' },
            { node: 1, at: '41s', for: '20s' },
          ],
        },
      },
    });
    const world = buildWorld(loaded, 'shared', 1);
    const fallbackBlocks: number[][] = [[], []];
    const halts: { at: number; halted: boolean }[] = [];
    world.events.blockExecuted.on((b) => (b.sequencer === 'fallback' ? fallbackBlocks[b.rollup].push(b.atUs) : undefined));
    world.events.fallback.on((e) => halts.push({ at: e.atUs, halted: e.halted }));
    world.advance(loaded.scenario.horizon);
    // Two halts, each entered and left once.
    expect(halts.map((h) => h.halted)).toEqual([true, false, true, false]);
    expect(halts[2].at - halts[1].at).toBeLessThan(5_000_000);
    [250_000, 5_000_000].forEach((blockTimeUs, r) => {
      const times = fallbackBlocks[r];
      expect(times.length).toBeGreaterThan(3);
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1], `rollup ${r} block ${i}`).toBeGreaterThanOrEqual(blockTimeUs);
      // Every fallback block lies inside a halt.
      for (const t of times) expect(t >= halts[0].at && t < halts[1].at ? true : t >= halts[2].at && t < halts[3].at).toBe(true);
    });
  });
});

describe('common random numbers hold for every exogenous flow and every leg', () => {
  it("users' and noise traders' submissions are identical across modes: ids, times, sides, sizes and tolerances", () => {
    const loaded = loadScenario('scenarios/realistic.yaml', { set: ['horizon=10m'] });
    const submissions = (mode: Mode) => {
      const world = buildWorld(loaded, mode, 1);
      const out: string[] = [];
      world.events.txSubmitted.on((tx) => {
        if (!tx.sender.startsWith('retail')) return;
        const a = tx.action;
        out.push(a instanceof SwapAction ? `${tx.id}@${tx.submitUs}:${a.side}/${a.exact}/${a.sizeUsd}/${a.toleranceBps}` : `${tx.id}@${tx.submitUs}`);
      });
      world.advance(loaded.scenario.horizon);
      return out;
    };
    const c = submissions('centralized');
    expect(c.length).toBeGreaterThan(5000);
    expect(c.filter((s) => s.includes('/')).length).toBeGreaterThan(1000);
    expect(submissions('shared')).toEqual(c);
  });

  it('a leg attempted in both modes draws the same failure outcome', async () => {
    const input: ScenarioInput = {
      name: 'legs',
      horizon: '10m',
      modes: ['centralized', 'shared'],
      network: { base_latency: '20ms', jitter: '5ms' },
      rollups: [
        { id: 'a', block_time: '250ms', leg_failure_prob: 0.3, users: [{ name: 'u', rate: 2 }] },
        { id: 'b', block_time: '2s', leg_failure_prob: 0.3 },
        { id: 'c', block_time: '2s', leg_failure_prob: 0.1 },
      ],
      // Two flows: an extra one must not shift the other's draws.
      intents: [
        { name: 'two', rate: 2, rollups: ['a', 'b'] },
        { name: 'three', rate: 1, rollups: ['a', 'b', 'c'] },
      ],
      sequencing: { shared: { nodes: 4, min_slot_time: '1s' } },
    };
    const { tables } = await runScenario(inlineScenario(input));
    const legs = tables.txs.toArray().map((r) => plain(r)).filter((t) => t.bundle_id !== null && t.status !== 'pending');
    const failed = (mode: string) => new Map(legs.filter((t) => t.mode === mode).map((t) => [t.tx_id as number, t.reason === 'leg-failed']));
    const c = failed('centralized');
    const s = failed('shared');
    let both = 0;
    let failures = 0;
    for (const [id, f] of c) {
      if (!s.has(id)) continue;
      both++;
      if (f) failures++;
      expect(s.get(id), `leg ${id}`).toBe(f);
    }
    expect(both).toBeGreaterThan(2000);
    expect(failures).toBeGreaterThan(300);
  });
});

describe('mode-blindness', () => {
  it('a one-node shared set with zero latency and a slot equal to the block time is the centralized sequencer', async () => {
    const input: ScenarioInput = {
      name: 'blind',
      seed: 5,
      horizon: '10m',
      warmup: '1m',
      modes: ['centralized', 'shared'],
      network: { base_latency: '30ms', jitter: '10ms' },
      assets: [{ id: 'eth', price: 3000, vol: 0.8, tick: '100ms' }],
      rollups: [
        {
          id: 'r',
          block_time: '2s',
          leg_failure_prob: 0.05,
          users: [{ name: 'u', rate: 3 }],
          pools: [{ id: 'p', asset: 'eth', liquidity_usd: 5e6, fee_bps: 30 }],
          traders: [{ name: 'retail', pool: 'p', rate: 1, size_usd: 3000, slippage_bps: 80, exact_out_fraction: 0.3 }],
          arbitrageurs: [{ name: 'arb', latency: '5ms', gas_usd: 0.1 }],
          searchers: [
            { name: 'sw', latency: '5ms', gas_usd: 0.05 },
            { name: 'br', strategy: 'backrun', latency: '10ms', gas_usd: 0.05 },
          ],
        },
      ],
      sequencing: {
        centralized: { policy: 'priority', l1_post_delay: '20m' },
        // One node, no delay between nodes: a Tendermint height decides at once, and the commit
        // timeout spaces heights by the rollup's block time.
        shared: { protocol: 'tendermint', nodes: 1, node_latency: '0s', node_jitter: '0s', timeouts: { commit: '2s' }, preconfirm: 'commit', policy: 'priority', l1_post_delay: '20m' },
      },
    };
    const { tables } = await runScenario(inlineScenario(input));
    const txs = tables.txs.toArray().map((r) => plain(r));
    const executed = (mode: string) =>
      txs
        .filter((t) => t.mode === mode && t.block !== null)
        .map((t) => `${t.block}/${t.position}/${t.tx_id}/${t.status}/${t.include_us}/${t.final_us}/${t.reason}`)
        .sort();
    const c = executed('centralized');
    expect(c.length).toBeGreaterThan(2000);
    expect(executed('shared')).toEqual(c);
    // Every metric the centralized run reports, the shared run reports with the same value.
    const metrics = (mode: string) => new Map(tables.metrics.toArray().map((r) => plain(r)).filter((m) => m.mode === mode).map((m) => [`${m.metric}|${m.rollup}|${m.subject}`, m.value]));
    const mc = metrics('centralized');
    const ms = metrics('shared');
    expect(mc.size).toBeGreaterThan(50);
    for (const [k, v] of mc) expect(ms.get(k), k).toEqual(v);
    // Searchers did act (the comparison is not empty of MEV).
    expect(mc.get('mev.sandwiches|r|null')).toBeGreaterThan(5);
  });
});
