// Cross-rollup arbitrage, atomic vs legged: under shared sequencing the two legs are one bundle
// (both or neither); under centralized sequencing with a bridge, the second leg leaves after the
// first executed and can fail on its own — more often the longer the bridge and the more the
// price moves meanwhile.
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../sim/index.ts';

const FILE = 'test/fixtures/scenarios/cross-arb.yaml';

async function partial(bridge: string, vol: number) {
  const loaded = loadScenario(FILE, { set: [`sequencing.centralized.bridge.latency=${bridge}`, `assets[0].vol=${vol}`] });
  const { tables } = await runScenario(loaded);
  const rows = tables.metrics.toArray().map((r) => r.toJSON());
  const get = (mode: string, metric: string) => rows.find((r) => r.mode === mode && r.subject === 'xarb' && r.metric === metric)!.value as number;
  const n = get('centralized', 'crossrollup.intents');
  const p = get('centralized', 'crossrollup.partial_fraction');
  return { p, se: Math.sqrt((p * (1 - p)) / n), n, shared: get('shared', 'crossrollup.partial_fraction'), sharedN: get('shared', 'crossrollup.intents') };
}

describe('cross-rollup arbitrage: atomic vs legged', () => {
  it('atomic bundles never leave one leg executed; bridged legs do, more with a longer bridge and a more volatile price', async () => {
    const fast = await partial('2s', 0.8);
    const slow = await partial('30s', 0.8);
    const calm = await partial('30s', 0.2);
    const wild = await partial('30s', 2.0);
    for (const r of [fast, slow, calm, wild]) {
      expect(r.sharedN).toBeGreaterThan(1000);
      expect(r.shared).toBe(0);
      expect(r.n).toBeGreaterThan(300);
    }
    // Directions, each by more than 3 standard errors of the difference.
    expect(slow.p - fast.p).toBeGreaterThan(3 * Math.hypot(slow.se, fast.se));
    expect(wild.p - calm.p).toBeGreaterThan(3 * Math.hypot(wild.se, calm.se));
  });
});
