// `npm run bench`: engine throughput on M/M/1, the hold model against a bare heap, SimPy 3 on the
// same M/M/1, the full default world, sweeps (memory, workers, shards), and growth (one run's time
// against flow, rollups and set size). Prints one table (or JSON with --json). Targets are
// reported PASS/MISS but never fail the process: wall-clock figures depend on the machine, so CI
// does not gate on them. Every figure is the median of several timed repetitions after a warm-up.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Simulation } from '../sim/engine/simulation.ts';
import { runSingleServerQueue } from './mm1.ts';
import { HOLD_PENDING, holdBare, holdEngine, holdIncrements } from './hold.ts';
import { benchWorld, SWAPS_SCENARIO, type WorldBench } from './world.ts';
import { elapsed, median, startTimer } from './timer.ts';
import { benchRealistic, type RealisticBench } from './realistic.ts';
import { benchSweep, type SweepBench } from './sweep.ts';
import { benchGrowth, type GrowthBench } from './growth.ts';

const args = new Set(process.argv.slice(2));
const asJson = args.has('--json');
const quick = args.has('--quick'); // smaller sizes, for a smoke test of the harness itself

const REPS = quick ? 3 : 5;
const MM1_CUSTOMERS = quick ? 100_000 : 1_000_000;
const HOLD_OPS = quick ? 200_000 : 2_000_000;
const SIMPY_CUSTOMERS = quick ? 20_000 : 100_000;
const SIMPY_REPS = 3;
const SIMPY_PYTHON = '/usr/bin/python3'; // Debian's: the pyenv python3 on PATH cannot see python3-simpy3

const TARGET_SIMPY_RATIO = 30; // engine customers/s ≥ 30× SimPy's
const TARGET_HOLD_RATIO = 2; // engine ns per hold ≤ 2× the bare heap's
const TARGET_REAL_TIME = 20_000; // realistic-flow scenario: simulated seconds per wall second, per mode
const TARGET_EVENT_COST = 15; // full model's CPU per event ≤ 15× the engine's M/M/1 CPU per event
const TARGET_MEMORY = 1.2; // peak RSS at 10× the horizon (ten simulated days) ≤ 1.2× peak RSS at 1× (one)
const TARGET_SWEEP_MEMORY = 1.2; // peak RSS of a sweep of 10× the runs ≤ 1.2×
const TARGET_SCALING = 1.8; // a sweep on 2 workers ≥ 1.8× the throughput of 1 (2 cores)
const TARGET_SHARDING = 1.1; // 3 shards + merge ≤ 1.1× the CPU of one process

const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

function benchMm1() {
  const run = (seed: number, customers: number) => {
    const sim = new Simulation(seed);
    const t0 = startTimer();
    const r = runSingleServerQueue(sim, { arrivalRate: 0.8, serviceRate: 1, service: 'exponential', customers });
    const { cpu, wall } = elapsed(t0);
    return { customersPerS: r.served / cpu, eventsPerS: r.events / cpu, wallCustomersPerS: r.served / wall, meanWait: r.meanWait };
  };
  run(0, MM1_CUSTOMERS / 5); // warm-up: let V8 optimize the handlers and the heap
  const reps = Array.from({ length: REPS }, (_, i) => run(i + 1, MM1_CUSTOMERS));
  return {
    customers: MM1_CUSTOMERS,
    reps: REPS,
    customersPerS: median(reps.map((r) => r.customersPerS)),
    eventsPerS: median(reps.map((r) => r.eventsPerS)),
    wallCustomersPerS: median(reps.map((r) => r.wallCustomersPerS)),
    meanWait: median(reps.map((r) => r.meanWait)), // sanity: theory says 4
  };
}

function benchHold() {
  const incs = holdIncrements();
  holdBare(incs, holdEngine(incs, HOLD_OPS / 10).ops); // warm-up both paths
  const engineNs: number[] = [];
  const bareNs: number[] = [];
  const ratios: number[] = [];
  const wallRatios: number[] = [];
  let ops = 0;
  // Alternate the contenders so drift (GC, frequency scaling) hits both alike; pair the ratios.
  for (let i = 0; i < REPS; i++) {
    const e = holdEngine(incs, HOLD_OPS);
    const b = holdBare(incs, e.ops);
    if (b.nextTime !== e.nextTime) throw new Error(`hold model: engine and bare heap diverged (${e.nextTime} vs ${b.nextTime})`);
    ops = e.ops;
    engineNs.push((e.time.cpu / e.ops) * 1e9);
    bareNs.push((b.time.cpu / b.ops) * 1e9);
    ratios.push(e.time.cpu / b.time.cpu);
    wallRatios.push(e.time.wall / b.time.wall);
  }
  return {
    pending: HOLD_PENDING,
    ops,
    reps: REPS,
    engineNsPerOp: median(engineNs),
    bareNsPerOp: median(bareNs),
    ratio: median(ratios),
    wallRatio: median(wallRatios),
  };
}

type SimpyBench =
  | { status: 'ok'; version: string; python: string; customers: number; customersPerS: number; wallCustomersPerS: number; eventsPerS: number | null; eventsPerCustomer: number | null; meanWait: number }
  | { status: 'skipped'; reason: string };

function benchSimpy(): SimpyBench {
  const skipped = 'SimPy 3 not installed (apt-get install python3-simpy3); skipped';
  if (!existsSync(SIMPY_PYTHON)) return { status: 'skipped', reason: `${SIMPY_PYTHON} not found; ${skipped}` };
  const script = fileURLToPath(new URL('./simpy_mm1.py', import.meta.url));
  const p = spawnSync(SIMPY_PYTHON, [script, '--customers', String(SIMPY_CUSTOMERS), '--reps', String(SIMPY_REPS)], { encoding: 'utf8', timeout: 120_000 });
  let out: any;
  try {
    out = JSON.parse(p.stdout);
  } catch {
    return { status: 'skipped', reason: `${skipped} (python said: ${(p.stderr || p.stdout || String(p.error)).trim().split('\n').pop()})` };
  }
  if (out.error) return { status: 'skipped', reason: `${skipped} (${out.error})` };
  return {
    status: 'ok',
    version: out.version,
    python: out.python,
    customers: out.customers,
    customersPerS: out.customers_per_s,
    wallCustomersPerS: out.wall_customers_per_s,
    eventsPerS: out.events_per_s,
    eventsPerCustomer: out.events_per_customer,
    meanWait: out.mean_wait,
  };
}

const fmt = (x: number, digits = 3) => (x >= 1e6 ? `${(x / 1e6).toPrecision(digits)} M` : x >= 1e4 ? `${(x / 1e3).toPrecision(digits)} k` : x.toPrecision(digits));

async function main() {
  progress('M/M/1 on the engine');
  const mm1 = benchMm1();
  progress('hold model, engine vs bare heap');
  const hold = benchHold();
  progress('M/M/1 on SimPy 3');
  const simpy = benchSimpy();
  progress('default world');
  const world: WorldBench = await benchWorld(undefined, quick ? 1 : 3);
  progress('swap-heavy world');
  const swapWorld: WorldBench = await benchWorld(SWAPS_SCENARIO, quick ? 1 : 3);
  const realistic: RealisticBench = benchRealistic(quick, progress);
  const sweep: SweepBench = benchSweep(quick, progress);
  const growth: GrowthBench = await benchGrowth(quick, progress);

  const simpyRatio = simpy.status === 'ok' ? mm1.customersPerS / simpy.customersPerS : null;
  const engineCpuPerEvent = 1 / mm1.eventsPerS;
  const targets = [
    { name: 'M/M/1 customers/s, engine ÷ SimPy 3', value: simpyRatio, target: `≥ ${TARGET_SIMPY_RATIO}×`, pass: simpyRatio === null ? null : simpyRatio >= TARGET_SIMPY_RATIO },
    { name: 'hold model time, engine ÷ bare heap', value: hold.ratio, target: `≤ ${TARGET_HOLD_RATIO}×`, pass: hold.ratio <= TARGET_HOLD_RATIO },
    ...realistic.modes.flatMap((m) => [
      { name: `realistic ${m.mode}: real-time factor`, value: m.realTime, target: `≥ ${TARGET_REAL_TIME}×`, pass: m.realTime >= TARGET_REAL_TIME },
      { name: `realistic ${m.mode}: CPU per event ÷ M/M/1's`, value: m.cpuPerEvent / engineCpuPerEvent, target: `≤ ${TARGET_EVENT_COST}×`, pass: m.cpuPerEvent / engineCpuPerEvent <= TARGET_EVENT_COST },
      { name: `realistic ${m.mode}: peak RSS at ten days ÷ one`, value: m.memoryRatio, target: `≤ ${TARGET_MEMORY}×`, pass: m.memoryRatio <= TARGET_MEMORY },
    ]),
    { name: `sweep: peak RSS at ${sweep.memory[2].runs} ÷ ${sweep.memory[1].runs} runs`, value: sweep.memoryRatio, target: `≤ ${TARGET_SWEEP_MEMORY}×`, pass: sweep.memoryRatio <= TARGET_SWEEP_MEMORY },
    { name: 'sweep: throughput, 2 workers ÷ 1 (summary tables)', value: sweep.scaling.marginalRatio, target: `≥ ${TARGET_SCALING}×`, pass: sweep.scaling.marginalRatio >= TARGET_SCALING },
    { name: 'sweep: CPU, 3 shards + merge ÷ one process', value: sweep.sharding.ratio, target: `≤ ${TARGET_SHARDING}×`, pass: sweep.sharding.ratio <= TARGET_SHARDING },
    ...growth.factors.map((g) => ({ name: `growth: log-log slope of run time on ${g.name}`, value: g.slope, target: `≤ ${g.target}`, pass: g.pass })),
  ];
  const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length };

  if (asJson) {
    process.stdout.write(JSON.stringify({ machine, quick, mm1, hold, simpy, world, swapWorld, realistic, sweep, growth, targets }, null, 2) + '\n');
    return;
  }

  const rows: [string, string, string, string][] = [];
  const status = (pass: boolean | null) => (pass === null ? 'n/a' : pass ? 'PASS' : 'MISS  <<<<<<');
  rows.push(['M/M/1 engine (λ=0.8, μ=1)', 'customers/s', fmt(mm1.customersPerS), '']);
  rows.push(['', 'engine events/s', fmt(mm1.eventsPerS), '']);
  if (simpy.status === 'ok') {
    rows.push([`M/M/1 SimPy ${simpy.version} (Python ${simpy.python})`, 'customers/s', fmt(simpy.customersPerS), '']);
    if (simpy.eventsPerS !== null)
      rows.push(['', `SimPy events/s (${simpy.eventsPerCustomer?.toFixed(1)}/customer; not comparable)`, fmt(simpy.eventsPerS), '']);
    rows.push(['', 'engine ÷ SimPy, customers/s', `${simpyRatio!.toFixed(1)}×`, `≥ ${TARGET_SIMPY_RATIO}× ${status(targets[0].pass)}`]);
  } else {
    rows.push(['M/M/1 SimPy', simpy.reason, '', status(null)]);
  }
  rows.push([`hold model, ${HOLD_PENDING.toExponential(0)} pending`, 'engine ns/op (pop→handle→push)', hold.engineNsPerOp.toFixed(1), '']);
  rows.push(['', 'bare Float64Array heap ns/op', hold.bareNsPerOp.toFixed(1), '']);
  rows.push(['', 'engine ÷ bare', `${hold.ratio.toFixed(2)}×`, `≤ ${TARGET_HOLD_RATIO}× ${status(targets[1].pass)}`]);
  if (world.status === 'ok') {
    rows.push([`default world (${world.runs} runs)`, 'engine events/s', fmt(world.eventsPerS), '']);
    rows.push(['', `simulated txs/s (${world.txs.toLocaleString('en-US')} txs)`, fmt(world.txsPerS), '']);
    rows.push(['', `CPU s per scenario run (median of ${world.reps})`, `${world.seconds.toFixed(2)} s`, '']);
  } else {
    rows.push(['default world', `skipped: ${world.reason}`, '', '']);
  }
  if (swapWorld.status === 'ok') {
    rows.push(['swap-heavy world (bench/swaps.yaml)', 'simulated swaps/s (full loop)', fmt(swapWorld.swapsPerS), '']);
    rows.push(['', `engine events/s (${swapWorld.swaps.toLocaleString('en-US')} swaps)`, fmt(swapWorld.eventsPerS), '']);
  } else {
    rows.push(['swap-heavy world', `skipped: ${swapWorld.reason}`, '', '']);
  }

  for (const m of realistic.modes) {
    const t = (name: string) => targets.find((x) => x.name === `realistic ${m.mode}: ${name}`)!;
    rows.push([`realistic-flow, ${m.mode} (${realistic.dayLabel})`, `wall s per simulated day (${m.events.toLocaleString('en-US')} events)`, `${m.wallPerDay.toFixed(2)} s`, '']);
    rows.push(['', 'CPU s per simulated day (all threads; the RTF stays wall-based)', `${m.cpuPerDay.toFixed(2)} s`, '']);
    rows.push(['', 'real-time factor (simulated ÷ wall)', `${Math.round(m.realTime).toLocaleString('en-US')}×`, `≥ ${TARGET_REAL_TIME.toLocaleString('en-US')}× ${status(t('real-time factor').pass)}`]);
    rows.push(['', 'events/s (CPU)', fmt(1 / m.cpuPerEvent), '']);
    rows.push(['', "CPU per event ÷ engine's M/M/1", `${(m.cpuPerEvent / engineCpuPerEvent).toFixed(1)}×`, `≤ ${TARGET_EVENT_COST}× ${status(t("CPU per event ÷ M/M/1's").pass)}`]);
    rows.push(['', `peak RSS ${m.memory.map((x) => `${x.horizon} ${x.maxRssMb.toFixed(0)} MB`).join(', ')}`, `${m.memoryRatio.toFixed(2)}×`, `≤ ${TARGET_MEMORY}× ${status(t('peak RSS at ten days ÷ one').pass)}`]);
    rows.push(['', `live heap after full GCs (largest) ${m.memory.map((x) => `${x.horizon} ${x.liveMb.toFixed(1)} MB`).join(', ')}`, `${(m.memory[1].liveMb / m.memory[0].liveMb).toFixed(2)}×`, '']);
  }
  if (realistic.profile) {
    const p = realistic.profile;
    rows.push([`realistic-flow profile (${p.mode}, ${p.horizon})`, 'CPU self time by component', Object.entries(p.shares).map(([k, v]) => `${k} ${(100 * v).toFixed(0)}%`).join(', '), '']);
  }

  const sweepTarget = (prefix: string) => targets.find((x) => x.name.startsWith(prefix))!;
  rows.push([`sweep of short runs (2 s each)`, `peak RSS ${sweep.memory.map((m) => `${m.runs} runs ${m.maxRssMb.toFixed(0)} MB`).join(', ')}`, `${sweep.memoryRatio.toFixed(2)}×`, `≤ ${TARGET_SWEEP_MEMORY}× ${status(sweepTarget('sweep: peak RSS').pass)}`]);
  rows.push(['', `live heap after full GCs (largest) ${sweep.memory.map((m) => `${m.runs} runs ${m.liveMb.toFixed(1)} MB`).join(', ')}`, `${(sweep.memory[2].liveMb / sweep.memory[1].liveMb).toFixed(2)}×`, '']);
  for (const [label, sc, target] of [['summary tables (output.omit)', sweep.scaling, `≥ ${TARGET_SCALING}× ${status(sweepTarget('sweep: throughput').pass)}`], ['every table (synced writes)', sweep.scalingAllTables, '']] as const) {
    rows.push([`sweep of ${sc.runs} runs of ${sc.horizon}, ${label}`, `wall s of the whole command (starts included${sc.reps > 1 ? `; medians of ${sc.reps}` : ''}), 1 worker ${sc.wall1.toFixed(1)} / 2 workers ${sc.wall2.toFixed(1)}`, `${sc.ratio.toFixed(2)}×`, '']);
    rows.push(['', `throughput: wall s of ${sc.runs} more runs, 1 worker ${sc.marginal1.toFixed(1)} / 2 workers ${sc.marginal2.toFixed(1)}`, `${sc.marginalRatio.toFixed(2)}×`, target]);
  }
  rows.push([`sweep of ${sweep.sharding.runs} runs, summary tables`, `CPU s, one process ${sweep.sharding.oneCpu.toFixed(1)} / 3 shards + merge ${sweep.sharding.shardsCpu.toFixed(1)}`, `${sweep.sharding.ratio.toFixed(2)}×`, `≤ ${TARGET_SHARDING}× ${status(sweepTarget('sweep: CPU').pass)}`]);
  for (const g of growth.factors)
    rows.push([
      g === growth.factors[0] ? `growth of one run (realistic, shared, ${growth.horizon})` : '',
      `CPU s vs ${g.name}: ${g.sizes.map((n, i) => `${n} ${g.cpu[i].toFixed(2)}`).join(', ')} (wall slope ${g.wallSlope.toFixed(2)})`,
      g.slope.toFixed(2),
      `≤ ${g.target} ${status(g.pass)}`,
    ]);

  const header: [string, string, string, string] = ['benchmark', 'measure', 'value', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ') + ' |';
  const out = [
    `seqsim bench — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; CPU-time medians of ${REPS} runs (SimPy ${SIMPY_REPS})${quick ? ' (--quick)' : ''}`,
    line(header),
    '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...rows.map(line),
  ];
  const missed = targets.filter((t) => t.pass === false);
  if (missed.length > 0) out.push('', `*** ${missed.length} target(s) MISSED: ${missed.map((t) => t.name).join('; ')} (not a failure: timing targets are not gated in CI) ***`);
  process.stdout.write(out.join('\n') + '\n');
}

await main();
