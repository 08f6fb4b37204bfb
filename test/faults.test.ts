// Faults through the simulator: one fault budget gives every rollup the same downtime distribution
// in both modes (only the correlation differs: a shared set's outage hits every member at once);
// quorum loss stops every rollup of the set and recovery resumes them; the escape hatches
// (forced inclusion, fallback) keep working through an outage.
import { describe, expect, it } from 'vitest';
import { buildWorld, type Mode } from '../sim/world/build.ts';
import { attachRecorders, NULL_SINKS } from '../sim/metrics/attach.ts';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import { plain } from './util/rows.ts';
import { mean, variance } from './util/stats.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';
import { YEAR_US } from '../sim/model/market/price.ts';

const S = 1_000_000;
const MIN = 60 * S;

describe('one fault budget in both modes', () => {
  // Three rollups; a and b join the shared set, c keeps its own sequencer in both modes.
  // 200 seeds × 30 days at 50 outages a year (lognormal, median 73 min, σ 1.1): about 4 outages per run per domain.
  const rate = 50;
  const medianUs = 73 * MIN;
  const sigma = 1.1;
  const horizonUs = 30 * 24 * 60 * MIN;
  const input: ScenarioInput = {
    name: 'budget',
    seed: 100,
    runs: 200,
    horizon: '30d',
    modes: ['centralized', 'shared'],
    rollups: [
      { id: 'a', block_time: '10m' },
      { id: 'b', block_time: '10m' },
      { id: 'c', block_time: '10m' },
    ],
    sequencing: { shared: { nodes: 4, rollups: ['a', 'b'], min_slot_time: '10m', node_jitter: '0s' } },
    faults: { random: { rate_per_year: rate, median: '73m', sigma } },
  };

  it('per-rollup downtime has the same mean in both modes (within 4 SE) and matches λ·E[D]; shared outages hit every member at once', async () => {
    const { tables } = await runScenario(inlineScenario(input));
    const rows = tables.metrics.toArray().map((r) => plain(r));
    const downtime = (mode: string, rollup: string) => rows.filter((m) => m.mode === mode && m.rollup === rollup && m.metric === 'faults.downtime_s').map((m) => m.value as number);
    // M/G/∞ busy fraction: 1 − exp(−λ·E[D]), E[D] = median·e^{σ²/2}; a run starts with no outage in progress (a small edge effect).
    const expectedS = (1 - Math.exp(-(rate / YEAR_US) * medianUs * Math.exp((sigma * sigma) / 2))) * horizonUs / S;
    for (const r of ['a', 'b', 'c']) {
      const c = downtime('centralized', r);
      const s = downtime('shared', r);
      expect(c.length).toBe(200);
      expect(s.length).toBe(200);
      const se = Math.sqrt(variance(c) / c.length + variance(s) / s.length);
      if (process.env.SEQSIM_FIGURES) console.log(`downtime ${r}: centralized ${mean(c).toFixed(0)} s, shared ${mean(s).toFixed(0)} s, SE of difference ${se.toFixed(0)} s, λ·E[D]·T ${expectedS.toFixed(0)} s`);
      expect(Math.abs(mean(c) - mean(s)), `rollup ${r}: ${mean(c)} vs ${mean(s)} s, SE ${se}`).toBeLessThan(4 * se);
      for (const xs of [c, s]) expect(Math.abs(mean(xs) - expectedS), `rollup ${r}: ${mean(xs)} vs ${expectedS} s`).toBeLessThan(4 * Math.sqrt(variance(xs) / xs.length));
    }
    // c is outside the set: its schedule is the same draw in both modes, run by run.
    expect(downtime('shared', 'c')).toEqual(downtime('centralized', 'c'));
    // Correlation: in the shared mode a and b are down at exactly the same times, in the centralized mode independently.
    expect(downtime('shared', 'a')).toEqual(downtime('shared', 'b'));
    const ca = downtime('centralized', 'a');
    const cb = downtime('centralized', 'b');
    expect(ca.filter((x, i) => x !== cb[i]).length).toBeGreaterThan(150);
  });

  it('every episode hits one rollup under centralized sequencing and every member of the set under shared', () => {
    const loaded = inlineScenario({ ...input, runs: 1 });
    const hit = (mode: Mode) => buildWorld(loaded, mode, 7).faults.injector.episodes.map((e) => e.rollups.length);
    const c = hit('centralized');
    const s = hit('shared');
    expect(c.length).toBeGreaterThan(3);
    expect(c.every((n) => n === 1)).toBe(true);
    // The set's episodes hit a and b; c's own hit c alone.
    expect(s.filter((n) => n === 2).length).toBeGreaterThan(0);
    expect(s.every((n) => n === 1 || n === 2)).toBe(true);
  });
});

/** Two rollups on a 10-node shared set (or their own sequencers), users on both. */
function quorumWorld(outages: { at: string; duration: string; machines?: number }[], extra: { fallback_after?: string; force_inclusion_delay?: string } = {}): ScenarioInput {
  return {
    name: 'quorum',
    seed: 3,
    horizon: '12m',
    modes: ['centralized', 'shared'],
    network: { base_latency: '20ms', jitter: '0s' },
    rollups: [
      { id: 'a', block_time: '1s', users: [{ name: 'u', rate: 2 }] },
      { id: 'b', block_time: '2s', users: [{ name: 'u', rate: 2 }] },
    ],
    sequencing: {
      force_inclusion_delay: extra.force_inclusion_delay ?? '24h',
      shared: { nodes: 10, node_latency: '20ms', node_jitter: '0s', min_slot_time: '1s', view_timeout: '5s', ...(extra.fallback_after ? { fallback_after: extra.fallback_after } : {}) },
    },
    faults: { outages: outages.map((o) => ({ rollup: 'a', ...o })) },
  };
}

/** Block times per rollup and sequencer kind. */
function blocks(input: ScenarioInput, mode: Mode) {
  const loaded = inlineScenario(input);
  const world = buildWorld(loaded, mode, 3);
  attachRecorders(world, NULL_SINKS);
  const out: { rollup: number; atUs: number; sequencer: string }[] = [];
  world.events.blockExecuted.on((b) => out.push({ rollup: b.rollup, atUs: b.atUs, sequencer: b.sequencer }));
  world.advance(loaded.scenario.horizon);
  return out;
}

const within = (t: number, from: number, to: number) => t >= from && t < to;

describe('node crashes up to and past quorum loss', () => {
  it('3 of 10 nodes down: the set keeps committing; 4 of 10: no quorum, every rollup of the set stops; recovery resumes them all', () => {
    const input = quorumWorld([
      { at: '2m', duration: '2m', machines: 3 },
      { at: '6m', duration: '3m', machines: 4 },
    ]);
    const bs = blocks(input, 'shared');
    for (const r of [0, 1]) {
      const mine = bs.filter((b) => b.rollup === r).map((b) => b.atUs);
      // Below a third of the stake down: blocks keep coming, slower — each view a crashed node leads
      // times out (5 s), and HotStuff-2 commits a block only on two consecutive QCs.
      const during3 = mine.filter((t) => within(t, 2 * MIN, 4 * MIN));
      expect(during3.length, `rollup ${r}`).toBeGreaterThan(15);
      const gaps = during3.slice(1).map((t, i) => t - during3[i]);
      expect(Math.max(...gaps), `rollup ${r}`).toBeLessThan(30 * S);
      // Past a third: nothing commits after the views already decided when the nodes crashed.
      expect(mine.filter((t) => within(t, 6 * MIN + 5 * S, 9 * MIN)).length, `rollup ${r}`).toBe(0);
      // Back within a view timeout (5 s) and a slot of the recovery.
      const firstAfter = mine.find((t) => t >= 9 * MIN)!;
      expect(firstAfter - 9 * MIN, `rollup ${r}`).toBeLessThanOrEqual(7 * S);
      expect(mine.filter((t) => within(t, 9 * MIN, 12 * MIN)).length).toBeGreaterThan(100);
    }
  });

  it('the same outage under centralized sequencing stops rollup a alone (its sequencer is one machine)', () => {
    const bs = blocks(quorumWorld([{ at: '6m', duration: '3m', machines: 4 }]), 'centralized');
    const a = bs.filter((b) => b.rollup === 0).map((b) => b.atUs);
    const b = bs.filter((x) => x.rollup === 1).map((x) => x.atUs);
    expect(a.filter((t) => within(t, 6 * MIN, 9 * MIN)).length).toBe(0);
    expect(a.find((t) => t >= 9 * MIN)).toBe(9 * MIN + S);
    expect(b.filter((t) => within(t, 6 * MIN, 9 * MIN)).length).toBe(90);
  });

  it('escape hatches keep working: fallback blocks during a shared outage, forced inclusion during a centralized one', async () => {
    const shared = blocks(quorumWorld([{ at: '6m', duration: '3m' }], { fallback_after: '30s' }), 'shared');
    for (const r of [0, 1]) {
      const fb = shared.filter((b) => b.rollup === r && b.sequencer === 'fallback').map((b) => b.atUs);
      expect(fb.length, `rollup ${r}`).toBeGreaterThan(60);
      expect(fb.every((t) => within(t, 6 * MIN, 9 * MIN + 10 * S))).toBe(true);
    }
    const { tables } = await runScenario(inlineScenario({ ...quorumWorld([{ at: '6m', duration: '3m' }], { force_inclusion_delay: '1m' }), modes: ['centralized'] }));
    const txs = tables.txs.toArray().map((r) => plain(r)).filter((t) => t.rollup === 'a');
    const forced = txs.filter((t) => t.sequencer === 'l1');
    // Transactions stuck from 6m waited a minute and went in through L1 while the sequencer was down
    // (and for a second after, until its first block).
    expect(forced.length).toBeGreaterThan(150);
    for (const t of forced) {
      expect(within(t.include_us as number, 6 * MIN, 9 * MIN + S)).toBe(true);
      expect((t.include_us as number) - (t.submit_us as number)).toBe(MIN);
    }
    // A sequencer that is down promises nothing: no FCFS pre-confirmation falls inside the outage except forced inclusions'.
    const promisedWhileDown = txs.filter((t) => t.sequencer !== 'l1' && t.preconf_us !== null && within(t.preconf_us as number, 6 * MIN, 9 * MIN));
    expect(promisedWhileDown.length).toBe(0);
  });
});
