// The live heap of a process run with node's --trace-gc: the largest heap a full collection left,
// read from the lines V8 prints on stdout ("Mark-Compact 86.5 (117.6) -> 25.5 (91.6) MB"). Peak
// RSS also counts the garbage V8 lets stand between collections; this counts what was held.
const AFTER_FULL_GC = /Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/;

/** MB; NaN when no full collection happened. */
export function largestLiveHeapMb(stdout: string): number {
  const live = stdout.split('\n').map((l) => AFTER_FULL_GC.exec(l)).filter((m) => m !== null).map((m) => Number(m[1]));
  return live.length ? Math.max(...live) : NaN;
}
