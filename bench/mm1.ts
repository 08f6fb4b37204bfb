// A single-server FIFO queue (M/M/1 or M/D/1) built on the engine's Simulation: arrivals and
// service completions are engine events. It is shared by the queueing-theory tests (which check it
// against closed forms, so the benchmark measures a model known to be right) and the benchmark.
// No clock is read here; bench/run.ts does the timing.
import { Simulation, Priority } from '../sim/engine/simulation.ts';

export interface SingleServerOptions {
  /** λ, customers per time unit. */
  arrivalRate: number;
  /** μ, services per time unit (deterministic service takes exactly 1/μ). */
  serviceRate: number;
  service: 'exponential' | 'deterministic';
  /** Arrivals to generate; the run then drains the queue, so every one of them is served. */
  customers: number;
  /**
   * µs per model time unit. Engine time is integer µs and every delay is rounded to it; with the
   * default 1e6 (a mean service of 1 s) the rounding error is ≤ 0.5e-6 of a service time.
   */
  unitUs?: number;
  /** Called with each customer's wait in queue (model time units), in service (= arrival) order. */
  onWait?: (waitUnits: number) => void;
}

export interface SingleServerResult {
  served: number;
  /** Engine events processed: two per customer (arrival, departure). */
  events: number;
  meanWait: number;
}

export function runSingleServerQueue(sim: Simulation, opts: SingleServerOptions): SingleServerResult {
  const unitUs = opts.unitUs ?? 1_000_000;
  const arrivals = sim.stream('mm1/arrivals');
  const service = sim.stream('mm1/service');
  const meanArrivalUs = unitUs / opts.arrivalRate;
  const meanServiceUs = unitUs / opts.serviceRate;
  const exponentialService = opts.service === 'exponential';
  const onWait = opts.onWait;

  // Waiting customers' arrival times in a growable power-of-two ring buffer: FIFO without
  // allocating per customer.
  let ring = new Float64Array(1024);
  let mask = ring.length - 1;
  let head = 0;
  let waiting = 0;
  let busy = false;
  let generated = 0;
  let served = 0;
  let sumWait = 0;
  const eventsBefore = sim.eventsProcessed;

  const serviceUs = (): number => (exponentialService ? -Math.log(service.nextOpen()) * meanServiceUs : meanServiceUs);

  const startService = (arrivedAt: number): void => {
    const w = (sim.now - arrivedAt) / unitUs;
    sumWait += w;
    served++;
    if (onWait !== undefined) onWait(w);
    busy = true;
    sim.after(serviceUs(), Priority.arrival, depart);
  };

  const arrive = (): void => {
    if (++generated < opts.customers) sim.after(-Math.log(arrivals.nextOpen()) * meanArrivalUs, Priority.arrival, arrive);
    if (!busy) {
      startService(sim.now);
      return;
    }
    if (waiting === ring.length) {
      const bigger = new Float64Array(ring.length * 2);
      for (let i = 0; i < waiting; i++) bigger[i] = ring[(head + i) & mask];
      ring = bigger;
      mask = ring.length - 1;
      head = 0;
    }
    ring[(head + waiting) & mask] = sim.now;
    waiting++;
  };

  const depart = (): void => {
    busy = false;
    if (waiting > 0) {
      const arrivedAt = ring[head];
      head = (head + 1) & mask;
      waiting--;
      startService(arrivedAt);
    }
  };

  if (opts.customers > 0) sim.after(-Math.log(arrivals.nextOpen()) * meanArrivalUs, Priority.arrival, arrive);
  sim.runUntilEmpty();
  return { served, events: sim.eventsProcessed - eventsBefore, meanWait: sumWait / served };
}
