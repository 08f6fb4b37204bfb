// The first world end to end: user flow over the network into FCFS sequencers and rollup blocks.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import { batchMeans, mean, naiveStandardError } from './util/stats.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';

type TxRow = { rollup: string; sender: string; tx_id: bigint; submit_us: bigint; arrive_us: bigint | null; include_us: bigint | null; status: string };

async function txRows(input: ScenarioInput): Promise<TxRow[]> {
  const { tables } = await runScenario(inlineScenario(input));
  return tables.txs.toArray().map((r) => r.toJSON() as TxRow);
}

describe('stream independence', () => {
  it("adding a user population to one rollup leaves another rollup's transaction times unchanged", async () => {
    const base: ScenarioInput = {
      name: 'independence',
      horizon: '2m',
      network: { base_latency: '40ms', jitter: '15ms' },
      rollups: [
        { id: 'a', block_time: '1s', users: [{ name: 'u', rate: 5 }] },
        { id: 'b', block_time: '2s', block_time_dist: 'exponential', users: [{ name: 'u', rate: 3 }] },
      ],
    };
    const more = structuredClone(base);
    more.rollups[0].users!.push({ name: 'extra', rate: 20 });
    const times = (rows: TxRow[]) => rows.filter((r) => r.rollup === 'b').map((r) => [r.submit_us, r.arrive_us, r.include_us, r.status]);
    const before = times(await txRows(base));
    const after = times(await txRows(more));
    expect(before.length).toBeGreaterThan(200);
    expect(after).toEqual(before);
  });
});

describe('inclusion wait against theory (negligible network delay, capacity never binding)', () => {
  const T_S = 2;
  const world = (dist: 'fixed' | 'exponential'): ScenarioInput => ({
    name: 'inclusion',
    horizon: '6h',
    warmup: '1m',
    network: { base_latency: '0s', jitter: '0s' },
    rollups: [{ id: 'r', block_time: `${T_S}s`, block_time_dist: dist, capacity: 100000, users: [{ name: 'u', rate: 4 }] }],
  });
  const waitsS = async (dist: 'fixed' | 'exponential') =>
    (await txRows(world(dist))).filter((r) => r.status === 'included' && Number(r.submit_us) >= 60e6).map((r) => Number(r.include_us! - r.submit_us) / 1e6);

  it('fixed block time T: mean wait T/2 (arrival phase is uniform over the block interval)', async () => {
    const w = await waitsS('fixed');
    // Poisson arrivals fall at i.i.d. uniform phases of the fixed block grid: waits are i.i.d.
    const se = naiveStandardError(w);
    expect(w.length).toBeGreaterThan(50_000);
    expect(Math.abs(mean(w) - T_S / 2)).toBeLessThan(4 * se);
    expect(se).toBeLessThan(0.01 * T_S);
  });

  it('exponential block times with mean T: mean wait T (memoryless: the residual is exponential too)', async () => {
    const w = await waitsS('exponential');
    // Transactions that share a block share its time, so waits are correlated: batch means.
    const bm = batchMeans(w, 40);
    expect(Math.abs(bm.mean - T_S)).toBeLessThan(4 * bm.se);
    expect(bm.se).toBeLessThan(0.03 * T_S);
  });
});

describe('library API', () => {
  it('runScenario returns the same runs as planned, with metrics per rollup', async () => {
    const { tables, runs } = await runScenario('scenarios/default.yaml');
    expect(runs.every((r) => r.status === 'ok')).toBe(true);
    expect(tables.runs.numRows).toBe(runs.length);
    // Per-rollup figures for every rollup, and whole-run figures (rollup null) such as consensus.*.
    const rollups = new Set(tables.metrics.toArray().map((r) => r.rollup));
    expect(rollups).toEqual(new Set(['fast', 'medium', 'slow', null]));
    expect(new Set(runs.map((r) => r.mode))).toEqual(new Set(['centralized', 'shared']));
  });
});
