// The realistic-flow scenario (scenarios/realistic.yaml) for `npm run bench`: per mode, a
// simulated day written to Arrow files (real-time factor, CPU per event), peak RSS at a day and
// at ten days, and a CPU profile by component. Each measurement runs in its own process
// (bench/realisticRun.ts) so peak RSS is that run's alone.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { largestLiveHeapMb } from './memory.ts';

export interface RealisticMode {
  mode: string;
  events: number;
  /** Simulated seconds per wall second over a simulated day. */
  realTime: number;
  wallPerDay: number;
  /** CPU seconds (all threads) per simulated day: steadier than wall time on a shared machine. */
  cpuPerDay: number;
  cpuPerEvent: number;
  /** Peak RSS, and the largest heap a full collection left (the live data, V8's sizing aside). */
  memory: { horizon: string; maxRssMb: number; liveMb: number }[];
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
  const p = spawnSync(process.execPath, ['--trace-gc', '--import', 'tsx', CHILD, mode, horizon, ...(profile ? ['--profile'] : [])], { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
  if (p.status !== 0) throw new Error(`realistic ${mode} ${horizon} failed: ${p.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const lines = p.stdout.trim().split('\n');
  const result = JSON.parse(lines.filter((l) => l.startsWith('{')).pop()!) as { cpu: number; wall: number; events: number; simulatedS: number; maxRssMb: number; profile?: Record<string, number> };
  return { ...result, liveMb: largestLiveHeapMb(p.stdout) };
}

/**
 * Memory is compared at the scenario's natural horizon, a simulated day, and at ten days. V8 sizes
 * its heap over the first tens of seconds of wall time (its old-space limit follows the rate at
 * which short-lived objects are promoted), so a horizon of a few simulated hours (about a second
 * of wall time) measures that warm-up rather than what a longer horizon adds; the live heap itself
 * is flat (docs/architecture.md, Memory).
 */
export function benchRealistic(quick: boolean, progress: (msg: string) => void): RealisticBench {
  const day = quick ? '2h' : '24h';
  const longer = quick ? '20h' : '240h';
  const modes: RealisticMode[] = [];
  for (const mode of ['centralized', 'shared']) {
    progress(`realistic-flow ${mode}: a simulated ${day}`);
    const run = child(mode, day);
    progress(`realistic-flow ${mode}: memory at ${longer}`);
    const long = child(mode, longer);
    const memory = [{ horizon: day, maxRssMb: run.maxRssMb, liveMb: run.liveMb }, { horizon: longer, maxRssMb: long.maxRssMb, liveMb: long.liveMb }];
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
  progress(`realistic-flow profile (shared, ${quick ? '1h' : '6h'})`);
  const profiled = child('shared', quick ? '1h' : '6h', true);
  return { dayLabel: `simulated ${day}`, modes, profile: { mode: 'shared', horizon: quick ? '1h' : '6h', shares: profiled.profile! } };
}
