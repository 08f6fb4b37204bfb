import { describe, expect, it } from 'vitest';
import { EventQueue } from './queue.ts';
import { Simulation, Priority } from './simulation.ts';
import { parseDuration } from './time.ts';
import { RngStreams } from './rng.ts';
import fc from 'fast-check';

describe('event queue', () => {
  it('pops in (time, priority, insertion) order for any pushes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3 })), { maxLength: 300 }), (items) => {
        const q = new EventQueue(2);
        items.forEach(([t, p], i) => q.push(t, p, () => {}, i));
        const expected = items.map(([t, p], i) => ({ t, p, i })).sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i);
        const got: number[] = [];
        while (q.pop()) got.push(q.popped.data as number);
        expect(got).toEqual(expected.map((e) => e.i));
      }),
    );
  });
});

describe('event queue, interleaved', () => {
  it('any interleaving of pushes and pops pops in (time, priority, insertion) order among what is pending', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 2 })), fc.constant(null)), { maxLength: 400 }), (ops) => {
        const q = new EventQueue(2);
        const ref: { t: number; p: number; i: number }[] = [];
        let clock = 0;
        ops.forEach((op, i) => {
          if (op === null) {
            ref.sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i);
            const want = ref.shift();
            expect(q.pop()).toBe(want !== undefined);
            if (want) {
              expect(q.popped.data).toBe(want.i);
              clock = want.t;
            }
          } else {
            // Events are never scheduled in the past, as the simulation guarantees.
            const t = clock + op[0];
            q.push(t, op[1], () => {}, i);
            ref.push({ t, p: op[1], i });
          }
          expect(q.size).toBe(ref.length);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('simulation', () => {
  it('refuses to schedule in the past', () => {
    const sim = new Simulation(1);
    sim.at(10, Priority.agent, () => sim.at(5, Priority.agent, () => {}));
    expect(() => sim.runUntilEmpty()).toThrow(/time is monotone/);
  });

  it('runUntil stops at the horizon and leaves later events queued', () => {
    const sim = new Simulation(1);
    const seen: number[] = [];
    for (const t of [5, 10, 15]) sim.at(t, Priority.agent, () => seen.push(sim.now));
    sim.runUntil(10);
    expect(seen).toEqual([5, 10]);
    expect(sim.now).toBe(10);
    expect(sim.queue.size).toBe(1);
  });
});

describe('time', () => {
  it('parses durations to integer µs', () => {
    expect(parseDuration('250ms')).toBe(250_000);
    expect(parseDuration('0.1s')).toBe(100_000);
    expect(parseDuration('6h')).toBe(6 * 3600e6);
    expect(parseDuration('12 s')).toBe(12e6);
    expect(parseDuration('12')).toBeUndefined();
    expect(parseDuration('-1s')).toBeUndefined();
  });
});

describe('rng streams', () => {
  it('a stream depends only on (seed, label), not on which other streams exist', () => {
    const a = new RngStreams(7);
    const b = new RngStreams(7);
    b.stream('other').next();
    const xs = [a.stream('x').next(), a.stream('x').next()];
    expect([b.stream('x').next(), b.stream('x').next()]).toEqual(xs);
    expect(new RngStreams(8).stream('x').next()).not.toBe(xs[0]);
  });
});
