// The wall clock, read only here (bench/ is the one place allowed to read it).
import { hrtime } from 'node:process';

export const startTimer = (): bigint => hrtime.bigint();

export const elapsedSeconds = (start: bigint): number => Number(hrtime.bigint() - start) / 1e9;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
