// Queueing theory through the engine: a single-server FIFO queue whose arrivals and departures are
// engine events (bench/mm1.ts) must reproduce the closed-form mean wait in queue. This exercises
// the heap order, the clock, `after` rounding and the named random streams together.
//
// Time unit: a mean service time of 1 s = 1e6 µs, so integer-µs rounding of each delay changes it
// by at most 5e-7 of a service time: far below the ~0.5% statistical resolution here.
//
// Successive waits are strongly correlated at ρ = 0.8 (a busy period spans hundreds of customers),
// so the standard error comes from batch means over millions of customers, not from the naive
// i.i.d. formula, which is several times too small (asserted below as a documented check).
import { describe, expect, it } from 'vitest';
import { Simulation } from '../sim/engine/simulation.ts';
import { runSingleServerQueue } from '../bench/mm1.ts';
import { BatchMeansAccumulator } from './util/stats.ts';

const LAMBDA = 0.8;
const MU = 1;
const RHO = LAMBDA / MU;
// Start empty and discard the first customers: the relaxation time at ρ = 0.8 is of order
// 1/(μ(1−√ρ)²) ≈ 90 service times, so 50 000 customers is far past the initial transient.
const WARMUP = 50_000;
const MEASURED = 3_000_000;
const BATCHES = 40; // 75 000 customers per batch: hundreds of relaxation times each

function simulateWaits(service: 'exponential' | 'deterministic', seed: number) {
  const sim = new Simulation(seed);
  const acc = new BatchMeansAccumulator(MEASURED, BATCHES);
  const idle = new BatchMeansAccumulator(MEASURED, BATCHES); // 1 when the server was free on arrival
  let k = 0;
  const run = runSingleServerQueue(sim, {
    arrivalRate: LAMBDA,
    serviceRate: MU,
    service,
    customers: WARMUP + MEASURED,
    onWait: (w) => {
      if (k++ < WARMUP) return;
      acc.add(w);
      idle.add(w === 0 ? 1 : 0);
    },
  });
  return { run, sim, stats: acc.result(), idle: idle.result() };
}

function expectMatchesTheory(stats: ReturnType<BatchMeansAccumulator['result']>, theory: number) {
  // Statistical tolerance: 4 batch-means standard errors (two-sided, ~6e-5 under normality; with
  // 39 degrees of freedom for the SE estimate the t tail is still below 1e-3).
  expect(Math.abs(stats.mean - theory)).toBeLessThan(4 * stats.se);
  // Guard against passing by vagueness: the test must resolve the mean to within 5%.
  expect(stats.se).toBeLessThan(0.05 * theory);
  // The documented claim: waits are autocorrelated, so the naive SE understates the error
  // several-fold (about 9× for M/M/1 at ρ = 0.8). Require at least 4×.
  expect(stats.se / stats.naiveSe).toBeGreaterThan(4);
}

describe('single-server queue on the engine', () => {
  it('M/M/1 at ρ = 0.8: mean wait in queue is ρ/(μ−λ) = 4 service times', () => {
    const theory = RHO / (MU - LAMBDA);
    const { run, sim, stats } = simulateWaits('exponential', 1);
    expect(run.served).toBe(WARMUP + MEASURED);
    expect(run.events).toBe(2 * (WARMUP + MEASURED)); // one arrival and one departure each
    expect(sim.queue.size).toBe(0);
    expect(theory).toBeCloseTo(4, 12);
    expectMatchesTheory(stats, theory);
  });

  it('M/M/1 and M/D/1: a fraction 1−ρ of customers find the server idle (PASTA)', () => {
    for (const service of ['exponential', 'deterministic'] as const) {
      const { idle } = simulateWaits(service, 2);
      expect(Math.abs(idle.mean - (1 - RHO))).toBeLessThan(4 * idle.se);
      expect(idle.se).toBeLessThan(0.05 * (1 - RHO));
    }
  });

  it('M/D/1 at ρ = 0.8: mean wait is ρ/(2μ(1−ρ)) = 2 service times (Pollaczek–Khinchine)', () => {
    const theory = RHO / (2 * MU * (1 - RHO));
    const { run, stats } = simulateWaits('deterministic', 1);
    expect(run.served).toBe(WARMUP + MEASURED);
    expect(theory).toBeCloseTo(2, 12);
    expectMatchesTheory(stats, theory);
  });

  it('is deterministic: the same seed gives the same waits, another seed different ones', () => {
    const waits = (seed: number) => {
      const out: number[] = [];
      runSingleServerQueue(new Simulation(seed), {
        arrivalRate: LAMBDA,
        serviceRate: MU,
        service: 'exponential',
        customers: 2_000,
        onWait: (w) => out.push(w),
      });
      return out;
    };
    const a = waits(5);
    expect(waits(5)).toEqual(a);
    expect(waits(6)).not.toEqual(a);
    expect(a[0]).toBe(0); // the first customer finds the server idle
  });
});
