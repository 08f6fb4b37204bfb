// Shards and merge: --shard I/N (or a job array's index from the environment) runs a slice of the
// plan; seqsim merge joins the slices into the bytes of one unsharded process, and refuses shards
// that do not belong together.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { parse } from 'yaml';
import { ROOT, seqsim, seqsimHere, tempDir } from './util/cli.ts';
import { TABLE_NAMES } from '../sim/metrics/tables.ts';
import { parseShard, shardFromEnvironment, shardRange } from '../sim/experiment/shards.ts';
import { smallWorld } from './util/smallWorld.ts';

// Small batches, so that batch boundaries fall inside shards and across them.
const SCENARIO = `${smallWorld({ name: 'shards', seed: 5, runs: 2, horizon: '20s', users: 10, traders: 2, searcher: true, priority: true })}output: { batch_rows: 7 }
sweep:
  grid: { sequencing.shared.nodes: [4, 8] }
`;

const FILES = TABLE_NAMES.map((t) => `${t}.arrow`).sort();

/** seqsim in this process with a job array's variables set (and any of the machine's own cleared). */
async function withEnv(args: string[], env: Record<string, string>) {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (/^(SLURM_|JOB_COMPLETION_INDEX$|SEQSIM_SHARDS$)/.test(k)) delete process.env[k];
  Object.assign(process.env, env);
  try {
    return await seqsimHere(args);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

const runIds = (dir: string) => tableFromIPC(readFileSync(join(dir, 'runs.arrow'))).toArray().map((r) => r.run_id as number);

describe('shards', () => {
  const dir = tempDir();
  const file = join(dir, 'shards.yaml');
  writeFileSync(file, SCENARIO);
  const whole = join(dir, 'whole');
  const shard = async (i: number, n: number, extra: string[] = []) => {
    const out = join(dir, `s${i}of${n}${extra.length ? '-x' : ''}`);
    const r = await withEnv(['sweep', file, '-o', out, '--quiet', '--shard', `${i}/${n}`, ...extra], {});
    expect(r.code, r.stderr).toBe(0);
    return out;
  };

  it('3 shards merged are byte for byte one process (8 runs, shards given out of order)', async () => {
    // One process for real (a child, as a user runs it); the shards in this one.
    const r = seqsim(['sweep', file, '-o', whole, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const parts = [await shard(0, 3), await shard(1, 3), await shard(2, 3)];
    expect(parts.map(runIds)).toEqual([[0, 1], [2, 3, 4], [5, 6, 7]]);
    const merged = join(dir, 'merged');
    const m = await seqsimHere(['merge', parts[2], parts[0], parts[1], '-o', merged]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/^seqsim merge: 3 shards, 8 runs\n/);
    expect(readdirSync(merged).sort()).toEqual(FILES);
    for (const f of FILES) expect(readFileSync(join(merged, f)).equals(readFileSync(join(whole, f))), f).toBe(true);
    // A shard on worker processes is the same shard (its run ids start past 0).
    const threaded = join(dir, 's1of3-w2');
    const w = seqsim(['sweep', file, '-o', threaded, '--quiet', '--shard', '1/3', '--workers', '2']);
    expect(w.code, w.stderr).toBe(0);
    for (const f of FILES) expect(readFileSync(join(threaded, f)).equals(readFileSync(join(parts[1], f))), f).toBe(true);
  }, 120_000);

  it('refuses shards that do not make one plan, writing nothing', async () => {
    const a = join(dir, 's0of3');
    const b = join(dir, 's1of3');
    const other = await shard(2, 3, ['--set', 'runs=3']);
    const refused = async (dirs: string[], pattern: RegExp) => {
      const out = join(dir, `refused-${Math.random().toString(36).slice(2)}`);
      const r = await seqsimHere(['merge', ...dirs, '-o', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    };
    await refused([a, b], /^seqsim: cannot merge: shard 2\/3 missing \(given: .*s0of3 = 0, .*s1of3 = 1\)$/m);
    await refused([a, b, a, join(dir, 's2of3')], /cannot merge: shard 0\/3 is given twice \(.*s0of3 and .*s0of3\)/);
    await refused([a, b, other], /cannot merge: .*s2of3-x ran another scenario than .*s0of3 \(scenario_sha256 /);
    await refused([a, whole], /cannot merge .*whole: it is not a shard \(its runs\.arrow has no seqsim\.shard metadata/);
    await refused([a, b, join(dir, 'nothing-here')], /cannot read .*nothing-here.*runs\.arrow: no such file/);
  }, 120_000);

  it('takes the shard from a Kubernetes Indexed Job or a Slurm array when --shard is not given', async () => {
    const k8s = join(dir, 'k8s');
    const r = await withEnv(['sweep', file, '-o', k8s, '--quiet'], { JOB_COMPLETION_INDEX: '1', SEQSIM_SHARDS: '3' });
    expect(r.code, r.stderr).toBe(0);
    expect(runIds(k8s)).toEqual([2, 3, 4]);
    expect(readFileSync(join(k8s, 'txs.arrow')).equals(readFileSync(join(dir, 's1of3', 'txs.arrow')))).toBe(true);
    const slurm = join(dir, 'slurm');
    const s = await withEnv(['sweep', file, '-o', slurm, '--quiet'], { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' });
    expect(s.code, s.stderr).toBe(0);
    expect(runIds(slurm)).toEqual([5, 6, 7]);
    const missing = await withEnv(['sweep', file, '-o', join(dir, 'k8s-bad'), '--quiet'], { JOB_COMPLETION_INDEX: '0' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^seqsim: JOB_COMPLETION_INDEX=0 is set but not the number of shards: pass --shards N or set SEQSIM_SHARDS/);
    expect(existsSync(join(dir, 'k8s-bad'))).toBe(false);
  }, 120_000);
});

describe('shard selection', () => {
  it('cuts the plan into contiguous slices that cover it once, sizes within one', () => {
    for (const runs of [1, 7, 16, 100])
      for (const n of [1, 2, 3, 7, 16]) {
        const ranges = Array.from({ length: n }, (_, i) => shardRange({ index: i, count: n }, runs));
        expect(ranges[0].from).toBe(0);
        expect(ranges.at(-1)!.to).toBe(runs);
        ranges.slice(1).forEach((r, i) => expect(r.from).toBe(ranges[i].to));
        const sizes = ranges.map((r) => r.to - r.from);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
  });

  it('reads --shard, Slurm and Kubernetes, and refuses what is out of range', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('3/3')).toThrow(/--shard 3\/3: expected a shard index from 0 to 2, found 3/);
    expect(() => parseShard('1-3')).toThrow(/expected I\/N/);
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '4' }, undefined)).toEqual({ index: 0, count: 4 });
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '4' }, 5)).toEqual({ index: 4, count: 5 });
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '5', SEQSIM_SHARDS: '5' }, undefined)).toThrow(/expected a shard index from 0 to 4, found 5/);
    expect(() => shardFromEnvironment({}, 3)).toThrow(/--shards 3: no shard index in the environment/);
    expect(shardFromEnvironment({}, undefined)).toBeUndefined();
  });

  it('ships a Kubernetes Indexed Job manifest with what a cluster needs', () => {
    const docs = readFileSync(join(ROOT, 'scripts/k8s/sweep-job.yaml'), 'utf8');
    const job = parse(docs) as Record<string, any>;
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    const spec = job.spec;
    expect(spec.completionMode).toBe('Indexed');
    expect(Number.isInteger(spec.completions) && spec.completions > 1).toBe(true);
    expect(Number.isInteger(spec.parallelism) && spec.parallelism >= 1).toBe(true);
    const container = spec.template.spec.containers[0];
    expect(spec.template.spec.restartPolicy).toMatch(/^(Never|OnFailure)$/);
    expect(container.image).toEqual(expect.any(String));
    const command = [...(container.command ?? []), ...(container.args ?? [])].join(' ');
    expect(command).toMatch(/seqsim (sweep|run) \S+\.yaml -o \S*\$\(JOB_COMPLETION_INDEX\)/);
    // The shard count the pod is told is the Job's completions.
    expect(container.env.find((e: { name: string }) => e.name === 'SEQSIM_SHARDS').value).toBe(String(spec.completions));
  });
});
