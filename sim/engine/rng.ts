// Named random streams. Each component draws from its own stream, seeded by hashing
// (root seed, label): never by drawing seeds from a parent stream, so adding a component or an
// agent leaves every other stream's draws unchanged. The exogenous world (prices, user flow)
// uses labels that do not mention the sequencing mode, which makes modes a paired comparison.
import { createHash } from 'node:crypto';
import seedrandom from 'seedrandom';

export interface Rng {
  readonly label: string;
  /** Uniform on [0, 1). */
  next(): number;
  /** Uniform on (0, 1]: safe for -log(u). */
  nextOpen(): number;
  exponential(rate: number): number;
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function streamSeed(rootSeed: number | string, label: string): string {
  return createHash('sha256').update(`seqsim:${rootSeed}:${label}`).digest('hex');
}

class AleaRng implements Rng {
  private readonly u: () => number;
  private spare = NaN; // the second normal of each Box–Muller pair

  constructor(readonly label: string, seed: string) {
    this.u = seedrandom.alea(seed);
  }

  next(): number {
    return this.u();
  }

  nextOpen(): number {
    return 1 - this.u();
  }

  exponential(rate: number): number {
    return -Math.log(this.nextOpen()) / rate;
  }

  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = NaN;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(this.nextOpen()));
    const theta = 2 * Math.PI * this.u();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  int(n: number): number {
    return Math.floor(this.u() * n);
  }
}

export class RngStreams {
  private readonly streams = new Map<string, Rng>();
  constructor(readonly rootSeed: number | string) {}

  /** The stream for `label`; the same label always returns the same stream object in a run. */
  stream(label: string): Rng {
    let s = this.streams.get(label);
    if (!s) {
      s = new AleaRng(label, streamSeed(this.rootSeed, label));
      this.streams.set(label, s);
    }
    return s;
  }
}
