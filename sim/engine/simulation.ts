// The simulation kernel: owns the clock, the event queue, id spaces and the random streams.
// There are no globals: two Simulation objects in one process never share state.
import { EventQueue, type Handler } from './queue.ts';
import { RngStreams, type Rng } from './rng.ts';
import { InvariantError } from './assert.ts';
import type { Micros } from './time.ts';

/**
 * Phases within one timestamp: events at the same µs pop in this order (lower first), then in
 * insertion order. The order is the causal one (docs/architecture.md, "Phase order"):
 *   world      — exogenous state changes (reference prices, fault transitions): everyone at t sees them;
 *   agent      — agents deciding on what is known at t before any block of t: price-feed
 *                listeners (as their own event), exogenous flows, agents' timers; a zero-latency
 *                decision reaches the blocks cut at t;
 *   arrival    — messages reaching sequencers, nodes, builders and bridges: a transaction that
 *                arrives at t can be ordered at t;
 *   sequencing — slots, consensus steps, block cuts, and the execution of the blocks they decide
 *                (every rollup of a shared slot executes inside one such event);
 *   reaction   — agents' reactions to blocks, as their own events: by then every block of t on
 *                every rollup has executed, so no agent sees one rollup of a slot before another;
 *   observe    — bookkeeping that must see everything else at t.
 * An event scheduled for the current µs in a phase that has already passed runs next (time never
 * goes back); a reaction that sends a zero-latency transaction at t therefore reaches the next block.
 */
export const Priority = {
  world: 0,
  agent: 10,
  arrival: 20,
  sequencing: 30,
  reaction: 40,
  observe: 50,
} as const;

/** A cancellable scheduled event (see `Simulation.timer`). */
export class Timer {
  constructor(private readonly queue: EventQueue, private readonly slot: number, private readonly order: number, readonly atUs: Micros) {}

  /** Still waiting to run. */
  get pending(): boolean {
    return this.queue.isLive(this.slot, this.order);
  }

  /** Cancels it if it has not run; true when this call cancelled it. O(1). */
  cancel(): boolean {
    return this.queue.cancel(this.slot, this.order);
  }
}

/** Ids of one source (a user flow, an agent, a sequencer): `source × 2^32 + n` for its n-th id,
 * so the same exogenous transaction has the same id in every mode, whatever other sources do. */
export class IdSpace {
  private n = 0;
  private readonly base: number;

  constructor(readonly label: string, readonly source: number) {
    this.base = source * ID_STRIDE;
  }

  next(): number {
    return this.base + this.n++;
  }
}

/** Ids per source: 2^32 per source, 2^21 sources, all exact in a double. */
export const ID_STRIDE = 2 ** 32;
const MAX_SOURCES = 2 ** 21;

export class Simulation {
  now: Micros = 0;
  eventsProcessed = 0;
  readonly queue = new EventQueue();
  readonly rng: RngStreams;
  private readonly idSpaces = new Map<string, IdSpace>();

  constructor(readonly seed: number | string) {
    this.rng = new RngStreams(seed);
  }

  stream(label: string): Rng {
    return this.rng.stream(label);
  }

  /**
   * The id space of a source, created on first request: sources are numbered in the order they
   * are first asked for, so the world declares the scenario's sources first, in scenario order
   * (world/sources.ts), and mode-specific ones come after.
   */
  ids(label: string): IdSpace {
    let s = this.idSpaces.get(label);
    if (!s) {
      if (this.idSpaces.size >= MAX_SOURCES) throw new InvariantError('id sources', `more than ${MAX_SOURCES} id sources`);
      s = new IdSpace(label, this.idSpaces.size);
      this.idSpaces.set(label, s);
    }
    return s;
  }

  /** Schedules `handler(data)` at absolute time `at` (integer µs, not in the past). */
  at(at: Micros, priority: number, handler: Handler, data?: unknown): void {
    // Checked inline rather than through invariant(): this is the hot path, and a closure per event costs.
    if (!(at >= this.now && Number.isInteger(at))) throw new InvariantError('time is monotone', `scheduled at ${at} when now is ${this.now}`);
    this.queue.push(at, priority, handler, data);
  }

  /** Schedules `handler(data)` after `delay` µs (rounded to an integer). */
  after(delay: Micros, priority: number, handler: Handler, data?: unknown): void {
    this.at(this.now + Math.round(delay), priority, handler, data);
  }

  /** As `at`, returning a handle that can cancel the event: for anything that may be superseded. */
  timer(at: Micros, priority: number, handler: Handler, data?: unknown): Timer {
    if (!(at >= this.now && Number.isInteger(at))) throw new InvariantError('time is monotone', `scheduled at ${at} when now is ${this.now}`);
    const slot = this.queue.push(at, priority, handler, data);
    return new Timer(this.queue, slot, this.queue.lastOrder, at);
  }

  /**
   * Processes every event with time <= horizon, or stops after `maxEvents` of them; returns true
   * when it got to the horizon (the clock then ends there). Stopping early never changes the order
   * of events: the next call carries on where this one stopped.
   */
  runUntil(horizon: Micros, maxEvents = Infinity): boolean {
    const q = this.queue;
    const ev = q.popped;
    const stop = this.eventsProcessed + maxEvents;
    for (;;) {
      const t = q.peekTime();
      if (t > horizon || t === Infinity) break;
      if (this.eventsProcessed >= stop) return false;
      q.pop();
      this.now = ev.time;
      this.eventsProcessed++;
      ev.handler(ev.data);
    }
    if (horizon !== Infinity && horizon > this.now) this.now = horizon;
    return true;
  }

  /** Processes events until none are left. */
  runUntilEmpty(): void {
    this.runUntil(Infinity);
  }
}
