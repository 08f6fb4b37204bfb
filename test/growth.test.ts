// The growth benchmark's worlds (bench/growth.ts) grow what they say they grow and nothing else,
// the largest of them runs, and its slope is the exponent of a power law.
import { describe, expect, it } from 'vitest';
import { growthFactors, logLogSlope } from '../bench/growth.ts';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';

const [flow, rollups, nodes] = growthFactors('2m');
const rate = (data: Record<string, any>) =>
  data.rollups.reduce((sum: number, r: any) => sum + [...(r.users ?? []), ...(r.traders ?? [])].reduce((s: number, f: any) => s + f.rate, 0), 0) +
  data.intents.reduce((s: number, f: any) => s + f.rate, 0);

describe('growth benchmark', () => {
  it('log-log slope recovers the exponent of a power law', () => {
    expect(logLogSlope([4, 16, 64], [4, 16, 64].map((x) => 3 * x ** 1.5))).toBeCloseTo(1.5, 12);
    expect(logLogSlope([10, 100, 1000], [2, 2, 2])).toBe(0);
  });

  it('each factor changes its own size only, and every world validates', () => {
    const base = inlineScenario(flow.make(1) as never).scenario;
    expect(base.rollups).toHaveLength(4);
    expect(base.sequencing.shared.nodes).toBe(10);
    for (const k of flow.sizes) {
      const data = flow.make(k);
      expect(rate(data)).toBeCloseTo(k * rate(flow.make(1)), 9);
      expect(inlineScenario(data as never).scenario.rollups).toHaveLength(4);
    }
    for (const n of rollups.sizes) {
      const s = inlineScenario(rollups.make(n) as never).scenario;
      expect(s.rollups).toHaveLength(n);
      expect(new Set(s.rollups.map((r) => r.id)).size).toBe(n);
      // Flow per rollup is the base's: the total grows with the rollups.
      expect(rate(rollups.make(n))).toBeCloseTo((n / 4) * rate(flow.make(1)), 9);
      expect(s.cross_arbitrageurs).toHaveLength((n / 4) * base.cross_arbitrageurs.length);
    }
    for (const n of nodes.sizes) {
      const s = inlineScenario(nodes.make(n) as never).scenario;
      expect(s.sequencing.shared.nodes).toBe(n);
      expect(rate(nodes.make(n))).toBeCloseTo(rate(flow.make(1)), 9);
    }
  });

  it("the 64-rollup world runs: every rollup executes transactions, and every copy's intent flow sends", async () => {
    const { tables, runs } = await runScenario(inlineScenario(rollups.make(64) as never, 'growth-64.json'));
    expect(runs.map((r) => r.status)).toEqual(['ok']);
    const perRollup = new Map<string, number>();
    for (const row of tables.txs) if (row.status === 'included') perRollup.set(row.rollup, (perRollup.get(row.rollup) ?? 0) + 1);
    expect(perRollup.size).toBe(64);
    const senders = new Set(Array.from(tables.txs, (row) => row.sender as string));
    for (let c = 0; c < 16; c++) expect(senders.has(c === 0 ? 'cross' : `cross-${c}`)).toBe(true);
  });
});
