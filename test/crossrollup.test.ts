// Cross-rollup intents: atomic bundles under shared sequencing, independent legs under
// centralized sequencing — the same intents, the same leg-failure draws' probabilities.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import { plain } from './util/rows.ts';

const P = { a: 0.1, b: 0.2, c: 0.05 };

async function run(route: 'inventory' | 'bridge', bridge: { latency?: string; failure_prob?: number } = {}) {
  const loaded = inlineScenario({
    name: 'crossrollup',
    horizon: '30m',
    warmup: '1m',
    modes: ['centralized', 'shared'],
    network: { base_latency: '50ms', jitter: '10ms' },
    rollups: [
      { id: 'a', block_time: '250ms', leg_failure_prob: P.a },
      { id: 'b', block_time: '2s', leg_failure_prob: P.b },
      { id: 'c', block_time: '1s', leg_failure_prob: P.c },
    ],
    intents: [{ name: 'x', rate: 3, rollups: ['a', 'b', 'c'], route }],
    sequencing: { centralized: { bridge } },
  });
  const { tables } = await runScenario(loaded);
  const txs = tables.txs.toArray().map((r) => r.toJSON());
  const metrics = tables.metrics.toArray().map((r) => r.toJSON());
  const byBundle = (mode: string) => {
    const m = new Map<bigint, string[]>();
    for (const t of txs) if (t.mode === mode && t.bundle_id !== null) m.set(t.bundle_id as bigint, [...(m.get(t.bundle_id as bigint) ?? []), t.status as string]);
    return m;
  };
  const metric = (mode: string, name: string) => metrics.find((m) => m.mode === mode && m.metric === name)!.value as number;
  return { byBundle, metric };
}

describe('atomic bundles vs legged intents', () => {
  it('shared: never a partial execution over thousands of bundles; centralized: partial fills at the rate the leg failures imply', async () => {
    const { byBundle, metric } = await run('inventory');
    const shared = [...byBundle('shared').values()].filter((s) => s.length === 3 && !s.includes('pending'));
    expect(shared.length).toBeGreaterThan(4000);
    for (const statuses of shared) expect(new Set(statuses).size).toBe(1); // all included or all reverted
    expect(metric('shared', 'crossrollup.partial_fraction')).toBe(0);

    // Legs fail independently: P(all ok) = Π(1−p), P(none ok) = Π p, partial = the rest.
    const allOk = (1 - P.a) * (1 - P.b) * (1 - P.c);
    const noneOk = P.a * P.b * P.c;
    const n = metric('centralized', 'crossrollup.intents');
    const check = (observed: number, p: number) => expect(Math.abs(observed - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    check(metric('centralized', 'crossrollup.filled_fraction'), allOk);
    check(metric('centralized', 'crossrollup.partial_fraction'), 1 - allOk - noneOk);
    check(metric('centralized', 'crossrollup.failed_fraction'), noneOk);
    // Atomic bundles succeed as often as legged intents fill completely: the same failures, no exposure.
    check(metric('shared', 'crossrollup.filled_fraction'), allOk);
  });

  it('bridged legs: each next leg only after the previous executed and the message crossed; lost messages leave partial fills', async () => {
    const { metric } = await run('bridge', { latency: '20s', failure_prob: 0.1 });
    const n = metric('centralized', 'crossrollup.intents');
    const q = 0.9; // the bridge delivers
    const allOk = (1 - P.a) * q * (1 - P.b) * q * (1 - P.c);
    const failed = P.a; // the first leg failed: nothing else is sent
    const check = (observed: number, p: number) => expect(Math.abs(observed - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    check(metric('centralized', 'crossrollup.filled_fraction'), allOk);
    check(metric('centralized', 'crossrollup.failed_fraction'), failed);
    // Two bridge crossings of 20 s separate the first and last legs.
    expect(metric('centralized', 'crossrollup.leg_gap_ms.p50')).toBeGreaterThan(40_000);
    expect(metric('shared', 'crossrollup.leg_gap_ms.p99')).toBe(0);
  });
});

describe('bridge fees and a shared set over some of the rollups', () => {
  it('every bridged message pays the bridge fee; a rollup outside the shared set keeps its own sequencer and its legs travel apart', async () => {
    const loaded = inlineScenario({
      name: 'subset',
      horizon: '20m',
      warmup: '1m',
      modes: ['centralized', 'shared'],
      network: { base_latency: '20ms', jitter: '5ms' },
      rollups: [
        { id: 'a', block_time: '250ms', users: [{ name: 'u', rate: 2 }] },
        { id: 'b', block_time: '2s', users: [{ name: 'u', rate: 2 }] },
        { id: 'solo', block_time: '1s', users: [{ name: 'u', rate: 2 }] },
      ],
      intents: [
        { name: 'inside', rate: 1, rollups: ['a', 'b'], route: 'bridge' },
        { name: 'across', rate: 1, rollups: ['a', 'solo'], route: 'bridge' },
      ],
      sequencing: { centralized: { bridge: { latency: '10s', fee_usd: 0.7 } }, shared: { rollups: ['a', 'b'], nodes: 4, min_slot_time: '1s' } },
    });
    const { tables } = await runScenario(loaded);
    const txs = tables.txs.toArray().map((r) => plain(r));
    const metrics = tables.metrics.toArray().map((r) => plain(r));
    const m = (mode: string, name: string, subject: string) => metrics.find((x) => x.mode === mode && x.metric === name && x.subject === subject)!.value as number;
    // In shared mode rollup 'solo' is still ordered by its own sequencer; a and b by the set.
    const seqOf = (mode: string, rollup: string) => new Set(txs.filter((t) => t.mode === mode && t.rollup === rollup && t.sequencer !== null).map((t) => String(t.sequencer).replace(/-\d+$/, '')));
    expect(seqOf('shared', 'solo')).toEqual(new Set(['central']));
    expect(seqOf('shared', 'a')).toEqual(new Set(['node']));
    // Intents inside the set are atomic bundles (no bridge, no fee); across it, bridged legs pay per message.
    expect(m('shared', 'bridge.fees_usd', 'inside')).toBe(0);
    expect(m('shared', 'crossrollup.partial_fraction', 'inside')).toBe(0);
    for (const [mode, flow] of [['centralized', 'inside'], ['centralized', 'across'], ['shared', 'across']] as const) {
      // One message per intent whose first leg executed, 0.7 USD each (bundles closed after the warmup).
      const fees = m(mode, 'bridge.fees_usd', flow);
      expect(fees, `${mode}/${flow}`).toBeGreaterThan(0);
      expect(Math.abs(fees / 0.7 - Math.round(fees / 0.7))).toBeLessThan(1e-6);
      expect(fees / 0.7).toBeLessThanOrEqual(m(mode, 'crossrollup.intents', flow));
    }
  });
});
