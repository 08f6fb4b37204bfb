// Growth benchmark for `npm run bench` (issue 13): how the CPU time of one simulated run grows
// with the user flow, the number of rollups and the size of the shared set. Every scenario is the
// realistic-flow world (scenarios/realistic.yaml) in shared mode, one seed, with one factor
// changed; each runs in this process through runToDirectory, the entry `seqsim run` ends in, and
// writes its Arrow files as a user's run does. Each factor's growth is the log-log slope (least
// squares of log time on log size): 1 is linear, and past its target something costs more per
// transaction, per rollup or per node as the world grows.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { runToDirectory } from '../sim/index.ts';
import { parseScenarioText, type LoadedScenario } from '../sim/scenario/load.ts';
import { elapsed, median, startTimer } from './timer.ts';

const REALISTIC = fileURLToPath(new URL('../scenarios/realistic.yaml', import.meta.url));

/** Plain scenario data, as a scenario file holds it. */
type Data = Record<string, any>;

export interface GrowthFactor {
  name: string;
  /** What `sizes` count. */
  unit: string;
  sizes: number[];
  /** Median CPU seconds of one run at each size. */
  cpu: number[];
  /** Every repetition's CPU seconds, by size. */
  cpuSamples: number[][];
  wall: number[];
  events: number[];
  txs: number[];
  /** Least-squares slope of log CPU time on log size. */
  slope: number;
  wallSlope: number;
  target: number;
  pass: boolean;
}

export interface GrowthBench {
  horizon: string;
  reps: number;
  factors: GrowthFactor[];
}

const TARGET_TXS = 1.05;
const TARGET_ROLLUPS = 1.05;
const TARGET_NODES = 1.1;

/** The base world: realistic flow, shared mode only (set size matters there alone), one seed, a 10-node set. */
function baseWorld(horizon: string): Data {
  const data = parse(readFileSync(REALISTIC, 'utf8')) as Data;
  return { ...data, runs: 1, horizon, warmup: '0s', modes: ['shared'], sequencing: { ...data.sequencing, shared: { ...data.sequencing.shared, nodes: 10 } } };
}

/** Every exogenous flow (users, noise traders, intents) at `k` times its rate. */
function scaleFlow(base: Data, k: number): Data {
  const times = (flows: Data[] | undefined) => flows?.map((f) => ({ ...f, rate: f.rate * k }));
  return {
    ...base,
    rollups: base.rollups.map((r: Data) => ({ ...r, users: times(r.users), traders: times(r.traders) })),
    intents: times(base.intents),
  };
}

/** `k` copies of the base's rollups, each copy with its own intents and cross-rollup arbitrageurs among its rollups. */
function replicateRollups(base: Data, k: number): Data {
  const copies = Array.from({ length: k }, (_, c) => (id: string) => (c === 0 ? id : `${id}-${c}`));
  const renamed = (xs: Data[] | undefined) => copies.flatMap((name) => (xs ?? []).map((x) => ({ ...x, name: name(x.name), rollups: x.rollups.map(name) })));
  return {
    ...base,
    rollups: copies.flatMap((name) => base.rollups.map((r: Data) => ({ ...r, id: name(r.id) }))),
    intents: renamed(base.intents),
    cross_arbitrageurs: renamed(base.cross_arbitrageurs),
  };
}

function withNodes(base: Data, nodes: number): Data {
  return { ...base, sequencing: { ...base.sequencing, shared: { ...base.sequencing.shared, nodes } } };
}

function load(data: Data, name: string): LoadedScenario {
  return parseScenarioText(JSON.stringify({ ...data, name }), join(tmpdir(), `${name}.json`));
}

/** Least-squares slope of log y on log x. */
export function logLogSlope(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  lx.forEach((x, i) => {
    sxy += (x - mx) * (ly[i] - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

export interface GrowthSpec {
  name: string;
  unit: string;
  sizes: number[];
  target: number;
  /** The scenario data at one size. */
  make: (size: number) => Data;
}

/** The three factors, each a base world grown one way. */
export function growthFactors(horizon: string): GrowthSpec[] {
  const base = baseWorld(horizon);
  return [
    { name: 'user transactions per day', unit: '× base flow', sizes: [1, 4, 16], target: TARGET_TXS, make: (k) => scaleFlow(base, k) },
    { name: 'rollups', unit: 'rollups', sizes: [4, 16, 64], target: TARGET_ROLLUPS, make: (k) => replicateRollups(base, k / 4) },
    { name: 'shared-set size', unit: 'nodes', sizes: [10, 100, 1000], target: TARGET_NODES, make: (k) => withNodes(base, k) },
  ];
}

export async function benchGrowth(quick: boolean, progress: (msg: string) => void): Promise<GrowthBench> {
  const [horizon, warmHorizon] = quick ? ['20m', '5m'] : ['4h', '1h'];
  const reps = 3;
  const specs = growthFactors(horizon);
  // The smallest size of every factor is the base world itself: it is one case, run once per repetition.
  const index = new Map<string, number>();
  const worlds: Data[] = [];
  const caseOf = specs.map((s) =>
    s.sizes.map((size) => {
      const text = JSON.stringify(s.make(size));
      if (!index.has(text)) index.set(text, worlds.push(JSON.parse(text)) - 1);
      return index.get(text)!;
    }),
  );
  const cases = worlds.map((w, i) => load(w, `growth-${i}`));
  const dir = mkdtempSync(join(tmpdir(), 'seqsim-bench-growth-'));
  const samples = cases.map(() => ({ cpu: [] as number[], wall: [] as number[], events: 0, txs: 0 }));
  try {
    let n = 0;
    const once = async (loaded: LoadedScenario) => {
      const out = join(dir, `run-${n++}`);
      const t0 = startTimer();
      const result = await runToDirectory(loaded, out);
      const t = elapsed(t0);
      rmSync(out, { recursive: true, force: true });
      return { ...t, events: result.runs[0].events, txs: result.files.find((x) => x.table === 'txs')!.rows };
    };
    // V8 needs a few runs' worth of events to finish optimizing (the first run of a cold process
    // takes about twice the CPU of the third): one pass over every case at a quarter of the horizon.
    progress(`growth: warm-up (${cases.length} runs of ${warmHorizon})`);
    for (const [i, w] of worlds.entries()) await once(load({ ...w, horizon: warmHorizon }, `growth-warm-${i}`));
    // Repetitions go round every case, in turn forwards and backwards, so drift in the machine's load hits all sizes alike.
    for (let r = 0; r < reps; r++) {
      progress(`growth: repetition ${r + 1} of ${reps} (${cases.length} runs of ${horizon})`);
      const order = cases.map((_, i) => (r % 2 === 0 ? i : cases.length - 1 - i));
      for (const i of order) {
        const m = await once(cases[i]);
        samples[i].cpu.push(m.cpu);
        samples[i].wall.push(m.wall);
        samples[i].events = m.events;
        samples[i].txs = m.txs;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const factors = specs.map((s, f): GrowthFactor => {
    const of = caseOf[f].map((i) => samples[i]);
    const cpu = of.map((x) => median(x.cpu));
    const wall = of.map((x) => median(x.wall));
    const slope = logLogSlope(s.sizes, cpu);
    return { name: s.name, unit: s.unit, sizes: s.sizes, cpu, cpuSamples: of.map((x) => x.cpu), wall, events: of.map((x) => x.events), txs: of.map((x) => x.txs), slope, wallSlope: logLogSlope(s.sizes, wall), target: s.target, pass: slope <= s.target };
  });
  return { horizon, reps, factors };
}
