// Sequencing variants: any number of them on the same seeds, `modes:` as the special case of one
// variant per mode, common random numbers across variants, and bad variants as bad input.
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import { plain } from './util/rows.ts';
import { seqsim, tempDir, ROOT } from './util/cli.ts';
import { loadScenario, parseScenarioText } from '../sim/scenario/load.ts';
import { ScenarioError } from '../sim/scenario/errors.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';

/** A small world with prices, a pool, noise traders, an arbitrageur, a searcher and users on two rollups. */
const world = (extra: Partial<ScenarioInput>): ScenarioInput => ({
  name: 'variants',
  seed: 7,
  runs: 2,
  horizon: '90s',
  warmup: '10s',
  assets: [{ id: 'eth', price: 3000, vol: 0.6, tick: '200ms' }],
  rollups: [
    {
      id: 'fast',
      block_time: '250ms',
      users: [{ name: 'retail', rate: 5 }],
      pools: [{ id: 'eth-usd', asset: 'eth', liquidity_usd: 5_000_000, fee_bps: 5 }],
      traders: [{ name: 'noise', pool: 'eth-usd', rate: 1, size_usd: 2000 }],
      arbitrageurs: [{ name: 'arb', latency: '5ms' }],
      searchers: [{ name: 'sand', latency: '5ms' }],
    },
    { id: 'slow', block_time: '2s', users: [{ name: 'retail', rate: 2 }] },
  ],
  intents: [{ name: 'cross', rate: 0.5, rollups: ['fast', 'slow'] }],
  sequencing: { centralized: { policy: 'priority' }, shared: { preset: 'espresso', nodes: 4, policy: 'priority' } },
  ...extra,
});

type Row = Record<string, unknown>;
const rowsOf = async (input: ScenarioInput) => {
  const { tables, runs } = await runScenario(inlineScenario(input));
  const take = (t: keyof typeof tables) => tables[t].toArray().map((r) => plain(r));
  return { runs, metrics: take('metrics'), txs: take('txs'), trades: take('trades'), runsTable: take('runs') };
};
/** Rows of one mode-column value without the run id (which depends on how many variants run). */
const of = (rows: Row[], mode: string, runIdToSeed: Map<number, number>) =>
  rows.filter((r) => r.mode === mode).map(({ run_id, ...rest }) => ({ seed: runIdToSeed.get(run_id as number), ...rest }));

describe('variants', () => {
  it('`modes: [centralized, shared]` and the two variants named after them give the same rows', async () => {
    const byModes = await rowsOf(world({ modes: ['centralized', 'shared'] }));
    const byVariants = await rowsOf(world({ variants: [{ name: 'centralized', mode: 'centralized' }, { name: 'shared', mode: 'shared' }] }));
    expect(byVariants.metrics).toEqual(byModes.metrics);
    expect(byVariants.txs).toEqual(byModes.txs);
    expect(byVariants.trades).toEqual(byModes.trades);
    // The run plan: seed outer, variant inner.
    expect(byVariants.runs.map((r) => [r.runId, r.seed, r.variant])).toEqual([[0, 7, 'centralized'], [1, 7, 'shared'], [2, 8, 'centralized'], [3, 8, 'shared']]);
  });

  it("adding a variant changes no other variant's rows (every run draws from its own world)", async () => {
    const two = await rowsOf(world({ variants: [{ name: 'central', mode: 'centralized' }, { name: 'espresso', mode: 'shared' }] }));
    const three = await rowsOf(
      world({
        variants: [
          { name: 'central', mode: 'centralized' },
          { name: 'tendermint', mode: 'shared', sequencing: { shared: { preset: 'astria', nodes: 4, stakes: [1, 1, 1, 1] } } },
          { name: 'espresso', mode: 'shared' },
        ],
      }),
    );
    const seeds = (r: { runs: { runId: number; seed: number }[] }) => new Map(r.runs.map((x) => [x.runId, x.seed]));
    for (const v of ['central', 'espresso']) {
      for (const t of ['metrics', 'txs', 'trades'] as const) {
        const a = of(two[t], v, seeds(two));
        expect(a.length, `${v} ${t}`).toBeGreaterThan(0);
        expect(of(three[t], v, seeds(three)), `${v} ${t}`).toEqual(a);
      }
    }
    // The new variant is a different world only through its sequencer: same user submissions.
    const submitted = (rows: Row[], mode: string) =>
      rows.filter((r) => r.mode === mode && r.sender === 'retail').map((r) => [r.run_id, r.tx_id, r.submit_us] as number[]).map(([run, id, at]) => [run % 3, id, at]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(submitted(three.txs, 'tendermint').map(([, ...x]) => x)).toEqual(submitted(three.txs, 'espresso').map(([, ...x]) => x));
    const p50 = (mode: string) => three.metrics.find((m) => m.mode === mode && m.metric === 'latency.inclusion_ms.p50' && m.rollup === 'fast')!.value as number;
    expect(p50('tendermint')).not.toBe(p50('espresso'));
  });

  it("merges a variant's sequencing over the scenario's and records it in runs", async () => {
    const loaded = inlineScenario(world({ variants: [{ name: 'central', mode: 'centralized' }, { name: 'seven', mode: 'shared', sequencing: { shared: { nodes: 7 } } }], baseline: 'seven' }));
    expect(loaded.baseline).toBe('seven');
    const seven = loaded.variants[1].scenario.sequencing.shared;
    expect(seven.nodes).toBe(7);
    expect(seven.policy).toBe('priority'); // the scenario's, kept
    expect(seven.protocol).toBe('hotstuff2'); // the preset's, kept
    expect(loaded.variants[0].scenario.sequencing.shared.nodes).toBe(4);
    const { tables } = await runScenario(loaded);
    const runs = tables.runs.toArray().map((r) => plain(r));
    expect(runs.map((r) => r.mode)).toEqual(['central', 'seven', 'central', 'seven']);
    const params = JSON.parse(runs[1].params_json as string);
    expect(params).toMatchObject({ mode: 'shared', variant: 'seven', sequencing: { shared: { nodes: 7, preset: 'espresso' } } });
    expect(params.variants).toBeUndefined();
    const resolved = JSON.parse(runs[1].resolved_json as string);
    expect(resolved.sequencing.shared.nodes).toBe(7);
    expect(resolved.sequencing.shared.min_slot_time_us).toBe(1_000_000);
    const meta = tables.runs.schema.metadata;
    expect(JSON.parse(meta.get('seqsim.modes')!)).toEqual(['central', 'seven']);
    expect(JSON.parse(meta.get('seqsim.variants')!)).toEqual([{ name: 'central', mode: 'centralized', baseline: false }, { name: 'seven', mode: 'shared', baseline: true }]);
  });
});

describe('modes and variants written in different places: the later one wins', () => {
  it('a file that extends a `modes:` scenario runs its own variants; --set modes= runs the modes', () => {
    const loaded = loadScenario(join(ROOT, 'scenarios/variants.yaml'));
    expect(loaded.variants.map((v) => [v.name, v.mode])).toEqual([['centralized', 'centralized'], ['espresso', 'shared'], ['espresso-global', 'shared'], ['shared-slow', 'shared']]);
    expect(loaded.variants[2].scenario.sequencing.shared.node_regions).toEqual(['us-east', 'eu-frankfurt', 'tokyo']);
    expect(loaded.variants[3].scenario.sequencing.shared).toMatchObject({ nodes: 20, policy: 'priority', min_slot_time: 4_000_000 });
    const modes = loadScenario(join(ROOT, 'scenarios/variants.yaml'), { set: ['modes=[centralized]'] });
    expect(modes.variants.map((v) => v.name)).toEqual(['centralized']);
    expect(modes.namedVariants).toBe(false);
    expect(() => loadScenario(join(ROOT, 'scenarios/variants.yaml'), { set: ['modes=[shared]'] })).toThrow(/baseline: expected a mode \(one of "shared"\): modes replaces the variants/);
  });
});

describe('bad variants: one clear message at the field, nothing run', () => {
  const yaml = (body: string) => `name: x\nhorizon: 1m\nrollups: [{id: a, block_time: 1s}]\nsequencing:\n  shared: { nodes: 5 }\n${body}`;
  const bad = (body: string) => {
    try {
      parseScenarioText(yaml(body), 'bad.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      return (e as Error).message;
    }
    throw new Error('expected a ScenarioError');
  };

  it("points at the variant's own field, with its line, when the variant wrote it", () => {
    const msg = bad('variants:\n  - { name: c, mode: centralized }\n  - name: s\n    mode: shared\n    sequencing: { shared: { nodes: 0 } }\n');
    expect(msg).toMatch(/^bad\.yaml:10:\d+: variants\[1\]\.sequencing\.shared\.nodes: expected a number ≥ 1, found 0 \(in variant "s"\)$/);
  });
  it('checks the merged section: stakes of the variant against the scenario\'s node count', () => {
    const loaded = parseScenarioText(yaml('variants:\n  - { name: s, mode: shared, sequencing: { shared: { stakes: [1, 1, 1, 2, 2] } } }\n'), 'ok.yaml');
    expect(loaded.variants[0].scenario.sequencing.shared).toMatchObject({ nodes: 5, stakes: [1, 1, 1, 2, 2] });
  });
  it('reports a mismatch made by the variant', () => {
    expect(bad('variants:\n  - { name: s, mode: shared, sequencing: { shared: { stakes: [1, 1] } } }\n')).toMatch(/variants\[0\]\.sequencing\.shared\.stakes: expected one stake per node \(5 nodes\)/);
  });
  it('suggests keys inside a variant\'s sequencing', () => {
    expect(bad('variants:\n  - { name: s, mode: shared, sequencing: { shared: { nodez: 3 } } }\n')).toMatch(/variants\[0\]\.sequencing\.shared\.nodez.*did you mean "nodes"/);
  });
  it('refuses modes and variants together, duplicate names, an unknown mode and an unknown baseline', () => {
    expect(bad('modes: [shared]\nvariants: [{ name: s, mode: shared }]\n')).toMatch(/modes: expected either modes or variants/);
    expect(bad('variants: [{ name: s, mode: shared }, { name: s, mode: centralized }]\n')).toMatch(/variants\[1\]\.name: expected a unique variant name/);
    expect(bad('variants: [{ name: s, mode: sharred }]\n')).toMatch(/variants\[0\]\.mode: .*did you mean "shared"/);
    expect(bad('variants: [{ name: s, mode: shared }]\nbaseline: t\n')).toMatch(/baseline: expected a variant name \(one of "s"\)/);
    expect(bad('modes: [centralized, shared]\nbaseline: t\n')).toMatch(/baseline: expected a mode \(one of "centralized", "shared"\)/);
  });
  it('exits 2 from the CLI and writes nothing', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, yaml('variants:\n  - { name: s, mode: shared, sequencing: { shared: { nodes: -1 } } }\n'));
    const out = join(dir, 'out');
    const r = seqsim(['run', file, '-o', out, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: variants\[0\]\.sequencing\.shared\.nodes/);
    expect(existsSync(out)).toBe(false);
    expect(ROOT).toBeTruthy();
  });
});
