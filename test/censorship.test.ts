// Censorship and slashing: a censoring centralized sequencer holds its targets until forced
// inclusion through L1; in a shared set, a target gets in at the next honest leader's turn, and
// provable censorship is slashed after the detection delay, ejecting the censor.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';

const base = (shared: object) =>
  inlineScenario({
    name: 'censorship',
    horizon: '10m',
    warmup: '30s',
    modes: ['centralized', 'shared'],
    network: { base_latency: '50ms' },
    rollups: [{ id: 'a', block_time: '1s', users: [{ name: 'victim', rate: 2 }, { name: 'other', rate: 5 }] }],
    sequencing: {
      centralized: { censor: { senders: ['victim'] } },
      shared: { nodes: 10, node_jitter: '0s', min_slot_time: '1s', censors: { nodes: [0, 1, 2], senders: ['victim'] }, ...shared },
      force_inclusion_delay: '5m',
    },
  });

async function outcome(shared: object = {}) {
  const { tables } = await runScenario(base(shared));
  const txs = tables.txs.toArray().map((r) => r.toJSON());
  const metrics = tables.metrics.toArray().map((r) => r.toJSON());
  const metric = (mode: string, name: string) => metrics.find((m) => m.mode === mode && m.metric === name)?.value as number;
  return { txs, metric };
}

describe('censorship', () => {
  it('centralized: the censored sender gets in only through L1, exactly the forced-inclusion delay after submitting', async () => {
    const { txs } = await outcome();
    const victim = txs.filter((t) => t.mode === 'centralized' && t.sender === 'victim' && t.status === 'included');
    expect(victim.length).toBeGreaterThan(400);
    for (const t of victim) {
      expect(t.sequencer).toBe('l1');
      expect(Number(t.include_us) - Number(t.submit_us)).toBe(300_000_000);
      expect(t.preconf_us).toBe(t.include_us); // nobody promised it anything earlier
    }
  });

  it('shared: a censored transaction gets through when an honest leader comes; the extra delay is measured', async () => {
    const { txs, metric } = await outcome();
    const victim = txs.filter((t) => t.mode === 'shared' && t.sender === 'victim' && t.status === 'included');
    expect(victim.length).toBeGreaterThan(1000);
    for (const t of victim) expect(['node-0', 'node-1', 'node-2']).not.toContain(t.sequencer);
    // Round-robin over 10 nodes with 3 consecutive censors: a target arriving just before node 0's
    // slot waits up to 3 extra slots; on average about 3·(3+1)/2/10 = 0.6 slot → ~0.6 s extra.
    const extra = metric('shared', 'censorship.extra_delay_ms.mean');
    expect(extra).toBeGreaterThan(300);
    expect(extra).toBeLessThan(1000);
    expect(metric('shared', 'censorship.offences')).toBeGreaterThan(0);
  });

  it('slashing: censors are slashed after the detection delay, leave the rotation, and censorship stops', async () => {
    const { txs, metric } = await outcome({ slashing: { detection_delay: '2m', fraction: 1 } });
    expect(metric('shared', 'stake.slashed')).toBe(3);
    const late = txs.filter((t) => t.mode === 'shared' && Number(t.submit_us) > 200e6 && t.status === 'included');
    expect(late.length).toBeGreaterThan(1000);
    // After the slash no block comes from an ejected node, and the victim waits no longer than anyone.
    for (const t of late) expect(['node-0', 'node-1', 'node-2']).not.toContain(t.sequencer);
    const wait = (who: string) => {
      const xs = late.filter((t) => t.sender === who).map((t) => Number(t.include_us) - Number(t.submit_us));
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(Math.abs(wait('victim') - wait('other'))).toBeLessThan(100_000);
  });
});

describe('equivocation', () => {
  it("an equivocating leader's slots fail (its pre-confirmations break) until it is slashed out of the set", async () => {
    const loaded = inlineScenario({
      name: 'equivocation',
      horizon: '6m',
      modes: ['shared'],
      network: { base_latency: '50ms' },
      rollups: [{ id: 'a', block_time: '1s', users: [{ name: 'u', rate: 5 }] }],
      sequencing: { shared: { nodes: 10, node_jitter: '0s', min_slot_time: '1s', view_timeout: '3s', equivocators: [{ node: 2, from: '1m' }], slashing: { detection_delay: '2m', fraction: 1 } } },
    });
    const { tables } = await runScenario(loaded);
    const metrics = tables.metrics.toArray().map((r) => r.toJSON());
    const metric = (name: string) => metrics.find((m) => m.metric === name)!.value as number;
    expect(metric('stake.slashed')).toBe(1);
    expect(metric('consensus.equivocations')).toBeGreaterThan(2);
    expect(metric('consensus.preconfs_broken')).toBeGreaterThan(0);
    const txs = tables.txs.toArray().map((r) => r.toJSON());
    // Node 2 leads nothing from its first equivocation on; after the slash the view schedule skips it.
    expect(txs.some((t) => t.sequencer === 'node-2' && Number(t.include_us) > 61e6)).toBe(false);
    const wait = (from: number, to: number) => {
      const xs = txs.filter((t) => t.status === 'included' && Number(t.submit_us) >= from && Number(t.submit_us) < to).map((t) => Number(t.include_us) - Number(t.submit_us));
      return Math.max(...xs);
    };
    // While it still leads every tenth view, its failed views (3 s timeout) delay inclusion; once ejected, no more.
    expect(wait(70e6, 170e6)).toBeGreaterThan(3e6);
    expect(wait(200e6, 350e6)).toBeLessThan(3e6);
  });
});
