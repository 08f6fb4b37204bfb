// Full-world benchmark: runs scenarios/default.yaml through the library API (runScenario from
// sim/index.ts) and reports simulated transactions and engine events per CPU second (see
// timer.ts). The library is imported dynamically so the rest of the benchmark still runs while
// sim/index.ts is missing or broken; then this reports why it skipped instead of failing.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { elapsed, median, startTimer } from './timer.ts';

export const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/default.yaml', import.meta.url));
export const SWAPS_SCENARIO = fileURLToPath(new URL('./swaps.yaml', import.meta.url));

export type WorldBench =
  | {
      status: 'ok';
      /** Median CPU seconds per runScenario call (all seeds × modes of the scenario). */
      seconds: number;
      wallSeconds: number;
      reps: number;
      runs: number;
      events: number;
      txs: number;
      swaps: number;
      eventsPerS: number;
      txsPerS: number;
      swapsPerS: number;
    }
  | { status: 'skipped'; reason: string };

export async function benchWorld(scenarioPath = DEFAULT_SCENARIO, reps = 3): Promise<WorldBench> {
  if (!existsSync(scenarioPath)) return { status: 'skipped', reason: `${scenarioPath} not found` };
  let lib: typeof import('../sim/index.ts');
  try {
    lib = await import('../sim/index.ts');
  } catch (e) {
    return { status: 'skipped', reason: `importing sim/index.ts failed: ${firstLine(e)}` };
  }
  try {
    const loaded = lib.loadScenario(scenarioPath); // parsing is not what this measures
    // One warm-up run (JIT, module initialisation), then the median of `reps` timed runs.
    const cpu: number[] = [];
    const wall: number[] = [];
    let result: Awaited<ReturnType<typeof lib.runScenario>> | undefined;
    for (let i = 0; i <= Math.max(1, reps); i++) {
      const t0 = startTimer();
      result = await lib.runScenario(loaded);
      const t = elapsed(t0);
      if (i === 0) continue;
      cpu.push(t.cpu);
      wall.push(t.wall);
    }
    // The world is deterministic, so every repetition has the same counts.
    const events = result!.runs.reduce((n, r) => n + r.events, 0);
    const txs = result!.tables.txs.numRows;
    const swaps = result!.tables.trades.numRows;
    const seconds = median(cpu);
    return {
      status: 'ok',
      seconds,
      wallSeconds: median(wall),
      reps: cpu.length,
      runs: result!.runs.length,
      events,
      txs,
      swaps,
      eventsPerS: events / seconds,
      txsPerS: txs / seconds,
      swapsPerS: swaps / seconds,
    };
  } catch (e) {
    return { status: 'skipped', reason: `runScenario failed: ${firstLine(e)}` };
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
