// What a probe agent is shown of pending transactions, and when, under every policy — checked
// against each policy's definition (sim/model/sequencer/visibility.ts).
import { describe, expect, it } from 'vitest';
import { buildWorld } from '../sim/world/build.ts';
import { inlineScenario } from './util/scenario.ts';

interface Seen {
  txId: number;
  at: number;
  contents: boolean;
}

function probe(mode: 'centralized' | 'shared', policy: string) {
  const loaded = inlineScenario({
    name: 'visibility',
    horizon: '30s',
    modes: [mode],
    network: { base_latency: '20ms', jitter: '10ms' },
    rollups: [
      { id: 'a', block_time: '1s', users: [{ name: 'u', rate: 20 }] },
      { id: 'b', block_time: '2s', users: [{ name: 'u', rate: 10 }] },
    ],
    sequencing: mode === 'centralized' ? { centralized: { policy: policy as 'fcfs' } } : { shared: { policy: policy as 'fcfs', nodes: 4, min_slot_time: '500ms' } },
  });
  const world = buildWorld(loaded, mode, 1);
  const shown: Seen[] = [];
  const revealed: Seen[] = [];
  for (const seq of new Set(world.sequencing.sequencers)) {
    seq.mempool.subscribe({
      pending: (view, now) => shown.push({ txId: view.txId, at: now, contents: view.tx !== undefined }),
      // `contents` here records whether the reveal came exactly when the leader fixed the order.
      revealed: (txs, now) => txs.forEach((tx) => revealed.push({ txId: tx.id, at: now, contents: tx.preconfUs === now })),
    });
  }
  world.advance(loaded.scenario.horizon);
  return { shown, revealed };
}

describe('visibility by policy (probe agent)', () => {
  it('private FCFS (centralized and shared): the probe is shown nothing at all', () => {
    for (const mode of ['centralized', 'shared'] as const) {
      const { shown, revealed } = probe(mode, 'fcfs');
      expect(shown).toEqual([]);
      expect(revealed).toEqual([]);
    }
  });

  it('priority (public mempool): full contents at the moment of arrival, for every transaction', () => {
    const { shown, revealed } = probe('centralized', 'priority');
    expect(shown.length).toBeGreaterThan(500);
    expect(shown.every((s) => s.contents)).toBe(true);
    expect(revealed).toEqual([]);
  });

  it('fair ordering: contents gossiped on arrival', () => {
    const { shown } = probe('shared', 'fair');
    expect(shown.length).toBeGreaterThan(500);
    expect(shown.every((s) => s.contents)).toBe(true);
  });

  it('encrypted mempool: an envelope on arrival, contents only once the order is fixed — never before', () => {
    const { shown, revealed } = probe('shared', 'encrypted');
    expect(shown.length).toBeGreaterThan(500);
    expect(shown.some((s) => s.contents)).toBe(false);
    expect(revealed.length).toBeGreaterThan(400);
    const arrival = new Map(shown.map((s) => [s.txId, s.at]));
    for (const r of revealed) {
      // Revealed strictly after the envelope was seen: the order was fixed at a later slot start.
      expect(r.at).toBeGreaterThanOrEqual(arrival.get(r.txId)!);
    }
    // A reveal happens exactly when the leader's proposal fixed the order (its pre-confirmation).
    expect(revealed.every((r) => r.contents)).toBe(true);
  });

  it("an observer subscribed for one rollup of a shared set hears exactly that rollup's arrivals and reveals", () => {
    const loaded = inlineScenario({
      name: 'visibility-scoped',
      horizon: '30s',
      modes: ['shared'],
      rollups: [
        { id: 'a', block_time: '1s', users: [{ name: 'u', rate: 20 }] },
        { id: 'b', block_time: '2s', users: [{ name: 'u', rate: 10 }] },
      ],
      sequencing: { shared: { policy: 'encrypted', nodes: 4, min_slot_time: '500ms' } },
    });
    const world = buildWorld(loaded, 'shared', 1);
    const mempool = world.sequencing.sequencers[0].mempool;
    const all = { shown: [] as [number, number][], revealed: [] as [number, number][] };
    const onB = { shown: [] as [number, number][], revealed: [] as [number, number][] };
    const observer = (into: typeof all) => ({
      pending: (view: { txId: number; rollup: number }) => into.shown.push([view.txId, view.rollup]),
      revealed: (txs: readonly { id: number; rollup: number }[]) => txs.forEach((tx) => into.revealed.push([tx.id, tx.rollup])),
    });
    mempool.subscribe(observer(all));
    mempool.subscribe(observer(onB), 1);
    world.advance(loaded.scenario.horizon);
    expect(new Set(all.shown.map(([, r]) => r))).toEqual(new Set([0, 1]));
    expect(onB.shown).toEqual(all.shown.filter(([, r]) => r === 1));
    // Each revealed batch is one rollup's: the scoped observer gets rollup b's batches whole.
    expect(onB.revealed.length).toBeGreaterThan(100);
    expect(onB.revealed).toEqual(all.revealed.filter(([, r]) => r === 1));
  });
});

describe('visibility under PBS', () => {
  it('a builder sees exactly the bundles sent to it, when they arrive; the mempool stays public', async () => {
    const loaded = inlineScenario({
      name: 'pbs-visibility',
      horizon: '2m',
      network: { base_latency: '20ms', jitter: '0s' },
      assets: [{ id: 'eth', price: 3000, vol: 0 }],
      rollups: [
        {
          id: 'r',
          block_time: '2s',
          pools: [{ id: 'p', asset: 'eth', liquidity_usd: 2e6, fee_bps: 30 }],
          traders: [{ name: 'users', pool: 'p', rate: 0.5, size_usd: 5000, buy_fraction: 1, slippage_bps: 100 }],
          searchers: [{ name: 's1', latency: '7ms', gas_usd: 0 }],
        },
      ],
      sequencing: { centralized: { policy: 'pbs' }, pbs: { builders: 2 } },
    });
    const world = buildWorld(loaded, 'centralized', 1);
    const mempool: number[] = [];
    const seenBy: { builder: number; at: number; legs: number[]; sentAt: number }[] = [];
    const sequencer = world.sequencing.sequencers[0];
    sequencer.mempool.subscribe({ pending: (v) => (v.tx ? mempool.push(v.txId) : undefined) });
    sequencer.capabilities.builders!.watch((builder, bundle, now) => seenBy.push({ builder, at: now, legs: bundle.txs.filter((tx) => tx !== bundle.victim).map((tx) => tx.id), sentAt: bundle.txs[0].submitUs }));
    world.advance(loaded.scenario.horizon);
    expect(mempool.length).toBeGreaterThan(30);
    expect(seenBy.length).toBeGreaterThan(20);
    // Both builders, each bundle, exactly one searcher latency (7 ms) after the searcher sent it.
    for (const s of seenBy) expect(s.at - s.sentAt).toBe(7000);
    expect(new Set(seenBy.map((s) => s.builder))).toEqual(new Set([0, 1]));
    // The searchers' legs never show up in the public mempool: only the builders see them.
    const legs = new Set(seenBy.flatMap((s) => s.legs));
    expect(legs.size).toBeGreaterThan(20);
    expect(mempool.some((id) => legs.has(id))).toBe(false);
  });
});
