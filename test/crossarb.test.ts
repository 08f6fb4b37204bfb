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

describe('cross-rollup arbitrage with nothing to stop dust trades', () => {
  it('zero gas, zero profit threshold, zero tolerance, tiny and huge pools: every run keeps its bundles all-or-nothing', async () => {
    const fc = (await import('fast-check')).default;
    const { inlineScenario } = await import('./util/scenario.ts');
    let attempted = 0;
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          liquidityA: fc.double({ min: 1, max: 1e9, noNaN: true }),
          liquidityB: fc.double({ min: 1, max: 1e9, noNaN: true }),
          feeA: fc.integer({ min: 0, max: 100 }),
          feeB: fc.integer({ min: 0, max: 100 }),
          tolerance: fc.constantFrom(0, 0.001, 10),
          route: fc.constantFrom('inventory' as const, 'bridge' as const),
        }),
        async (p) => {
          const loaded = inlineScenario({
            name: 'dust',
            horizon: '2m',
            modes: ['centralized', 'shared'],
            network: { base_latency: '10ms', jitter: '5ms' },
            assets: [{ id: 'eth', price: 3000, vol: 1.5, tick: '100ms' }],
            rollups: [
              { id: 'a', block_time: '250ms', leg_failure_prob: 0.05, pools: [{ id: 'p', asset: 'eth', liquidity_usd: p.liquidityA, fee_bps: p.feeA }] },
              { id: 'b', block_time: '2s', leg_failure_prob: 0.05, pools: [{ id: 'p', asset: 'eth', liquidity_usd: p.liquidityB, fee_bps: p.feeB, price_offset_bps: 300 }] },
            ],
            cross_arbitrageurs: [{ name: 'x', asset: 'eth', rollups: ['a', 'b'], route: p.route, gas_usd: 0, min_profit_usd: 0, tolerance_bps: p.tolerance }],
            sequencing: { shared: { nodes: 4, min_slot_time: '500ms' }, centralized: { bridge: { latency: '3s' } } },
          });
          const { runs, tables } = await runScenario(loaded);
          for (const r of runs) expect(r.status, r.error ?? '').toBe('ok');
          const intents = tables.metrics.toArray().map((r) => r.toJSON()).find((m) => m.mode === 'shared' && m.metric === 'crossrollup.intents');
          cases++;
          if (Number(intents?.value ?? 0) > 0) attempted++;
        },
      ),
      { numRuns: 25, seed: 11 },
    );
    // Bundles were sent in most cases (with a 3% dislocation at the start): the property is not vacuous.
    expect(attempted).toBeGreaterThan(0.8 * cases);
  });
});

describe('the reproducer', () => {
  it('the default scenario with the cross-rollup arbitrageur at zero gas and zero threshold: every shared run completes', async () => {
    const loaded = loadScenario('scenarios/default.yaml', { set: ['cross_arbitrageurs[0].gas_usd=0', 'cross_arbitrageurs[0].min_profit_usd=0', 'modes=[shared]'] });
    const { runs } = await runScenario(loaded);
    for (const r of runs) expect(r.status, r.error ?? '').toBe('ok');
  });
});

describe('what a cross-rollup arbitrageur earns', () => {
  it('crossrollup.arb_profit_usd = its swaps at the reference price − gas on every leg a block executed, filled or not', async () => {
    const loaded = loadScenario(FILE, { set: ['horizon=30m', 'sequencing.centralized.bridge.latency=2s', 'rollups[0].leg_failure_prob=0.2'] });
    const { tables } = await runScenario(loaded);
    const warmup = loaded.scenario.warmup;
    const plain = (r: { toJSON(): Record<string, unknown> }) => Object.fromEntries(Object.entries(r.toJSON()).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
    const txs = tables.txs.toArray().map(plain);
    const trades = tables.trades.toArray().map(plain);
    const metrics = tables.metrics.toArray().map(plain);
    for (const mode of ['centralized', 'shared']) {
      const legs = txs.filter((t) => t.mode === mode && t.sender === 'xarb' && (t.status === 'included' || t.status === 'reverted') && (t.include_us as number) >= warmup);
      const failedLegs = legs.filter((t) => t.status === 'reverted');
      const swaps = trades.filter((t) => t.mode === mode && t.agent === 'xarb' && (t.executed_us as number) >= warmup);
      const expected = swaps.reduce((a, t) => a + (t.profit_usd as number), 0) - 0.05 * legs.length;
      const reported = metrics.find((m) => m.mode === mode && m.metric === 'crossrollup.arb_profit_usd' && m.subject === 'xarb')!.value as number;
      expect(failedLegs.length, mode).toBeGreaterThan(10); // reverted legs pay gas too
      expect(reported, mode).toBeCloseTo(expected, 6);
    }
  });
});
