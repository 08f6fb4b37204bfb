// One run of the realistic-flow scenario in its own process, for `npm run bench`: one mode, one
// horizon, written to Arrow files as `seqsim run` would. Prints JSON: CPU and wall seconds of the
// run, events, peak RSS, and with --profile the CPU profile's self time by component.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { loadScenario, runToDirectory } from '../sim/index.ts';
import { elapsed, startTimer } from './timer.ts';
import { peakRssMb } from './memory.ts';
import { limitHeapGrowth } from '../sim/experiment/heap.ts';

export const REALISTIC = new URL('../scenarios/realistic.yaml', import.meta.url).pathname;

/** Where self time goes, by source path (first match wins). */
const COMPONENTS: [string, RegExp][] = [
  ['GC', /^\(garbage collector\)$/],
  ['sequencing', /sim\/model\/sequencer\//],
  ['execution', /sim\/model\/(rollup|market\/(amm|swap|marketPool))\.ts/],
  ['agents', /sim\/model\/(agents\/|market\/(mev|feed|price)\.ts|crossrollup\.ts|network\.ts)/],
  ['recording', /sim\/metrics\/|@datadog\/sketches-js/],
  ['output', /sim\/output\/|apache-arrow|sim\/experiment\//],
  ['engine', /sim\/engine\//],
  ['world', /sim\/world\//],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

function byComponent(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }): Record<string, number> {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const total: Record<string, number> = {};
  let all = 0;
  profile.samples.forEach((id, i) => {
    const n = nodes.get(id)!;
    const dt = profile.timeDeltas[i];
    const name = n.callFrame.functionName;
    if (name === '(idle)' || name === '(program)') return;
    const key = COMPONENTS.find(([, re]) => re.test(name) || re.test(n.callFrame.url))?.[0] ?? 'other (node, tsx, built-ins)';
    total[key] = (total[key] ?? 0) + dt;
    all += dt;
  });
  return Object.fromEntries(Object.entries(total).map(([k, v]): [string, number] => [k, v / all]).sort((a, b) => b[1] - a[1]));
}

// As `seqsim run` runs it: with the command's heap policy.
limitHeapGrowth();
const [mode, horizon, ...flags] = process.argv.slice(2);
const loaded = loadScenario(REALISTIC, { set: ['runs=1', `horizon=${horizon}`, `modes=[${mode}]`] });
const out = mkdtempSync(join(tmpdir(), 'seqsim-bench-'));
const session = flags.includes('--profile') ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const t0 = startTimer();
const result = await runToDirectory(loaded, out);
const t = elapsed(t0);
const profile = session ? byComponent((await session.post('Profiler.stop')).profile as never) : undefined;
rmSync(out, { recursive: true, force: true });
const events = result.runs.reduce((n, r) => n + r.events, 0);
const maxRssMb = peakRssMb();
if (flags.includes('--memory')) process.stderr.write(JSON.stringify(process.memoryUsage()) + '\n');
process.stdout.write(JSON.stringify({ mode, horizon, cpu: t.cpu, wall: t.wall, events, simulatedS: loaded.scenario.horizon / 1e6, maxRssMb, profile }) + '\n');
