// Simulated time is an integer number of microseconds. Human strings ("250ms", "12s", "6h")
// are parsed once, at the scenario boundary; nothing inside the simulator sees a unit string.

export type Micros = number;

export const US = 1;
export const MS = 1_000;
export const SECOND = 1_000_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const UNITS: Record<string, number> = { us: US, µs: US, ms: MS, s: SECOND, m: MINUTE, min: MINUTE, h: HOUR, d: DAY };

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|min|m|h|d)\s*$/;

/** Parses "250ms", "1.5s", "6h" into integer µs. Returns undefined when the text is not a duration. */
export function parseDuration(text: string): Micros | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  const us = Number(m[1]) * UNITS[m[2]];
  // Rounding, not truncation: "0.1s" * 1e6 is 99999.99999999999 in binary floating point.
  return Math.round(us);
}

/** Formats µs with the largest unit that keeps the number short; for messages, not for data. */
export function formatDuration(us: Micros): string {
  const abs = Math.abs(us);
  if (abs >= DAY && us % DAY === 0) return `${us / DAY}d`;
  if (abs >= HOUR && us % HOUR === 0) return `${us / HOUR}h`;
  if (abs >= MINUTE && us % MINUTE === 0) return `${us / MINUTE}m`;
  if (abs >= SECOND) return `${us / SECOND}s`;
  if (abs >= MS) return `${us / MS}ms`;
  return `${us}us`;
}

export const toMs = (us: Micros): number => us / MS;
export const toSeconds = (us: Micros): number => us / SECOND;
