// Multi-leg option strategies through the simulator. On one venue a strategy is one transaction:
// every leg fills entirely or none does, in every mode. Across two rollups it is a bundle: atomic
// under a shared set, two independent legs under centralized sequencing — where one leg can fill
// and the other fail, the legging risk atomicity removes. With each rollup failing a leg on its
// own with probability p and nothing else failing them, the centralized partial-fill rate is
// 2p(1 − p) and the shared one 0, with the shared fill rate (1 − p)².
import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import { plain } from './util/rows.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';
import { parseScenarioText } from '../sim/scenario/load.ts';

const P = 0.2;

function world(): ScenarioInput {
  const rollup = (id: string) => ({ id, block_time: '2s', leg_failure_prob: P, pools: [{ id: 'p', asset: 'eth', liquidity_usd: 5e7, fee_bps: 5 }], arbitrageurs: [{ name: 'arb', latency: '5ms', gas_usd: 0.05 }] });
  const venue = (id: string, r: string) => ({ id, rollup: r, asset: 'eth', strikes_pct: [-5, 0, 5], strike_step: 50, expiries: ['1h'] });
  // Generous limits and deep quotes: legs fail on their rollup's draw, not on prices.
  const taker = (name: string, strategy: 'risk_reversal' | 'vertical' | 'cross_rollup_spread') => ({ name, kind: 'uninformed' as const, venue: 'va', rate: 0.3, size: 1, limit_bps: 500, strategy, ...(strategy === 'cross_rollup_spread' ? { other_venue: 'vb' } : {}) });
  return {
    name: 'strategies',
    seed: 5,
    runs: 1,
    horizon: '40m',
    warmup: '0s',
    modes: ['centralized', 'shared'],
    network: { base_latency: '20ms', jitter: '5ms' },
    assets: [{ id: 'eth', price: 3000, vol: 0.6, tick: '100ms' }],
    rollups: [rollup('a'), rollup('b')],
    sequencing: { centralized: { policy: 'fcfs' }, shared: { nodes: 4, node_latency: '20ms', node_jitter: '5ms', min_slot_time: '1s', policy: 'fcfs' } },
    options: {
      venues: [venue('va', 'a'), venue('vb', 'b')],
      makers: [{ name: 'mm', venues: ['va', 'vb'], latency: '20ms', refresh: '10s', move_threshold_bps: 5, size: 1000, hedge_threshold: 5 }],
      takers: [taker('rr', 'risk_reversal'), taker('vert', 'vertical'), taker('xspread', 'cross_rollup_spread')],
    },
  };
}

type Row = Record<string, unknown>;

/** Each strategy order of a taker in a mode: how many of its legs filled (entirely), of how many. */
function ordersOf(rows: Row[], mode: string, taker: string) {
  const byOrder = new Map<string, { legs: number; filled: Map<number, number>; failed: Set<number>; instruments: Set<string>; sides: Set<string> }>();
  for (const r of rows.filter((x) => x.mode === mode && x.taker === taker)) {
    const key = String(r.strategy_order);
    let o = byOrder.get(key);
    if (!o) byOrder.set(key, (o = { legs: r.legs as number, filled: new Map(), failed: new Set(), instruments: new Set(), sides: new Set() }));
    o.instruments.add(r.instrument as string);
    o.sides.add(`${r.leg}:${r.side}`);
    if (r.status === 'filled') o.filled.set(r.leg as number, (o.filled.get(r.leg as number) ?? 0) + (r.size as number));
    else o.failed.add(r.leg as number);
  }
  return [...byOrder.values()];
}

describe('multi-leg option strategies', () => {
  it('on one venue every leg fills entirely or none does; across rollups a shared set is all-or-none and centralized sequencing legs at 2p(1 − p)', async () => {
    const { tables } = await runScenario(inlineScenario(world()));
    const rows = tables.option_trades.toArray().map((x) => plain(x));
    for (const mode of ['centralized', 'shared']) {
      for (const taker of ['rr', 'vert']) {
        const orders = ordersOf(rows, mode, taker);
        expect(orders.length).toBeGreaterThan(300);
        for (const o of orders) {
          expect(o.legs).toBe(2);
          expect(o.instruments.size).toBe(2);
          // One long leg and one short: leg 0 on the order's side, leg 1 on the other.
          expect([...o.sides].map((s) => s.split(':')[1]).sort()).toEqual(['buy', 'sell']);
          const all = o.filled.size === 2 && [...o.filled.values()].every((n) => n === 1);
          const none = o.filled.size === 0 && o.failed.size === 2;
          expect(all || none).toBe(true);
        }
        // Deep quotes and wide limits: nearly all fill.
        expect(orders.filter((o) => o.filled.size === 2).length).toBeGreaterThan(0.9 * orders.length);
      }
    }
    const rates = (mode: string) => {
      const orders = ordersOf(rows, mode, 'xspread');
      const n = orders.length;
      const full = orders.filter((o) => o.filled.size === 2).length / n;
      const partial = orders.filter((o) => o.filled.size === 1).length / n;
      return { n, full, partial };
    };
    const c = rates('centralized');
    const s = rates('shared');
    const se = (q: number, n: number) => Math.sqrt((q * (1 - q)) / n);
    const legged = 2 * P * (1 - P);
    console.log(`cross-rollup spreads: centralized ${c.n} orders, legged ${c.partial.toFixed(3)} (2p(1−p) = ${legged.toFixed(2)} ± ${se(legged, c.n).toFixed(3)}); shared ${s.n} orders, legged ${s.partial}, filled ${s.full.toFixed(3)} ((1−p)² = ${((1 - P) ** 2).toFixed(2)} ± ${se((1 - P) ** 2, s.n).toFixed(3)})`);
    expect(c.n).toBeGreaterThan(300);
    expect(s.n).toBeGreaterThan(300);
    expect(Math.abs(c.partial - legged)).toBeLessThan(4 * se(legged, c.n));
    expect(s.partial).toBe(0);
    expect(Math.abs(s.full - (1 - P) ** 2)).toBeLessThan(4 * se((1 - P) ** 2, s.n));
    // The cross-rollup intent metrics count the same bundles, under the taker's name.
    const metric = (mode: string, name: string) => plain(tables.metrics.toArray().find((m) => plain(m).mode === mode && plain(m).metric === name && plain(m).subject === 'xspread')!).value as number;
    expect(metric('centralized', 'crossrollup.partial_fraction')).toBeCloseTo(c.partial, 1);
    expect(metric('shared', 'crossrollup.partial_fraction')).toBe(0);
  });

  it('a strategy the venue cannot list is refused with the field and the reason', () => {
    const bad = world();
    bad.options!.venues![0].kinds = ['call'];
    expect(() => parseScenarioText(JSON.stringify(bad), 'bad.json')).toThrow(/options\.takers\[0\]\.strategy[\s\S]*calls and puts/);
    const noOther = world();
    delete (noOther.options!.takers![2] as { other_venue?: string }).other_venue;
    expect(() => parseScenarioText(JSON.stringify(noOther), 'bad.json')).toThrow(/options\.takers\[2\]\.other_venue/);
    const sameRollup = world();
    sameRollup.options!.venues![1].rollup = 'a';
    expect(() => parseScenarioText(JSON.stringify(sameRollup), 'bad.json')).toThrow(/options\.takers\[2\]\.other_venue[\s\S]*another rollup/);
  });
});
