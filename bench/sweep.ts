// Sweep benchmarks for `npm run bench` (issue 13): peak memory of sweeps of 100, 1,000 and 10,000
// short runs (outputs are streamed across runs, so it should level off: the target is 10,000 ÷ 1,000);
// --workers 2 against 1 (wall time: whole commands, and the time twice the runs add), on a sweep
// that writes the summary tables only (output.omit: the way a sweep of many runs is run) and on
// one that writes every table (bound by synced disk writes: every row is written twice, the
// point's part then the join); and 3 shards plus their merge against one process (CPU).
// Each command runs in its own process (bench/measureCli.ts), as a user runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_TABLES } from '../sim/metrics/tables.ts';
import { largestLiveHeapMb } from './memory.ts';
import { median } from './timer.ts';

const CHILD = fileURLToPath(new URL('./measureCli.ts', import.meta.url));

/** A small world; `samples` Latin hypercube points × 2 modes × 1 seed; `omit`: event tables written without rows. */
const scenario = (samples: number, horizon: string, omit: readonly string[] = []) => `
name: sweep-bench
seed: 1
runs: 1
horizon: ${horizon}
assets: [{ id: eth, price: 3000, vol: 0.6, tick: 200ms }]
rollups:
  - id: fast
    block_time: 250ms
    users: [{ name: retail, rate: 10 }]
    pools: [{ id: eth-usd, asset: eth, liquidity_usd: 5000000, fee_bps: 5 }]
    traders: [{ name: noise, pool: eth-usd, rate: 2, size_usd: 2000 }]
    arbitrageurs: [{ name: arb, latency: 5ms }]
    searchers: [{ name: sand, latency: 5ms }]
  - { id: slow, block_time: 2s, users: [{ name: retail, rate: 2 }] }
sequencing:
  centralized: { policy: priority }
  shared: { preset: espresso, nodes: 4, policy: priority }
modes: [centralized, shared]
sweep:
  latin_hypercube:
    samples: ${samples}
    ranges: { network.base_latency: [10ms, 100ms] }
output: { omit: [${omit.join(', ')}] }
`;

interface Measured {
  /** CPU seconds of the command's own process (not its worker processes). */
  cpu: number;
  wall: number;
  maxRssMb: number;
}

/** One command in its own process; with `traceGc`, also the largest heap a full collection left (its live data). */
function measure(args: string[], traceGc = false): Measured & { liveMb: number } {
  const p = spawnSync(process.execPath, [...(traceGc ? ['--trace-gc'] : []), '--import', 'tsx', CHILD, ...args], { encoding: 'utf8', timeout: 1_800_000, maxBuffer: 64 << 20 });
  const last = JSON.parse(p.stderr.trim().split('\n').pop()!) as Measured & { code: number };
  if (p.status !== 0 || last.code !== 0) throw new Error(`seqsim ${args.join(' ')} failed: ${p.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return { ...last, liveMb: largestLiveHeapMb(p.stdout) };
}

/**
 * Whole commands (wall1, wall2), and the wall time `runs` more runs add (marginal1, marginal2): the
 * throughput of a sweep of many runs, whose starts (the command's and each worker's) are paid once.
 */
export interface Scaling {
  runs: number;
  /** Commands per figure (the median is shown). */
  reps: number;
  horizon: string;
  wall1: number;
  wall2: number;
  ratio: number;
  marginal1: number;
  marginal2: number;
  marginalRatio: number;
}

export interface SweepBench {
  /** Peak RSS, and the largest heap a full collection left (the live data, V8's sizing aside). */
  memory: { runs: number; maxRssMb: number; liveMb: number; cpu: number }[];
  /** Peak RSS of the largest sweep ÷ that of one a tenth its size (the second). */
  memoryRatio: number;
  /** Event tables omitted: the target. */
  scaling: Scaling;
  /** Every table written. */
  scalingAllTables: Scaling;
  sharding: { runs: number; oneCpu: number; shardsCpu: number; ratio: number };
}

export function benchSweep(quick: boolean, progress: (msg: string) => void): SweepBench {
  const dir = mkdtempSync(join(tmpdir(), 'seqsim-bench-sweep-'));
  try {
    const file = (name: string, samples: number, horizon: string, omit: readonly string[] = []) => {
      const f = join(dir, `${name}.yaml`);
      writeFileSync(f, scenario(samples, horizon, omit));
      return f;
    };
    // 100 runs end in about 2 s of wall time, before V8 has sized its heap and before any table has
    // filled a batch, so the target compares 1,000 runs with 10,000 (about 100 s); the 100 are shown.
    const sizes = quick ? [5, 50, 500] : [50, 500, 5000];
    const memory = sizes.map((samples) => {
      progress(`sweep memory: ${2 * samples} runs of 2 s`);
      const m = measure(['sweep', file(`mem${samples}`, samples, '2s'), '-o', join(dir, `mem${samples}`), '--quiet'], true);
      return { runs: 2 * samples, maxRssMb: m.maxRssMb, liveMb: m.liveMb, cpu: m.cpu };
    });
    /**
     * 1 and 2 workers on a sweep of 2 × `samples` runs, then on one twice as large: the difference
     * is what the extra runs cost, without the process's and the workers' start. Each of the four
     * is the median of `reps` commands: a difference of two walls doubles their noise, and one slow
     * spell of this shared VM (two busy workers sometimes take 30% longer) decided a single pass.
     */
    const scaling = (name: string, samples: number, horizon: string, omit: readonly string[], reps: number): Scaling => {
      const runs = 2 * samples;
      const [once, twice] = [file(`${name}1`, samples, horizon, omit), file(`${name}2`, 2 * samples, horizon, omit)];
      const wall = (f: string, workers: number) => measure(['sweep', f, '-o', join(dir, `${name}-${workers}-${runs}`), '--quiet', '--workers', String(workers)]).wall;
      progress(`sweep scaling (${name}): ${runs} and ${2 * runs} runs of ${horizon} on 1 and 2 workers${reps > 1 ? `, ${reps} times` : ''}`);
      const walls: number[][] = [[], [], [], []];
      // Alternated, so that a slow spell of a shared machine hits both worker counts.
      for (let r = 0; r < reps; r++) [[once, 1], [once, 2], [twice, 1], [twice, 2]].forEach(([f, k], i) => walls[i].push(wall(f as string, k as number)));
      const [w1, w2, t1, t2] = walls.map(median);
      const [d1, d2] = [t1 - w1, t2 - w2];
      return { runs, reps, horizon, wall1: w1, wall2: w2, ratio: w1 / w2, marginal1: d1, marginal2: d2, marginalRatio: d1 / d2 };
    };
    // Runs of a simulated day (about 1.5 s each): a worker's start (loading the sources and the scenario, about 0.5 s) is paid once per worker.
    const summary = scaling('summary', quick ? 2 : 4, quick ? '1h' : '24h', EVENT_TABLES, quick ? 1 : 3);
    const all = scaling('all', quick ? 2 : 4, quick ? '30s' : '4h', [], 1);
    // Each process pays its start (about 1 s of CPU: Node, tsx, the sources, the scenario) and a JIT
    // warm-up: against 32 runs of a day (about 40 s of CPU) the two extra starts and the merge's are
    // what the target bounds.
    const shardRuns = quick ? 8 : 32;
    const sharded = file('sharded', shardRuns / 2, quick ? '1h' : '24h', EVENT_TABLES);
    progress(`sweep sharding: ${shardRuns} runs in one process, then as 3 shards and a merge`);
    const one = measure(['sweep', sharded, '-o', join(dir, 'one'), '--quiet']);
    const shards = [0, 1, 2].map((i) => measure(['sweep', sharded, '-o', join(dir, `s${i}`), '--quiet', '--shard', `${i}/3`]));
    const merge = measure(['merge', ...[0, 1, 2].map((i) => join(dir, `s${i}`)), '-o', join(dir, 'merged')]);
    const shardsCpu = shards.reduce((t, s) => t + s.cpu, 0) + merge.cpu;
    return {
      memory,
      memoryRatio: memory[2].maxRssMb / memory[1].maxRssMb,
      scaling: summary,
      scalingAllTables: all,
      sharding: { runs: shardRuns, oneCpu: one.cpu, shardsCpu, ratio: shardsCpu / one.cpu },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
