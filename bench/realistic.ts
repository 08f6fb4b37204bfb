// The realistic-flow scenario (scenarios/realistic.yaml) for `npm run bench`: per mode, a
// simulated day written to Arrow files (real-time factor, CPU per event), peak RSS at a horizon
// and at 10× it, and a CPU profile by component. Each measurement runs in its own process
// (bench/realisticRun.ts) so peak RSS is that run's alone.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface RealisticMode {
  mode: string;
  events: number;
  /** Simulated seconds per wall second over a simulated day. */
  realTime: number;
  wallPerDay: number;
  /** CPU seconds (all threads) per simulated day: steadier than wall time on a shared machine. */
  cpuPerDay: number;
  cpuPerEvent: number;
  memory: { horizon: string; maxRssMb: number }[];
  /** Peak RSS at 10× the horizon ÷ at 1×. */
  memoryRatio: number;
}

export interface RealisticBench {
  dayLabel: string;
  modes: RealisticMode[];
  profile?: { mode: string; horizon: string; shares: Record<string, number> };
}

const CHILD = fileURLToPath(new URL('./realisticRun.ts', import.meta.url));

function child(mode: string, horizon: string, profile = false) {
  const p = spawnSync(process.execPath, ['--import', 'tsx', CHILD, mode, horizon, ...(profile ? ['--profile'] : [])], { encoding: 'utf8', timeout: 600_000 });
  if (p.status !== 0) throw new Error(`realistic ${mode} ${horizon} failed: ${p.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(p.stdout.trim().split('\n').pop()!) as { cpu: number; wall: number; events: number; simulatedS: number; maxRssMb: number; profile?: Record<string, number> };
}

/**
 * Memory is compared at 6 h and 60 h: V8 sizes its heap to a few times the live data during the
 * first seconds of a run, so a horizon shorter than that measures V8's warm-up, not the model;
 * the live heap itself is flat (docs/architecture.md, Memory).
 */
export function benchRealistic(quick: boolean, progress: (msg: string) => void): RealisticBench {
  const day = quick ? '2h' : '24h';
  const [small, large] = quick ? ['1h', '10h'] : ['6h', '60h'];
  const modes: RealisticMode[] = [];
  for (const mode of ['centralized', 'shared']) {
    progress(`realistic-flow ${mode}: a simulated ${day}`);
    const run = child(mode, day);
    progress(`realistic-flow ${mode}: memory at ${small} and ${large}`);
    const memory = [small, large].map((h) => ({ horizon: h, maxRssMb: child(mode, h).maxRssMb }));
    memory.push({ horizon: day, maxRssMb: run.maxRssMb });
    modes.push({
      mode,
      events: run.events,
      realTime: run.simulatedS / run.wall,
      wallPerDay: (run.wall * 86_400) / run.simulatedS,
      cpuPerDay: (run.cpu * 86_400) / run.simulatedS,
      cpuPerEvent: run.cpu / run.events,
      memory,
      memoryRatio: memory[1].maxRssMb / memory[0].maxRssMb,
    });
  }
  progress('realistic-flow profile (shared, 6h)');
  const profiled = child('shared', quick ? '1h' : '6h', true);
  return { dayLabel: `simulated ${day}`, modes, profile: { mode: 'shared', horizon: quick ? '1h' : '6h', shares: profiled.profile! } };
}
