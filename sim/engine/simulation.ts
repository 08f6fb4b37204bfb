// The simulation kernel: owns the clock, the event queue, ID counters and the random streams.
// There are no globals: two Simulation objects in one process never share state.
import { EventQueue, type Handler } from './queue.ts';
import { RngStreams, type Rng } from './rng.ts';
import { InvariantError } from './assert.ts';
import type { Micros } from './time.ts';

/** Priority classes break ties between events at the same µs: lower runs first. The order is the
 * causal one: the world changes, agents react, their messages arrive, then blocks are cut — so a
 * zero-latency agent acting at t makes the block cut at t. */
export const Priority = {
  /** Exogenous state changes (reference prices) happen first, so everyone at t sees them. */
  world: 0,
  /** Agents deciding and submitting. */
  agent: 10,
  /** Messages arriving (at sequencers, nodes, bridges). */
  arrival: 20,
  /** Block production and execution. */
  block: 30,
  /** Bookkeeping that must see everything else at t (sampling, metrics). */
  observe: 40,
} as const;

export class Simulation {
  now: Micros = 0;
  eventsProcessed = 0;
  readonly queue = new EventQueue();
  readonly rng: RngStreams;
  private readonly counters = new Map<string, number>();

  constructor(readonly seed: number | string) {
    this.rng = new RngStreams(seed);
  }

  stream(label: string): Rng {
    return this.rng.stream(label);
  }

  /** Next id in the named counter: 0, 1, 2, … per simulation. */
  nextId(kind: string): number {
    const id = this.counters.get(kind) ?? 0;
    this.counters.set(kind, id + 1);
    return id;
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

  /** Processes every event with time <= horizon; the clock ends at the horizon. */
  runUntil(horizon: Micros): void {
    const q = this.queue;
    const ev = q.popped;
    while (q.size > 0 && q.peekTime() <= horizon) {
      q.pop();
      this.now = ev.time;
      this.eventsProcessed++;
      ev.handler(ev.data);
    }
    if (horizon !== Infinity && horizon > this.now) this.now = horizon;
  }

  /** Processes events until none are left. */
  runUntilEmpty(): void {
    this.runUntil(Infinity);
  }
}
