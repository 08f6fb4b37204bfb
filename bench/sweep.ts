// Sweep benchmarks for `npm run bench` (issue 13): peak memory of a sweep of many short runs
// against one of a tenth as many (outputs are streamed across runs, so it should stay level),
// --workers 2 against 1 (wall time: whole commands, and the time twice the runs add), and 3 shards
// plus their merge against one process (CPU).
// Each command runs in its own process (bench/measureCli.ts), as a user runs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./measureCli.ts', import.meta.url));

/** A small world; `samples` Latin hypercube points × 2 modes × 1 seed. */
const scenario = (samples: number, horizon: string) => `
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
`;

interface Measured {
  cpu: number;
  wall: number;
  maxRssMb: number;
}

function measure(args: string[]): Measured {
  const p = spawnSync(process.execPath, ['--import', 'tsx', CHILD, ...args], { encoding: 'utf8', timeout: 1_800_000 });
  const last = JSON.parse(p.stderr.trim().split('\n').pop()!) as Measured & { code: number };
  if (p.status !== 0 || last.code !== 0) throw new Error(`seqsim ${args.join(' ')} failed: ${p.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return last;
}

export interface SweepBench {
  memory: { runs: number; maxRssMb: number; cpu: number }[];
  /** Peak RSS of the large sweep ÷ the small one's. */
  memoryRatio: number;
  /** Whole commands (wall1, wall2), and the wall time `runs` more runs add (marginal1, marginal2). */
  scaling: { runs: number; wall1: number; wall2: number; ratio: number; marginal1: number; marginal2: number; marginalRatio: number };
  sharding: { runs: number; oneCpu: number; shardsCpu: number; ratio: number };
}

export function benchSweep(quick: boolean, progress: (msg: string) => void): SweepBench {
  const dir = mkdtempSync(join(tmpdir(), 'seqsim-bench-sweep-'));
  try {
    const file = (name: string, samples: number, horizon: string) => {
      const f = join(dir, `${name}.yaml`);
      writeFileSync(f, scenario(samples, horizon));
      return f;
    };
    const [small, large] = quick ? [5, 50] : [50, 500];
    const memory = [small, large].map((samples) => {
      progress(`sweep memory: ${2 * samples} runs of 2 s`);
      const m = measure(['sweep', file(`mem${samples}`, samples, '2s'), '-o', join(dir, `mem${samples}`), '--quiet']);
      return { runs: 2 * samples, maxRssMb: m.maxRssMb, cpu: m.cpu };
    });
    // Runs of about ten seconds each: a worker's start (compiling the sources, loading the scenario) is paid once per worker.
    const work = file('work', quick ? 2 : 4, quick ? '30s' : '4h');
    const runs = quick ? 4 : 8;
    progress(`sweep scaling: ${runs} runs on 1 and 2 workers`);
    const w1 = measure(['sweep', work, '-o', join(dir, 'w1'), '--quiet', '--workers', '1']);
    const w2 = measure(['sweep', work, '-o', join(dir, 'w2'), '--quiet', '--workers', '2']);
    // The same sweep twice as large: the difference is what the extra runs cost, without the
    // process's and the workers' start, which a sweep of short runs spends most of its time in.
    progress(`sweep scaling: ${2 * runs} runs on 1 and 2 workers (marginal throughput)`);
    const twice = file('twice', quick ? 4 : 8, quick ? '30s' : '4h');
    const d1 = measure(['sweep', twice, '-o', join(dir, 'd1'), '--quiet', '--workers', '1']).wall - w1.wall;
    const d2 = measure(['sweep', twice, '-o', join(dir, 'd2'), '--quiet', '--workers', '2']).wall - w2.wall;
    progress(`sweep sharding: ${runs} runs as 3 shards and a merge`);
    const shards = [0, 1, 2].map((i) => measure(['sweep', work, '-o', join(dir, `s${i}`), '--quiet', '--shard', `${i}/3`]));
    const merge = measure(['merge', ...[0, 1, 2].map((i) => join(dir, `s${i}`)), '-o', join(dir, 'merged')]);
    const shardsCpu = shards.reduce((t, s) => t + s.cpu, 0) + merge.cpu;
    return {
      memory,
      memoryRatio: memory[1].maxRssMb / memory[0].maxRssMb,
      scaling: { runs, wall1: w1.wall, wall2: w2.wall, ratio: w1.wall / w2.wall, marginal1: d1, marginal2: d2, marginalRatio: d1 / d2 },
      sharding: { runs, oneCpu: w1.cpu, shardsCpu, ratio: shardsCpu / w1.cpu },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
