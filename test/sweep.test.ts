// Sweeps: the points a sweep block gives (grid × Latin hypercube), each point's scenario, the
// points table typed from the definition, pooled quantiles merged from the sketches, and the
// errors for bad sweep blocks.
import { describe, expect, it } from 'vitest';
import { DDSketch } from '@datadog/sketches-js';
import { parseScenarioText } from '../sim/scenario/load.ts';
import { runToMemory } from '../sim/experiment/outputs.ts';
import { planRuns } from '../sim/experiment/run.ts';
import { LIMITS } from '../sim/scenario/limits.ts';
import { smallWorld } from './util/smallWorld.ts';

const BASE = smallWorld({ name: 'sweep-test', seed: 3, runs: 2, horizon: '20s', users: 10, traders: 2 });

const load = (sweep: string, set: string[] = []) => parseScenarioText(`${BASE}${sweep}`, 'sweep.yaml', { set });

describe('sweep points', () => {
  it('crosses the grid (first path outermost) with the Latin hypercube samples, and every run carries its point', () => {
    const loaded = load(`
sweep:
  grid:
    sequencing.shared.nodes: [4, 8]
    rollups[0].block_time: [250ms, 1s]
  latin_hypercube:
    samples: 3
    ranges:
      rollups[0].users[0].rate: [1, 20]
`);
    expect(loaded.pointCount).toBe(12);
    const pts = loaded.sweep!.points;
    expect(pts.map((p) => p.slice(0, 2))).toEqual([4, 4, 4, 4, 4, 4, 8, 8, 8, 8, 8, 8].map((n, i) => [n, Math.floor(i / 3) % 2 === 0 ? '250ms' : '1s']));
    // The same three samples at every grid combination.
    for (let g = 1; g < 4; g++) expect(pts.slice(3 * g, 3 * g + 3).map((p) => p[2])).toEqual(pts.slice(0, 3).map((p) => p[2]));
    const p7 = loaded.point(7);
    expect(p7.scenario.sequencing.shared.nodes).toBe(8);
    expect(p7.scenario.rollups[0].block_time).toBe(250_000);
    expect(p7.scenario.rollups[0].users[0].rate).toBe(pts[7][2]);
    const plans = planRuns(loaded);
    expect(plans).toHaveLength(12 * 2 * 2);
    expect(plans.slice(0, 5).map((p) => [p.point, p.seed, p.variant])).toEqual([[0, 3, 'centralized'], [0, 3, 'shared'], [0, 4, 'centralized'], [0, 4, 'shared'], [1, 3, 'centralized']]);
  });

  it('uses each of the n strata of every range exactly once, from a seeded stream', () => {
    const n = 50;
    const sweep = (seed: number) => `
sweep:
  latin_hypercube:
    samples: ${n}
    seed: ${seed}
    ranges:
      network.base_latency: [10ms, 110ms]
      rollups[0].users[0].rate: [0, 5]
      sequencing.shared.nodes: { min: 1, max: 100, integer: true }
`;
    const a = load(sweep(1));
    const strata = (k: number, lo: number, hi: number, parse: (v: unknown) => number) =>
      a.sweep!.points.map((p) => Math.floor(((parse(p[k]) - lo) / (hi - lo)) * n)).sort((x, y) => x - y);
    const all = Array.from({ length: n }, (_, i) => i);
    expect(strata(1, 0, 5, Number)).toEqual(all);
    // Whole numbers 1 … 100 in 50 strata: two values each; durations in whole µs.
    expect(strata(2, 1, 101, Number)).toEqual(all);
    expect(a.sweep!.points.every((p) => Number.isInteger(p[2]))).toBe(true);
    expect(strata(0, 10_000, 110_001, (v) => Number(String(v).replace('us', '')))).toEqual(all);
    expect(load(sweep(1)).sweep!.points).toEqual(a.sweep!.points);
    expect(load(sweep(2)).sweep!.points).not.toEqual(a.sweep!.points);
  });

  it('writes points.arrow with a column per parameter, typed from the sweep definition', async () => {
    const loaded = load(`
sweep:
  grid:
    sequencing.shared.nodes: [4, 6]
    network.jitter: [0s, 2ms]
    sequencing.shared.preset: [espresso]
  latin_hypercube:
    samples: 1
    ranges: { "rollups[0].users[0].rate": [1, 2] }
`, ['horizon=5s', 'runs=1']);
    const { tables } = await runToMemory(loaded);
    const points = tables.points;
    expect(points.schema.fields.map((f) => [f.name, String(f.type), f.metadata.get('unit') ?? ''])).toEqual([
      ['point', 'Int32', ''],
      ['sequencing_shared_nodes', 'Int64', ''],
      ['network_jitter_us', 'Int64', 'µs'],
      ['sequencing_shared_preset', 'Utf8', ''],
      ['rollups_0_users_0_rate', 'Float64', ''],
    ]);
    const rows = points.toArray().map((r) => r.toJSON());
    expect(rows.map((r) => [r.point, r.sequencing_shared_nodes, r.network_jitter_us])).toEqual([[0, 4n, 0n], [1, 4n, 2000n], [2, 6n, 0n], [3, 6n, 2000n]]);
    const runs = tables.runs.toArray().map((r) => ({ point: r.point, params: JSON.parse(r.params_json) }));
    expect(runs.map((r) => r.point)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(runs[3].params.network.jitter).toBe('2ms');
    expect(runs[3].params.sweep).toBeUndefined();
    expect(new Set(tables.comparison.toArray().map((r) => r.point))).toEqual(new Set([0, 1, 2, 3]));
  }, 60_000);

  it('pools each point\'s quantiles by merging its runs\' sketches', async () => {
    const loaded = load(`
sweep:
  grid: { sequencing.shared.nodes: [4, 8] }
`, ['runs=3']);
    const { tables } = await runToMemory(loaded);
    const pointOf = new Map(tables.runs.toArray().map((r) => [r.run_id, r.point]));
    const pooled = tables.point_metrics.toArray().map((r) => r.toJSON());
    let checked = 0;
    for (const [point, mode] of [[0, 'shared'], [1, 'shared'], [1, 'centralized']] as const) {
      const sketches = tables.sketches.toArray().filter((s) => pointOf.get(s.run_id) === point && s.mode === mode && s.metric === 'latency.inclusion_ms' && s.rollup === 'fast');
      expect(sketches).toHaveLength(3);
      const merged = DDSketch.fromProto(sketches[0].ddsketch);
      for (const s of sketches.slice(1)) merged.merge(DDSketch.fromProto(s.ddsketch));
      const row = (stat: string) => pooled.find((r) => r.point === point && r.mode === mode && r.metric === `latency.inclusion_ms.${stat}` && r.rollup === 'fast')!;
      expect(row('p50').value).toBe(merged.getValueAtQuantile(0.5));
      expect(row('p99').value).toBe(merged.getValueAtQuantile(0.99));
      const count = sketches.reduce((n, s) => n + Number(s.count), 0);
      expect(Number(row('mean').count)).toBe(count);
      expect(row('mean').value).toBeCloseTo(sketches.reduce((t, s) => t + s.sum, 0) / count, 9);
      expect(row('mean').runs).toBe(3);
      checked++;
    }
    expect(checked).toBe(3);
  }, 60_000);
});

describe('bad sweep blocks', () => {
  const bad = (sweep: string) => {
    try {
      load(sweep);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected the sweep to be refused');
  };

  it('places a value a point cannot take at its sweep entry, with the point', () => {
    expect(bad(`
sweep:
  grid:
    sequencing.shared.nodes: [4, 0]
`)).toMatch(/^sweep\.yaml:\d+:\d+: sequencing\.shared\.nodes: expected a number ≥ 1, found 0 \(at sweep point 1: sequencing\.shared\.nodes = 0\)$/);
  });

  it('refuses paths that do not parse, fields that define the plan, values of mixed kinds and a list index out of range', () => {
    expect(bad('sweep: { grid: { "rollups[x": [1] } }')).toMatch(/sweep\.grid\.rollups\[x: expected a field path like/);
    expect(bad('sweep: { grid: { runs: [1, 2] } }')).toMatch(/cannot sweep runs: runs defines the plan/);
    expect(bad('sweep: { grid: { "assets[0].file": [a.csv] } }')).toMatch(/price files are read once/);
    expect(bad('sweep: { grid: { network.jitter: [1ms, 3] } }')).toMatch(/expected values of one kind .*found \["1ms",3\]/);
    expect(bad('sweep: { grid: { "rollups[4].block_time": [1s] } }')).toMatch(/rollups has 1 entry; there is no index 4 to set \(at sweep point 0/);
    expect(bad('sweep: { latin_hypercube: { samples: 2, ranges: { network.jitter: [5ms, 1ms] } } }')).toMatch(/expected min < max, found \["5ms","1ms"\]/);
    expect(bad('sweep: {}')).toMatch(/sweep: expected a grid or latin_hypercube\.ranges/);
    expect(bad('sweep: { grid: { network.jitter: [1ms] }, latin_hypercube: { samples: 2, ranges: { network.jitter: [1ms, 2ms] } } }')).toMatch(/expected each field swept once/);
  });

  it('refuses a plan past LIMITS.runs before resolving any point', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    const t0 = performance.now();
    expect(bad(`sweep: { grid: { sequencing.shared.nodes: [${values}], "rollups[0].users[0].rate": [${values.slice(0, 60)}] } }`)).toMatch(
      new RegExp(`sweep: expected a plan of at most ${LIMITS.runs.toLocaleString('en-US')} runs, found 60,000 grid points × 2 seeds × 2 variants = 240,000$`),
    );
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
