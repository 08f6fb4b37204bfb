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

/**
 * Baagoe's Alea, seeded by seedrandom (its `state` option hands over the seeded state) and stepped
 * here with seedrandom's own recurrence, so every draw is the one `seedrandom.alea(seed)` gives
 * (rng.test.ts checks). Stepping it in this class rather than calling seedrandom's generator
 * keeps each draw an inlinable method of one class: seedrandom makes a closure per generator, and
 * a call site that sees many closures (every stream's) cannot inline any of them.
 */
class AleaRng implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private c: number;
  private spare = NaN; // the second normal of each Box–Muller pair

  constructor(readonly label: string, seed: string) {
    const state = (seedrandom.alea(seed, { state: true }) as unknown as { state(): { c: number; s0: number; s1: number; s2: number } }).state();
    this.s0 = state.s0;
    this.s1 = state.s1;
    this.s2 = state.s2;
    this.c = state.c;
  }

  /** One step of Alea, as seedrandom's `next`. */
  private u(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    return (this.s2 = t - this.c);
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

/**
 * Draws keyed to what they decide: `uniform(a, b)` is a fixed function of (root seed, label, a, b),
 * so the draw for one thing (leg k of bundle a) is the same in every mode and never shifts when
 * other things draw. A counter-based generator: the key words are folded through a 32-bit
 * avalanche mixer (the "lowbias32" finalizer) twice with different seeds for 53 uniform bits.
 */
export class KeyedRng {
  private readonly k0: number;
  private readonly k1: number;

  constructor(readonly label: string, seedHex: string) {
    this.k0 = parseInt(seedHex.slice(0, 8), 16) >>> 0;
    this.k1 = parseInt(seedHex.slice(8, 16), 16) >>> 0;
  }

  /** Uniform on [0, 1) for the key (a, b): non-negative integers below 2^53. */
  uniform(a: number, b = 0): number {
    const aLo = a >>> 0;
    const aHi = Math.floor(a / 4294967296) >>> 0;
    const bLo = b >>> 0;
    const bHi = Math.floor(b / 4294967296) >>> 0;
    const x = fold(fold(fold(fold(this.k0, aLo), aHi), bLo), bHi);
    const y = fold(fold(fold(fold(this.k1, aLo), aHi), bLo), bHi);
    return ((x >>> 5) * 67108864 + (y >>> 6)) / 9007199254740992;
  }
}

function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

function fold(h: number, word: number): number {
  return mix32((h ^ mix32(word + 0x9e3779b9)) >>> 0);
}

export class RngStreams {
  private readonly streams = new Map<string, Rng>();
  private readonly keyedStreams = new Map<string, KeyedRng>();
  constructor(readonly rootSeed: number | string) {}

  /** Keyed draws for `label` (see KeyedRng). */
  keyed(label: string): KeyedRng {
    let k = this.keyedStreams.get(label);
    if (!k) {
      k = new KeyedRng(label, streamSeed(this.rootSeed, `keyed:${label}`));
      this.keyedStreams.set(label, k);
    }
    return k;
  }

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
