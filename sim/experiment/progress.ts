// A progress bar with ETA on stderr, only when stderr is a terminal: pipes and CI logs stay clean.
import cliProgress from 'cli-progress';

export interface ProgressReporter {
  update: (fraction: number) => void;
  stop: () => void;
}

export function progressReporter(stream: NodeJS.WriteStream): ProgressReporter | undefined {
  if (!stream.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    { stream, format: 'seqsim {bar} {percentage}% | ETA {eta_formatted} | elapsed {duration_formatted}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1000, 0);
  return {
    update: (fraction) => bar.update(Math.round(fraction * 1000)),
    stop: () => bar.stop(),
  };
}
