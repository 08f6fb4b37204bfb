// A progress bar on stderr, only when stderr is a terminal (pipes and CI logs stay clean): the
// fraction of the work done, runs done of the invocation's runs, the engine's events per second
// (wall clock: a display, never an output) and the ETA.
import cliProgress from 'cli-progress';
import type { PlanProgress } from './run.ts';

export interface ProgressReporter {
  update: (fraction: number, progress: PlanProgress) => void;
  stop: () => void;
}

/** 12345678 → "12.3M": a rate that stays one short word. */
export function compactCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

export function progressReporter(stream: NodeJS.WriteStream): ProgressReporter | undefined {
  if (!stream.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    { stream, format: 'seqsim {bar} {percentage}% | runs {runsDone}/{runs} | {rate} events/s | ETA {eta_formatted} | elapsed {duration_formatted}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  // Wall clock for the display only (events/s on a terminal): never in a run, never in an output.
  const started = performance.now();
  bar.start(1000, 0, { runsDone: 0, runs: '?', rate: '–' });
  return {
    update: (fraction, p) => {
      const seconds = (performance.now() - started) / 1000;
      bar.update(Math.round(fraction * 1000), { runsDone: p.runsDone, runs: p.runs, rate: seconds > 0 ? compactCount(p.events / seconds) : '–' });
    },
    stop: () => bar.stop(),
  };
}
