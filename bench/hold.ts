// The classic hold model (Jones 1986): keep a fixed number of pending events; each operation pops
// the minimum and pushes one new event at (popped time + random increment). It isolates the cost
// of the event set. Both contenders consume the same pre-generated increments, so the RNG costs
// nothing in the timed loop and the two heaps see exactly the same sequence of times.
import { Simulation } from '../sim/engine/simulation.ts';
import { BareHeap } from './bareHeap.ts';
import { RngStreams } from '../sim/engine/rng.ts';
import { elapsed, startTimer, type Elapsed } from './timer.ts';

export const HOLD_PENDING = 100_000;
const INC_COUNT = 1 << 20;
const INC_MASK = INC_COUNT - 1;
/**
 * Mean increment, µs. The engine keeps integer µs, so increments are pre-rounded; a mean of 100 s
 * keeps 1e5 pending events about 1000 µs apart, so equal times (ties decided by the sequence
 * number) are rare and rounding does not change the heap's workload.
 */
const MEAN_INC_US = 100_000_000;

/** Integer exponential increments, identical for both contenders. */
export function holdIncrements(seed = 1): Float64Array {
  const rng = new RngStreams(seed).stream('bench/hold-increments');
  const incs = new Float64Array(INC_COUNT);
  for (let i = 0; i < INC_COUNT; i++) incs[i] = Math.max(1, Math.round(rng.exponential(1 / MEAN_INC_US)));
  return incs;
}

export interface HoldTiming {
  ops: number;
  time: Elapsed;
  /** Earliest pending time at the end: equal for both contenders iff they did the same work. */
  nextTime: number;
}

/**
 * Through the engine: each event's handler reschedules itself with `sim.after`, the path every
 * model event takes (pop → set clock → dispatch handler → invariant check → push). The run stops
 * at a horizon chosen to give about `targetOps` operations; the count actually done is returned.
 */
export function holdEngine(incs: Float64Array, targetOps: number): HoldTiming {
  const sim = new Simulation(0);
  let k = 0;
  const hold = (): void => {
    sim.after(incs[k++ & INC_MASK], 0, hold);
  };
  for (; k < HOLD_PENDING; k++) sim.at(incs[k], 0, hold);
  // In steady state the pending events are spread over ~one mean increment each, so operations
  // happen at a rate of HOLD_PENDING per MEAN_INC_US.
  const horizon = Math.round((targetOps * MEAN_INC_US) / HOLD_PENDING);
  const t0 = startTimer();
  sim.runUntil(horizon);
  const time = elapsed(t0);
  if (sim.queue.size !== HOLD_PENDING) throw new Error(`hold model lost events: ${sim.queue.size} pending`);
  return { ops: sim.eventsProcessed, time, nextTime: sim.queue.peekTime() };
}

/** The same operations on the bare Float64Array heap: exactly `ops` pop + push pairs. */
export function holdBare(incs: Float64Array, ops: number): HoldTiming {
  const heap = new BareHeap(HOLD_PENDING + 1);
  let k = 0;
  for (; k < HOLD_PENDING; k++) heap.push(incs[k]);
  const t0 = startTimer();
  for (let j = 0; j < ops; j++) heap.push(heap.pop() + incs[k++ & INC_MASK]);
  const time = elapsed(t0);
  return { ops, time, nextTime: heap.peek() };
}
