// Message latency. Every party (agent, sequencer, shared-set node) sits in a region; a message
// from region a to region b takes the one-way delay of the region matrix plus an exponential
// jitter. Without regions every pair of parties is `baseUs` apart. Each sender owns its own
// stream, so the delays one sender sees do not depend on anyone else.
import type { Rng } from '../engine/rng.ts';
import type { Micros } from '../engine/time.ts';

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

/** One-way delays between named regions (µs), symmetric, with a delay within each region. */
export class RegionMatrix {
  private readonly index = new Map<string, number>();
  private readonly d: Float64Array;

  constructor(readonly regions: readonly string[], oneWayUs: (a: string, b: string) => Micros) {
    regions.forEach((r, i) => this.index.set(r, i));
    const n = regions.length;
    this.d = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) this.d[i * n + j] = oneWayUs(regions[i], regions[j]);
  }

  delayUs(from: string, to: string): Micros {
    const i = this.index.get(from);
    const j = this.index.get(to);
    if (i === undefined || j === undefined) throw new RangeError(`unknown region ${i === undefined ? from : to}`);
    return this.d[i * this.regions.length + j];
  }
}

/** The network of one run: how far apart two regions are. */
export class Network {
  constructor(
    /** Delay between any two parties when no region matrix is given. */
    readonly baseUs: Micros,
    readonly jitterMeanUs: Micros,
    readonly matrix?: RegionMatrix,
  ) {}

  /** One-way base delay from a party in `from` to one in `to`. */
  baseDelayUs(from: string, to: string): Micros {
    return this.matrix ? this.matrix.delayUs(from, to) : this.baseUs;
  }
}
