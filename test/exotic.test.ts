// The cross-rollup exotic through the simulator: a dual digital on an ETH pool on rollup a and a
// BTC pool on rollup b. What its terms promise (both pools at the expiry instant) is priced by
// the closed form; what its settlement pays depends on when each leg read its pool: one slot
// under a shared set, leg 1 after the bridge under independent sequencers.
//
// Theory for an at-the-money dual digital on driftless log prices: each leg's indicator is a fair
// coin at any time, and flips between T and T + d with probability q = arccos(√(T/(T+d)))/π
// (Brownian motion). With the legs independent, the settled payoff differs from the promised one
// with probability [1 − (1 − q₀)(1 − q₁)]/2, q₀ and q₁ from each leg's read delay.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import { plain } from './util/rows.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';
import { parseScenarioText } from '../sim/scenario/load.ts';
import { normalCdf } from '../sim/model/options/blackScholes.ts';
import { YEAR_US } from '../sim/model/market/price.ts';

const TENOR_S = 600;
const VOL = { eth: 0.6, btc: 0.5 };

function world(): ScenarioInput {
  // Deep 1 bp pools kept at the reference by fast arbitrageurs: a pool's price is its asset's.
  const rollup = (id: string, asset: string) => ({ id, block_time: '2s', pools: [{ id: 'p', asset, liquidity_usd: 1e9, fee_bps: 1 }], arbitrageurs: [{ name: 'arb', latency: '5ms', gas_usd: 0 }] });
  return {
    name: 'exotic',
    seed: 11,
    runs: 8,
    horizon: '4h',
    warmup: '0s',
    modes: ['centralized', 'shared'],
    network: { base_latency: '20ms', jitter: '0s' },
    assets: [
      { id: 'eth', price: 3000, vol: VOL.eth, tick: '100ms' },
      { id: 'btc', price: 60000, vol: VOL.btc, tick: '100ms' },
    ],
    rollups: [rollup('a', 'eth'), rollup('b', 'btc')],
    sequencing: { centralized: { policy: 'fcfs' }, shared: { nodes: 4, node_latency: '20ms', node_jitter: '0s', min_slot_time: '1s', policy: 'fcfs' } },
    options: {
      exotics: [
        { id: 'atm', legs: [{ rollup: 'a', pool: 'p', strike_pct: 0 }, { rollup: 'b', pool: 'p', strike_pct: 0 }], tenor: `${TENOR_S}s`, payout_usd: 100 },
        { id: 'otm', legs: [{ rollup: 'a', pool: 'p', strike_pct: 0.2 }, { rollup: 'b', pool: 'p', strike_pct: -0.1 }], tenor: `${TENOR_S}s`, payout_usd: 100 },
      ],
    },
  };
}

const flip = (dS: number) => Math.acos(Math.sqrt(TENOR_S / (TENOR_S + Math.max(dS, 0)))) / Math.PI;

describe('a cross-rollup dual digital', () => {
  it('settles on one slot under a shared set and on readings a bridge apart otherwise; its mismatches match the Brownian flip probability, its promised payoff the closed form', async () => {
    const { tables } = await runScenario(inlineScenario(world()));
    const rows = tables.exotics.toArray().map((x) => plain(x));
    const se = (p: number, n: number) => Math.sqrt((p * (1 - p)) / n);
    for (const mode of ['centralized', 'shared']) {
      const atm = rows.filter((r) => r.mode === mode && r.exotic === 'atm' && r.status === 'settled');
      expect(atm.length).toBeGreaterThan(150);
      const gaps = atm.map((r) => r.read_gap_ms as number);
      if (mode === 'shared') for (const g of gaps) expect(g).toBe(0);
      else for (const g of gaps) expect(g).toBeGreaterThanOrEqual(242_000);
      // Each expiry's mismatch probability from its own read delays, against what happened.
      const expected = atm.map((r) => {
        const q0 = flip((Number(r.read_us_0) - Number(r.expiry_us)) / 1e6);
        const q1 = flip((Number(r.read_us_1) - Number(r.expiry_us)) / 1e6);
        return (1 - (1 - q0) * (1 - q1)) / 2;
      });
      const m = expected.reduce((a, x) => a + x, 0) / atm.length;
      const mSe = Math.sqrt(expected.reduce((a, x) => a + x * (1 - x), 0)) / atm.length;
      const observed = atm.filter((r) => r.settlement_error_usd !== 0).length / atm.length;
      console.log(`${mode}: ${atm.length} expiries, mismatched ${observed.toFixed(3)} (theory ${m.toFixed(3)} ± ${mSe.toFixed(3)}), mean read gap ${(gaps.reduce((a, x) => a + x, 0) / gaps.length / 1000).toFixed(1)} s`);
      expect(Math.abs(observed - m)).toBeLessThan(4 * mSe + 0.01); // 0.01: a pool moves in blocks, within its 1 bp band, not continuously
      // The written payoff, priced at listing: P(S_T ≥ K) = N(ln(S/K)/(σ√T)) per leg.
      const otm = rows.filter((r) => r.mode === mode && r.exotic === 'otm');
      const years = (TENOR_S * 1e6) / YEAR_US;
      const fair = 100 * normalCdf(Math.log(1 / 1.002) / (VOL.eth * Math.sqrt(years))) * normalCdf(Math.log(1 / 0.999) / (VOL.btc * Math.sqrt(years)));
      for (const r of otm) expect(r.fair_usd as number).toBeCloseTo(fair, 6);
      const promised = otm.reduce((a, r) => a + (r.payout_at_expiry_usd as number), 0) / otm.length;
      console.log(`${mode}: otm promised ${promised.toFixed(2)} USD vs fair ${fair.toFixed(2)} ± ${(100 * se(fair / 100, otm.length)).toFixed(2)}`);
      expect(Math.abs(promised - fair)).toBeLessThan(4 * 100 * se(fair / 100, otm.length));
    }
    // The metrics: more mismatches through the bridge than in one slot.
    const metric = (mode: string, name: string) => plain(tables.metrics.toArray().find((x) => plain(x).mode === mode && plain(x).metric === name && plain(x).subject === 'atm' && plain(x).run_id !== undefined)!).value as number;
    expect(metric('centralized', 'exotic.read_gap_ms.mean')).toBeGreaterThan(242_000);
    expect(metric('shared', 'exotic.read_gap_ms.mean')).toBe(0);
  });

  it('refuses legs on one rollup or on one asset, naming the field', () => {
    const one = world();
    one.options!.exotics![0].legs[1].rollup = 'a';
    expect(() => parseScenarioText(JSON.stringify(one), 'bad.json')).toThrow(/options\.exotics\[0\]\.legs\[1\]\.rollup[\s\S]*two different rollups/);
    const same = world();
    same.rollups![1].pools![0].asset = 'eth';
    expect(() => parseScenarioText(JSON.stringify(same), 'bad.json')).toThrow(/options\.exotics\[0\]\.legs\[1\]\.pool[\s\S]*two different assets/);
  });
});
