// The clock, read only here (bench/ is the one place allowed to read it).
// Figures use this process's CPU time (user + system) rather than wall time: the benchmarks are
// single-threaded, so on an idle machine the two agree, but on a shared machine (CI, several
// developers on two cores) wall time also counts the time other processes held the CPU, which made
// repeated runs differ by ±40% while CPU time stayed within a few percent. Wall time is kept too.
import { cpuUsage, hrtime } from 'node:process';

export interface Stamp {
  wall: bigint;
  cpuUs: number;
}

export interface Elapsed {
  /** CPU seconds of this process (all its threads, so V8's GC helpers count too). */
  cpu: number;
  wall: number;
}

export function startTimer(): Stamp {
  const u = cpuUsage();
  return { wall: hrtime.bigint(), cpuUs: u.user + u.system };
}

export function elapsed(start: Stamp): Elapsed {
  const u = cpuUsage();
  return { cpu: (u.user + u.system - start.cpuUs) / 1e6, wall: Number(hrtime.bigint() - start.wall) / 1e9 };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
