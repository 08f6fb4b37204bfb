import { describe, expect, it } from 'vitest';
import { Table, makeVector, tableToIPC } from 'apache-arrow';
import { RngStreams } from '../../engine/rng.ts';
import { DAY, HOUR, SECOND } from '../../engine/time.ts';
import { existsSync, readFileSync } from 'node:fs';
import { GbmPath, PRICE_CEILING, PRICE_FLOOR, PriceFileError, ReplayPath, YEAR_US, poisson, type GbmParams } from './price.ts';

/** A price file read as the scenario loader reads it (bytes, then parsed by name). */
const readPath = (path: string, startUs = 0) => ReplayPath.fromFileBytes(path, existsSync(path) ? readFileSync(path) : new Uint8Array(), startUs);

const FIXTURES = new URL('../../../test/fixtures/prices/', import.meta.url).pathname;

/**
 * Log-returns of `steps` consecutive advances of `dtUs`, on a fresh path every 10,000 steps: one path
 * over 200,000 days would drift to the edge of the price band (PRICE_FLOOR), where returns are clamped.
 */
function logReturns(params: GbmParams, label: string, steps: number, dtUs: number): Float64Array {
  const streams = new RngStreams('price-test');
  const out = new Float64Array(steps);
  let path = new GbmPath(params, streams.stream(label), 100);
  let prev = Math.log(path.price);
  for (let i = 0; i < steps; i++) {
    if (i > 0 && i % 10_000 === 0) {
      path = new GbmPath(params, streams.stream(`${label}/${i}`), 100);
      prev = Math.log(path.price);
    }
    const next = Math.log(path.advance(dtUs));
    out[i] = next - prev;
    prev = next;
  }
  return out;
}

/** Sample mean, variance, and their standard errors (the variance's from the sample 4th moment). */
function moments(xs: Float64Array) {
  const n = xs.length;
  let m = 0;
  for (const x of xs) m += x;
  m /= n;
  let m2 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d = (x - m) ** 2;
    m2 += d;
    m4 += d * d;
  }
  const variance = m2 / (n - 1);
  m4 /= n;
  return { mean: m, variance, seMean: Math.sqrt(variance / n), seVariance: Math.sqrt((m4 - variance * variance) / n) };
}

describe('GbmPath', () => {
  const dtUs = HOUR;
  const dt = dtUs / YEAR_US;
  const steps = 200_000;

  it('arithmetic drift: log-returns have mean (μ − σ²/2)dt and variance σ²dt, within 4 SE', () => {
    const mu = 0.3;
    const sigma = 0.8;
    const m = moments(logReturns({ sigma, drift: mu, driftKind: 'arithmetic' }, 'gbm/arith', steps, dtUs));
    expect(Math.abs(m.mean - (mu - sigma ** 2 / 2) * dt)).toBeLessThan(4 * m.seMean);
    expect(Math.abs(m.variance - sigma ** 2 * dt)).toBeLessThan(4 * m.seVariance);
  });

  it('log drift 0: log price is a driftless Brownian motion', () => {
    const sigma = 0.5;
    const m = moments(logReturns({ sigma, drift: 0, driftKind: 'log' }, 'gbm/log', steps, dtUs));
    expect(Math.abs(m.mean)).toBeLessThan(4 * m.seMean);
    expect(Math.abs(m.variance - sigma ** 2 * dt)).toBeLessThan(4 * m.seVariance);
  });

  it('arithmetic drift: E[S(t+dt)/S(t)] = e^{μ dt}, within 4 SE', () => {
    const mu = 0.5;
    const r = logReturns({ sigma: 0.9, drift: mu, driftKind: 'arithmetic' }, 'gbm/martingale', steps, DAY);
    const m = moments(r.map(Math.exp));
    expect(Math.abs(m.mean - Math.exp((mu * DAY) / YEAR_US))).toBeLessThan(4 * m.seMean);
  });

  it('uncompensated Merton jumps add λ·m_J to the mean and λ(m_J² + s_J²) to the variance', () => {
    const sigma = 0.4;
    const jumps = { ratePerYear: 40, meanLogJump: -0.03, stdLogJump: 0.05, compensated: false };
    const dtDay = DAY / YEAR_US;
    const m = moments(logReturns({ sigma, drift: 0, driftKind: 'log', jumps }, 'gbm/jumps', steps, DAY));
    const lambdaDt = jumps.ratePerYear * dtDay;
    const expectedMean = lambdaDt * jumps.meanLogJump;
    const expectedVar = sigma ** 2 * dtDay + lambdaDt * (jumps.meanLogJump ** 2 + jumps.stdLogJump ** 2);
    expect(Math.abs(m.mean - expectedMean)).toBeLessThan(4 * m.seMean);
    expect(Math.abs(m.variance - expectedVar)).toBeLessThan(4 * m.seVariance);
    // The jump variance is a large share here, so the test has power: without jumps it would fail.
    expect(Math.abs(m.variance - sigma ** 2 * dtDay)).toBeGreaterThan(10 * m.seVariance);
  });

  it('compensated jumps with arithmetic drift keep E[S(t+dt)/S(t)] = e^{μ dt}', () => {
    const mu = 0.1;
    const jumps = { ratePerYear: 40, meanLogJump: -0.03, stdLogJump: 0.05, compensated: true };
    const r = logReturns({ sigma: 0.4, drift: mu, driftKind: 'arithmetic', jumps }, 'gbm/jumps-comp', steps, DAY);
    const m = moments(r.map(Math.exp));
    expect(Math.abs(m.mean - Math.exp((mu * DAY) / YEAR_US))).toBeLessThan(4 * m.seMean);
  });

  it('compensated jumps with log drift keep E[log-return] = drift·dt', () => {
    const jumps = { ratePerYear: 40, meanLogJump: -0.03, stdLogJump: 0.05, compensated: true };
    const m = moments(logReturns({ sigma: 0.4, drift: 0, driftKind: 'log', jumps }, 'gbm/jumps-comp-log', steps, DAY));
    expect(Math.abs(m.mean)).toBeLessThan(4 * m.seMean);
  });

  it('is deterministic per stream, and a zero step draws nothing', () => {
    const params: GbmParams = { sigma: 0.8, drift: 0, driftKind: 'log', jumps: { ratePerYear: 100, meanLogJump: 0, stdLogJump: 0.02, compensated: true } };
    const run = (label: string, zeroSteps: boolean) => {
      const path = new GbmPath(params, new RngStreams(7).stream(label), 2000);
      const prices: number[] = [];
      for (let i = 0; i < 1000; i++) {
        if (zeroSteps) path.advance(0);
        prices.push(path.advance(12 * SECOND));
      }
      return prices;
    };
    const a = run('eth', false);
    expect(run('eth', false)).toEqual(a);
    expect(run('eth', true)).toEqual(a);
    expect(run('btc', false)).not.toEqual(a);
  });

  it('tracks time, and advanceTo equals advance by the difference', () => {
    const params: GbmParams = { sigma: 0.8, drift: 0, driftKind: 'log' };
    const a = new GbmPath(params, new RngStreams(1).stream('x'), 50, 5 * SECOND);
    const b = new GbmPath(params, new RngStreams(1).stream('x'), 50, 5 * SECOND);
    expect(a.advanceTo(8 * SECOND)).toBe(b.advance(3 * SECOND));
    expect(a.timeUs).toBe(8 * SECOND);
    expect(() => a.advance(1.5)).toThrow(/integer/);
    expect(() => a.advanceTo(SECOND)).toThrow(/integer µs >= 0/);
    expect(() => new GbmPath({ ...params, sigma: -1 }, new RngStreams(1).stream('x'), 50)).toThrow(/sigma/);
    expect(() => new GbmPath(params, new RngStreams(1).stream('x'), 0)).toThrow(/initial price/);
  });

  it('extreme jumps hold the price at the edge of its band, finite and positive, and it comes back from there', () => {
    // A jump a second of log-size ±1 (the scenario limits): without the band the price reaches 0 or ∞ within minutes.
    for (const meanLogJump of [-1, 1]) {
      const path = new GbmPath({ sigma: 0.6, drift: 0, driftKind: 'log', jumps: { ratePerYear: YEAR_US / SECOND, meanLogJump, stdLogJump: 1, compensated: false } }, new RngStreams(7).stream('x'), 3000);
      const edge = meanLogJump < 0 ? PRICE_FLOOR : PRICE_CEILING;
      let atEdge = 0;
      for (let i = 0; i < 20_000; i++) {
        const p = path.advance(SECOND);
        expect(p >= PRICE_FLOOR && p <= PRICE_CEILING).toBe(true);
        if (p === edge) atEdge++;
      }
      expect(atEdge).toBeGreaterThan(10_000);
      // Held at the edge, not absorbed: the next move against the jumps' drift leaves it.
      expect(atEdge).toBeLessThan(20_000);
    }
  });
});

describe('poisson', () => {
  it.each([0.05, 3, 75])('mean %f: sample mean within 4 SE, variance equal to the mean', (mean) => {
    const rng = new RngStreams('poisson').stream(`mean-${mean}`);
    const xs = new Float64Array(100_000).map(() => poisson(rng, mean));
    const m = moments(xs);
    expect(Math.abs(m.mean - mean)).toBeLessThan(4 * Math.sqrt(mean / xs.length));
    expect(Math.abs(m.variance - mean)).toBeLessThan(4 * m.seVariance);
  });
});

describe('ReplayPath', () => {
  it('replays a CSV exactly, with µs and duration times, piecewise constant', () => {
    const path = readPath(`${FIXTURES}good.csv`);
    expect(path.length).toBe(5);
    expect(path.lastTimeUs).toBe(10 * SECOND);
    const expected: [number, number][] = [
      [0, 2000], [1_499_999, 2000], [1_500_000, 2001.25], [1_999_999, 2001.25], [2_000_000, 1999.5],
      [2_999_999, 1999.5], [3_000_000, 2003], [9_999_999, 2003], [10_000_000, 1990.125], [DAY, 1990.125],
    ];
    for (const [t, p] of expected) expect(path.priceAt(t)).toBe(p);
    // Advancing through the file in order gives the same prices as random access.
    expect(path.price).toBe(2000);
    for (const [t, p] of expected) expect(path.advanceTo(t)).toBe(p);
    expect(path.timeUs).toBe(DAY);
  });

  it('before the first point holds the first price; advance is relative', () => {
    const path = ReplayPath.fromPoints([SECOND, 2 * SECOND], [10, 20], 'pts');
    expect(path.price).toBe(10);
    expect(path.priceAt(0)).toBe(10);
    expect(path.advance(SECOND)).toBe(10);
    expect(path.advance(SECOND)).toBe(20);
    expect(() => path.advanceTo(SECOND)).toThrow(/>= 2000000/);
  });

  it('starting mid-file picks the point in force', () => {
    const path = readPath(`${FIXTURES}good.csv`, 2_500_000);
    expect(path.price).toBe(1999.5);
    expect(path.advance(500_000)).toBe(2003);
  });

  it('replays an Arrow IPC file exactly', () => {
    const path = readPath(`${FIXTURES}good.arrow`);
    expect([0, 249_999, 250_000, 500_000, 1_999_999, 2_000_000].map((t) => path.priceAt(t))).toEqual([100, 100, 100.5, 99.75, 99.75, 101]);
  });

  const bad: [file: string, location: string, message: RegExp][] = [
    ['bad-missing-column.csv', 'line 1', /missing column 'price'/],
    ['bad-price-text.csv', 'line 3', /column 'price': expected a positive number, found 'abc'/],
    ['bad-price-nonpositive.csv', 'line 4', /column 'price': expected a positive number, found 0 \(non-positive\)/],
    ['bad-time-order.csv', 'line 5', /time not increasing: 1500000 µs after 2000000 µs/],
    ['bad-time-text.csv', 'line 3', /column 'time': expected integer µs or a duration like '1.5s', found 'soon'/],
  ];
  it.each(bad)('%s fails at %s with a clear message', (file, location, message) => {
    const path = `${FIXTURES}${file}`;
    let error: unknown;
    try {
      readPath(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PriceFileError);
    const e = error as PriceFileError;
    expect(e.file).toBe(path);
    expect(e.location).toBe(location);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`${path}:${location}: `)).toBe(true);
  });

  it('refuses a recorded price outside the band every reference price stays in', () => {
    expect(() => ReplayPath.fromCsvText('time,price\n0,3000\n1000,1e-20\n', 'p.csv')).toThrow(/p.csv.*line 3.*between 1e-15 and 1000000000000000 USD, found 1e-20/);
  });

  it('rejects short rows, empty files and header-only files', () => {
    expect(() => ReplayPath.fromCsvText('time,price\n0\n', 'x.csv')).toThrow(/x\.csv:line 2: expected 2 columns/);
    expect(() => ReplayPath.fromCsvText('\n\n', 'x.csv')).toThrow(/x\.csv:line 1: expected a header/);
    expect(() => ReplayPath.fromCsvText('time,price\n', 'x.csv')).toThrow(/x\.csv:line 2: expected at least one data line/);
    expect(() => readPath('prices.json')).toThrow(/expected a \.csv or \.arrow file/);
  });

  it('Arrow errors name the row and the column', () => {
    const bytes = (t: bigint[], p: number[]) => tableToIPC(new Table({ time_us: makeVector(BigInt64Array.from(t)), price: makeVector(Float64Array.from(p)) }), 'file');
    expect(() => ReplayPath.fromArrowBytes(bytes([0n, 5n, 5n], [1, 2, 3]), 'p.arrow')).toThrow(/p\.arrow:row 3: column 'time_us': time not increasing: 5 µs after 5 µs/);
    expect(() => ReplayPath.fromArrowBytes(bytes([0n, 5n], [1, -2]), 'p.arrow')).toThrow(/p\.arrow:row 2: column 'price': expected a positive number, found -2/);
    expect(() => ReplayPath.fromArrowBytes(bytes([0n, 5n], [1, NaN]), 'p.arrow')).toThrow(/p\.arrow:row 2: column 'price': expected a positive number, found 'NaN'/);
    const noPrice = tableToIPC(new Table({ time_us: makeVector(BigInt64Array.from([0n])), px: makeVector(Float64Array.from([1])) }), 'file');
    expect(() => ReplayPath.fromArrowBytes(noPrice, 'p.arrow')).toThrow(/p\.arrow:schema: missing column 'price': found columns \[time_us, px\]/);
    expect(() => ReplayPath.fromArrowBytes(new Uint8Array([1, 2, 3]), 'p.arrow')).toThrow(/p\.arrow:file: expected an Arrow IPC file/);
  });
});

describe('reference feed look-ahead', () => {
  it('looking ahead returns the prices the feed will show and leaves the path unchanged', async () => {
    const { Simulation } = await import('../../engine/simulation.ts');
    const { ReferenceFeed } = await import('./feed.ts');
    const make = () => {
      const sim = new Simulation(9);
      const path = new GbmPath({ sigma: 0.8, drift: 0, driftKind: 'log' }, sim.stream('prices/x'), 100);
      return { sim, feed: new ReferenceFeed(sim, 'x', path, 100_000, 10 * SECOND) };
    };
    const plain = make();
    const seen: number[] = [];
    for (let k = 1; k <= 500; k++) plain.sim.at(k * 100_000, 99, () => seen.push(plain.feed.price));
    plain.sim.runUntil(50 * SECOND);
    const peeking = make();
    const predicted = new Map<number, number>();
    const got: number[] = [];
    for (let k = 1; k <= 500; k++) {
      peeking.sim.at(k * 100_000 + 50_000, 5, () => predicted.set(k + 7, peeking.feed.futurePrice((k + 7) * 100_000 + 3)));
      peeking.sim.at(k * 100_000, 99, () => got.push(peeking.feed.price));
    }
    peeking.sim.runUntil(50 * SECOND);
    expect(got).toEqual(seen);
    for (const [k, p] of predicted) if (k <= 500) expect(p).toBe(seen[k - 1]);
  });
});
