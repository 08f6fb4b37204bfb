import { describe, expect, it } from 'vitest';
import { EventQueue } from './queue.ts';
import { Simulation, Priority } from './simulation.ts';
import { parseDuration } from './time.ts';
import { RngStreams, streamSeed } from './rng.ts';
import seedrandom from 'seedrandom';
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

  it("draws exactly seedrandom's Alea sequence for the stream's seed (the stream steps Alea itself)", () => {
    for (const [root, label] of [[1, 'users/fast/retail'], [42, 'net'], ['abc', '']] as const) {
      const ours = new RngStreams(root).stream(label);
      const theirs = seedrandom.alea(streamSeed(root, label));
      let differ = 0;
      for (let i = 0; i < 100_000; i++) if (ours.next() !== theirs()) differ++;
      expect(differ).toBe(0);
      // The derived draws go through the same step.
      expect(ours.nextOpen()).toBe(1 - theirs());
      expect(ours.exponential(2)).toBe(-Math.log(1 - theirs()) / 2);
      expect(ours.int(10)).toBe(Math.floor(theirs() * 10));
    }
  });
});

describe('cancellable timers', () => {
  it('a cancelled event never runs, size counts live events only, and a stale handle cancels nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.boolean()), { minLength: 1, maxLength: 200 }), (items) => {
        const sim = new Simulation(1);
        const ran: number[] = [];
        const timers = items.map(([t], i) => sim.timer(t, Priority.agent, () => ran.push(i)));
        let live = items.length;
        items.forEach(([, cancel], i) => {
          if (cancel) {
            expect(timers[i].cancel()).toBe(true);
            expect(timers[i].cancel()).toBe(false);
            live--;
          }
          expect(sim.queue.size).toBe(live);
        });
        sim.runUntilEmpty();
        const expected = items.map(([t, c], i) => ({ t, c, i })).filter((e) => !e.c).sort((a, b) => a.t - b.t || a.i - b.i).map((e) => e.i);
        expect(ran).toEqual(expected);
        expect(sim.queue.size).toBe(0);
        // Every slot has been reused or freed: old handles see nothing pending and cancel nothing.
        const later = sim.timer(sim.now + 1, Priority.agent, () => ran.push(-1));
        for (const t of timers) {
          expect(t.pending).toBe(false);
          expect(t.cancel()).toBe(false);
        }
        expect(later.pending).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('a handler can cancel a later event at the same time', () => {
    const sim = new Simulation(1);
    const ran: string[] = [];
    let second: ReturnType<Simulation['timer']> | undefined;
    sim.at(5, Priority.world, () => {
      ran.push('first');
      second!.cancel();
    });
    second = sim.timer(5, Priority.agent, () => ran.push('second'));
    sim.at(6, Priority.agent, () => ran.push('third'));
    sim.runUntilEmpty();
    expect(ran).toEqual(['first', 'third']);
  });
});

describe('id spaces and keyed draws', () => {
  it('ids of one source do not depend on other sources', () => {
    const a = new Simulation(1);
    const b = new Simulation(1);
    const ua = a.ids('users/x');
    b.ids('users/x');
    const extra = b.ids('extractor');
    extra.next();
    const ub = b.ids('users/x');
    expect([ua.next(), ua.next()]).toEqual([ub.next(), ub.next()]);
  });

  it('a keyed draw depends only on (seed, label, key) and is uniform', () => {
    const k = new RngStreams(3).keyed('legs');
    const k2 = new RngStreams(3).keyed('legs');
    expect(k.uniform(12345, 1)).toBe(k2.uniform(12345, 1));
    expect(new RngStreams(4).keyed('legs').uniform(12345, 1)).not.toBe(k.uniform(12345, 1));
    // Mean and lag-1 correlation over consecutive keys: 4 standard errors.
    const n = 200_000;
    let sum = 0;
    let cross = 0;
    let prev = k.uniform(0, 0);
    for (let i = 1; i <= n; i++) {
      const u = k.uniform(2 ** 32 + i, i & 1);
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      cross += (u - 0.5) * (prev - 0.5);
      prev = u;
    }
    const se = Math.sqrt(1 / 12 / n);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(4 * se);
    expect(Math.abs(cross / n)).toBeLessThan(4 * (1 / 12) / Math.sqrt(n));
  });
});
