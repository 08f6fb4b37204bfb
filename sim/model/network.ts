// Latency of a message: a fixed base plus an exponential jitter with the given mean. Each
// sender owns its own stream, so the delays one sender sees do not depend on anyone else.
import type { Rng } from '../engine/rng.ts';

export interface LatencyParams {
  baseUs: number;
  jitterMeanUs: number;
}

export class Link {
  constructor(private readonly params: LatencyParams, private readonly rng: Rng) {}

  /** One message delay, integer µs. */
  delay(): number {
    const { baseUs, jitterMeanUs } = this.params;
    if (jitterMeanUs === 0) return baseUs;
    return baseUs + Math.round(this.rng.exponential(1 / jitterMeanUs));
  }
}
