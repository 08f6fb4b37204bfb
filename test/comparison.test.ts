// comparison.arrow from `seqsim run` (every variant against the baseline) and `seqsim compare A/ B/`
// (two output directories, paired by seed and variant), read back by an independent reader.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { seqsim, tempDir } from './util/cli.ts';
import { readArrowRows } from './util/polars.ts';
import { tInterval } from '../analysis/summary.ts';

const SCENARIO = `
name: three-variants
seed: 3
runs: 10
horizon: 40s
warmup: 5s
assets: [{ id: eth, price: 3000, vol: 0.6, tick: 200ms }]
rollups:
  - id: fast
    block_time: 250ms
    users: [{ name: retail, rate: 4 }]
    pools: [{ id: eth-usd, asset: eth, liquidity_usd: 5000000, fee_bps: 5 }]
    traders: [{ name: noise, pool: eth-usd, rate: 1, size_usd: 2000 }]
    arbitrageurs: [{ name: arb, latency: 5ms }]
  - { id: slow, block_time: 2s, users: [{ name: retail, rate: 2 }] }
sequencing:
  shared: { preset: espresso, nodes: 4 }
variants:
  - { name: central, mode: centralized }
  - { name: espresso, mode: shared }
  - name: espresso-slow
    mode: shared
    sequencing: { shared: { min_slot_time: 2s } }
`;

function scenarioFile(): string {
  const file = join(tempDir(), 'three.yaml');
  writeFileSync(file, SCENARIO);
  return file;
}

describe('comparison.arrow from seqsim run', () => {
  it('pairs every variant with the baseline seed by seed, with t and bootstrap intervals, and prints one column per variant', () => {
    const file = scenarioFile();
    const out = join(tempDir(), 'out');
    const r = seqsim(['run', file, '-o', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/30 runs \(central, espresso, espresso-slow × 10 seeds/);
    expect(r.stdout).toMatch(/metric\s+central\s+espresso\s+espresso-slow\s+espresso − central \(paired\)\s+espresso-slow − central \(paired\)/);
    expect(r.stdout).toMatch(/wrote .*comparison\.arrow \(\d+ rows\)/);

    const rows = readArrowRows(join(out, 'comparison.arrow'));
    expect(new Set(rows.map((x) => x.variant))).toEqual(new Set(['espresso', 'espresso-slow']));
    expect(rows.every((x) => x.baseline === 'central')).toBe(true);
    const metrics = readArrowRows(join(out, 'metrics.arrow'));
    const runs = readArrowRows(join(out, 'runs.arrow'));
    const seedOf = new Map(runs.map((x) => [x.run_id, x.seed]));
    // Recompute one row by hand from metrics.arrow.
    const pick = (mode: string) => new Map(metrics.filter((m) => m.mode === mode && m.metric === 'latency.inclusion_ms.mean' && m.rollup === 'fast').map((m) => [seedOf.get(m.run_id), m.value as number]));
    const [c, s] = [pick('central'), pick('espresso-slow')];
    const diffs = [...c.keys()].sort().map((seed) => s.get(seed)! - c.get(seed)!);
    const t = tInterval(diffs);
    const row = rows.find((x) => x.metric === 'latency.inclusion_ms.mean' && x.rollup === 'fast' && x.variant === 'espresso-slow')!;
    expect(row.n).toBe(10);
    expect(row.diff_mean as number).toBeCloseTo(t.mean, 9);
    expect(row.diff_t_low as number).toBeCloseTo(t.mean - t.ci95, 9);
    expect(row.diff_t_high as number).toBeCloseTo(t.mean + t.ci95, 9);
    expect(row.diff_boot_low as number).toBeLessThan(t.mean);
    expect(row.diff_boot_high as number).toBeGreaterThan(t.mean);
    expect(row.unit).toBe('ms');
    // Slower slots include later: a mechanism, read from the same world.
    expect(row.diff_mean as number).toBeGreaterThan(0);
    const meta = tableFromIPC(readFileSync(join(out, 'comparison.arrow'))).schema.metadata;
    expect(JSON.parse(meta.get('seqsim.comparison')!)).toEqual({ kind: 'variants', baseline: 'central' });

    // Same inputs, same bytes.
    const again = join(tempDir(), 'again');
    expect(seqsim(['run', file, '-o', again, '--quiet']).code).toBe(0);
    expect(readFileSync(join(again, 'comparison.arrow')).equals(readFileSync(join(out, 'comparison.arrow')))).toBe(true);
  });
});

describe('seqsim compare', () => {
  const file = scenarioFile();
  const fast = ['--set', 'runs=3', '--quiet'];
  const a = join(tempDir(), 'a');
  const b = join(tempDir(), 'b');
  const ran = () => {
    if (existsSync(join(b, 'runs.arrow'))) return;
    expect(seqsim(['run', file, '-o', a, ...fast]).code).toBe(0);
    expect(seqsim(['run', file, '-o', b, ...fast, '--set', 'sequencing.shared.nodes=7']).code).toBe(0);
  };

  it('pairs two directories by seed and variant and writes the same table', () => {
    ran();
    const cmp = join(tempDir(), 'cmp');
    const r = seqsim(['compare', a, b, '-o', cmp, '--all']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/three-variants: .* against .*, 3 seeds × 3 variants, paired by seed and variant/);
    const rows = readArrowRows(join(cmp, 'comparison.arrow'));
    expect(rows.length).toBeGreaterThan(0);
    for (const x of rows) expect(x.baseline).toBe(x.variant);
    // Only the shared variants changed; the centralized one is the same world, the same results.
    const central = rows.filter((x) => x.variant === 'central');
    expect(central.length).toBeGreaterThan(10);
    for (const x of central) expect(x.diff_mean).toBe(0);
    expect(rows.some((x) => x.variant === 'espresso' && x.diff_mean !== 0)).toBe(true);
    expect(rows.every((x) => x.n === 3 && x.diff_boot_low === null)).toBe(true);
    const meta = JSON.parse(tableFromIPC(readFileSync(join(cmp, 'comparison.arrow'))).schema.metadata.get('seqsim.comparison')!);
    expect(meta).toMatchObject({ kind: 'outputs', baseline: { dir: a, scenario: 'three-variants' }, variant: { dir: b } });
    expect(meta.baseline.scenario_sha256).not.toBe(meta.variant.scenario_sha256);
  });

  it('refuses directories that do not pair: exit 2, one line naming what differs, nothing written', () => {
    ran();
    const other = join(tempDir(), 'other');
    expect(seqsim(['run', file, '-o', other, '--quiet', '--set', 'runs=2', '--set', 'seed=5', '--set', 'variants=[{name: central, mode: centralized}, {name: shared, mode: shared}]']).code).toBe(0);
    const cmp = join(tempDir(), 'cmp');
    const r = seqsim(['compare', a, other, '-o', cmp]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`seeds differ (3, 4 only in ${a}; 6 only in ${other})`);
    expect(r.stderr).toContain(`variants differ ("espresso", "espresso-slow" only in ${a}; "shared" only in ${other})`);
    expect(existsSync(cmp)).toBe(false);
    const missing = seqsim(['compare', a, join(tempDir(), 'nowhere')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nowhere: no such folder/);
    const empty = tempDir();
    expect(seqsim(['compare', a, empty]).stderr).toMatch(/cannot read .*runs\.arrow: no such file/);
    const into = seqsim(['compare', a, b, '-o', a]);
    expect(into.code).toBe(2);
    expect(into.stderr).toMatch(/it is one of the compared directories/);
  });

  it('compares two sweeps point by point: each point of B against the same point of A, paired by seed', () => {
    const sweep = join(tempDir(), 'sweep.yaml');
    writeFileSync(sweep, `${SCENARIO}\nsweep:\n  grid:\n    sequencing.shared.nodes: [4, 10]\n`);
    const sa = join(tempDir(), 'sa');
    const sb = join(tempDir(), 'sb');
    const short = ['--quiet', '--set', 'runs=2', '--set', 'horizon=2m'];
    expect(seqsim(['sweep', sweep, '-o', sa, ...short]).code).toBe(0);
    expect(seqsim(['sweep', sweep, '-o', sb, ...short, '--set', 'sequencing.shared.min_slot_time=2s']).code).toBe(0);
    const cmp = join(tempDir(), 'cmp');
    const r = seqsim(['compare', sa, sb, '-o', cmp]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/point 0\n[\s\S]*point 1\n/);
    const rows = readArrowRows(join(cmp, 'comparison.arrow'));
    expect(new Set(rows.map((x) => x.point))).toEqual(new Set([0, 1]));
    // One row recomputed by hand, at point 1: the paired mean over the seeds of that point.
    const metricsOf = (dir: string) => {
      const runs = new Map(readArrowRows(join(dir, 'runs.arrow')).map((x) => [x.run_id, x]));
      return readArrowRows(join(dir, 'metrics.arrow'))
        .filter((m) => m.metric === 'consensus.commit_interval_ms.mean' && m.mode === 'espresso' && runs.get(m.run_id)!.point === 1)
        .map((m) => ({ seed: runs.get(m.run_id)!.seed as number, value: m.value as number }))
        .sort((x, y) => x.seed - y.seed);
    };
    const [before, after] = [metricsOf(sa), metricsOf(sb)];
    expect(before.map((x) => x.seed)).toEqual(after.map((x) => x.seed));
    const diff = after.reduce((acc, x, i) => acc + x.value - before[i].value, 0) / after.length;
    const row = rows.find((x) => x.point === 1 && x.metric === 'consensus.commit_interval_ms.mean' && x.variant === 'espresso')!;
    expect(row.diff_mean).toBeCloseTo(diff, 9);
    expect(row.n).toBe(2);
    // A sweep against a single run does not pair.
    ran();
    const single = seqsim(['compare', a, sa]);
    expect(single.code).toBe(2);
    expect(single.stderr).toMatch(/sweep points differ/);
  });
});
