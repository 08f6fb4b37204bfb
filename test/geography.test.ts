// Geography: parties sit in regions and messages take the region matrix's one-way delays
// (docs/calibration.md §10). A shared set spread across continents pays those delays in every
// consensus round; a user far from its sequencer pays them on every submission.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/index.ts';
import { REGION_PRESETS } from '../sim/model/regions.ts';
import { inlineScenario } from './util/scenario.ts';
import { plain } from './util/rows.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';

const aws = REGION_PRESETS.aws;
/** One-way µs between two aws regions, from the round trips of the preset. */
const oneWay = (a: string, b: string) => (a === b ? aws.withinMs * 1000 : ((aws.rttMs[`${a}/${b}`] ?? aws.rttMs[`${b}/${a}`]) * 1000) / 2);

function world(nodeRegions: string[], userRegion = 'us-east'): ScenarioInput {
  return {
    name: 'geo',
    horizon: '5m',
    warmup: '0s',
    modes: ['centralized', 'shared'],
    network: { regions: 'aws', default_region: 'us-east', jitter: '0s' },
    rollups: [{ id: 'r', block_time: '250ms', region: 'us-east', users: [{ name: 'u', rate: 10, region: userRegion }] }],
    sequencing: { shared: { protocol: 'hotstuff2', nodes: nodeRegions.length, node_regions: nodeRegions, node_jitter: '0s', min_slot_time: '0s', commit_chain: 2 } },
  };
}

/**
 * The mean HotStuff-2 view length over a round-robin rotation, computed independently: a view led
 * by L ends when the next leader L' holds a quorum (3·votes > 2·n) of votes, replica i's vote
 * arriving at d(L,i) + d(i,L') with d(L,L) = d(L',L') = 0.
 */
function expectedViewUs(regions: string[]): number {
  const n = regions.length;
  const d = (i: number, j: number) => (i === j ? 0 : oneWay(regions[i], regions[j]));
  const quorum = Math.floor((2 * n) / 3) + 1;
  let sum = 0;
  for (let L = 0; L < n; L++) {
    const next = (L + 1) % n;
    const arrivals = regions.map((_, i) => d(L, i) + d(i, next)).sort((a, b) => a - b);
    sum += arrivals[quorum - 1];
  }
  return sum / n;
}

const metric = (rows: Record<string, unknown>[], mode: string, name: string) => rows.find((m) => m.mode === mode && m.metric === name)!.value as number;

describe('a shared set across continents costs what the distances cost', () => {
  it('views last the quorum order statistic of the region delays: one region ≈ 1 ms, three continents ≈ 100 ms', async () => {
    const spread = ['us-east', 'us-east', 'eu-frankfurt', 'eu-frankfurt', 'tokyo', 'tokyo'];
    const local = ['us-east', 'us-east', 'us-east', 'us-east', 'us-east', 'us-east'];
    for (const regions of [spread, local]) {
      const { tables } = await runScenario(inlineScenario(world(regions)));
      const metrics = tables.metrics.toArray().map((r) => plain(r));
      const measured = metric(metrics, 'shared', 'consensus.commit_interval_ms.mean') * 1000;
      const expected = expectedViewUs(regions);
      // Deterministic delays: only the partial rotation at the horizon separates the run's mean from the rotation's.
      expect(Math.abs(measured / expected - 1), `${regions.join(',')}: ${measured} vs ${expected} µs`).toBeLessThan(0.002);
      console.log(`${regions.join(',')}: mean view ${(measured / 1000).toFixed(2)} ms (rotation mean ${(expected / 1000).toFixed(2)} ms)`);
    }
    expect(expectedViewUs(spread)).toBeGreaterThan(50 * expectedViewUs(local));
  });

  it('a user in Tokyo reaches a us-east sequencer in 72.5 ms and a set with a Tokyo node in 0.5 ms', async () => {
    const { tables } = await runScenario(inlineScenario(world(['us-east', 'eu-frankfurt', 'tokyo', 'us-east'], 'tokyo')));
    const metrics = tables.metrics.toArray().map((r) => plain(r));
    expect(metric(metrics, 'centralized', 'latency.network_ms.mean')).toBeCloseTo(oneWay('tokyo', 'us-east') / 1000, 9);
    expect(metric(metrics, 'shared', 'latency.network_ms.mean')).toBeCloseTo(oneWay('tokyo', 'tokyo') / 1000, 9);
  });

  it('a region nobody defined is bad input, naming the field', () => {
    const bad = world(['us-east', 'mars']);
    expect(() => inlineScenario(bad)).toThrow(/sequencing\.shared\.node_regions\[1\].*expected a region of network\.regions/);
    const noGeo = { ...world(['us-east']), network: { base_latency: '10ms' } };
    expect(() => inlineScenario(noGeo)).toThrow(/set network\.regions first/);
  });
});
