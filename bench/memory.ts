// What a benchmarked process held: its peak RSS, and its live heap as V8's --trace-gc reports it.
import { readFileSync } from 'node:fs';

/**
 * Peak RSS of this process, MB, from /proc: VmHWM starts afresh at exec, while getrusage's maxrss
 * carries over the peak of the process that spawned this one (the bench itself, hundreds of MB).
 */
export function peakRssMb(): number {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // not Linux: getrusage's figure, with its caveat
  }
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
  return (hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS) / 1024;
}

// The largest heap a full collection left, from the lines V8 prints on stdout under --trace-gc
// ("Mark-Compact 86.5 (117.6) -> 25.5 (91.6) MB"). Peak RSS also counts the garbage V8 lets stand
// between collections; this counts what was held.
const AFTER_FULL_GC = /Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/;

/** MB; NaN when no full collection happened. */
export function largestLiveHeapMb(stdout: string): number {
  const live = stdout.split('\n').map((l) => AFTER_FULL_GC.exec(l)).filter((m) => m !== null).map((m) => Number(m[1]));
  return live.length ? Math.max(...live) : NaN;
}
