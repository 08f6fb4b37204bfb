// Reference price of one asset: the CEX price that arbitrageurs and market makers see.
// Two sources behind one interface: a simulated GBM (optionally with Merton jumps) and a replayed
// piecewise-constant path from a file. Both are advanced by the world in integer µs and hold only
// the current state, so a path costs O(1) memory however long the horizon.
import { tableFromIPC } from 'apache-arrow';
import type { Rng } from '../../engine/rng.ts';
import { DAY, parseDuration, type Micros } from '../../engine/time.ts';

/** Volatilities and rates are per year; a year is 365 days (crypto trades every day). */
export const YEAR_US: Micros = 365 * DAY;

/**
 * The band every reference price stays in, USD per unit: six orders of magnitude beyond the
 * scenario's limits on a starting price (10⁻⁹ to 10⁹). A simulated path that would leave it is held
 * at the edge (its log is clamped), so extreme jumps cannot underflow the price to 0 or overflow it,
 * and every ratio against the reference price stays finite. A path held at an edge is outside any
 * market the model describes; the band only keeps the arithmetic sound there.
 */
export const PRICE_FLOOR = 1e-15;
export const PRICE_CEILING = 1e15;
const LOG_FLOOR = Math.log(PRICE_FLOOR);
const LOG_CEILING = Math.log(PRICE_CEILING);

/** What the world needs from a reference price, whatever produces it. */
export interface PricePath {
  /** Current price (quote per base), always finite and > 0. */
  readonly price: number;
  /** Time of `price`, integer µs. */
  readonly timeUs: Micros;
  /** Moves the path forward by `dtUs` ≥ 0 µs and returns the new price. */
  advance(dtUs: Micros): number;
  /** Moves the path forward to absolute time `timeUs` ≥ `this.timeUs` and returns the new price. */
  advanceTo(timeUs: Micros): number;
}

// ─── GBM with optional Merton jumps ─────────────────────────────────────────────────────────────

export interface JumpParams {
  /** Poisson rate of jumps, per year. */
  ratePerYear: number;
  /** Mean m_J of the log-jump log(S⁺/S⁻) ~ N(m_J, s_J²). */
  meanLogJump: number;
  /** Standard deviation s_J ≥ 0 of the log-jump. */
  stdLogJump: number;
  /**
   * true: the drift is reduced so that jumps leave the drift's meaning unchanged — with
   * driftKind 'arithmetic' E[S_t] stays S_0·e^{μt} (subtract λ_J·(e^{m_J + s_J²/2} − 1), Merton's
   * compensator); with driftKind 'log' E[log S_t] stays log S_0 + drift·t (subtract λ_J·m_J).
   * false: jumps add on top of the diffusion, shifting the mean by their own mean.
   */
  compensated: boolean;
}

export interface GbmParams {
  /** Annualized volatility σ ≥ 0 of the diffusion (per √year). */
  sigma: number;
  /** Drift per year; its meaning is set by `driftKind`. */
  drift: number;
  /**
   * 'arithmetic': `drift` is μ in dS/S = μ dt + σ dW, so log S drifts at μ − σ²/2 and
   *   E[S_t] = S_0·e^{μt} (μ = 0 makes the price a martingale).
   * 'log': `drift` is the drift of log S itself; 0 makes log S a driftless Brownian motion
   *   (the assumption of the arbitrage-with-fees theory, which keeps the mispricing symmetric).
   */
  driftKind: 'arithmetic' | 'log';
  jumps?: JumpParams;
}

/**
 * Exact simulation of log S(t + dt) = log S(t) + (log-drift)·dt + σ√dt·Z + Σ_{i ≤ N} J_i with
 * N ~ Poisson(λ_J dt), J_i ~ N(m_J, s_J²): exact in distribution for any dt, so the result does not
 * depend on how finely the world happens to step (only which draws are made does).
 * State is kept in log space so that many small steps do not accumulate rounding in the price.
 */
export class GbmPath implements PricePath {
  private logPrice: number;
  private currentPrice: number;
  private now: Micros;
  /** Drift of log S per year, after the Itô correction and jump compensation. */
  readonly logDriftPerYear: number;

  constructor(readonly params: GbmParams, private readonly rng: Rng, initialPrice: number, startUs: Micros = 0) {
    const { sigma, drift, driftKind, jumps } = params;
    if (!(Number.isFinite(sigma) && sigma >= 0)) throw new RangeError(`GBM sigma must be finite and >= 0, got ${sigma}`);
    if (!Number.isFinite(drift)) throw new RangeError(`GBM drift must be finite, got ${drift}`);
    if (driftKind !== 'arithmetic' && driftKind !== 'log') throw new RangeError(`GBM driftKind must be 'arithmetic' or 'log', got ${String(driftKind)}`);
    if (!(Number.isFinite(initialPrice) && initialPrice > 0)) throw new RangeError(`initial price must be finite and > 0, got ${initialPrice}`);
    if (!Number.isInteger(startUs)) throw new RangeError(`start time must be integer µs, got ${startUs}`);
    let logDrift = driftKind === 'arithmetic' ? drift - (sigma * sigma) / 2 : drift;
    if (jumps) {
      const { ratePerYear, meanLogJump, stdLogJump, compensated } = jumps;
      if (!(Number.isFinite(ratePerYear) && ratePerYear >= 0)) throw new RangeError(`jump rate must be finite and >= 0, got ${ratePerYear}`);
      if (!Number.isFinite(meanLogJump)) throw new RangeError(`jump mean must be finite, got ${meanLogJump}`);
      if (!(Number.isFinite(stdLogJump) && stdLogJump >= 0)) throw new RangeError(`jump std must be finite and >= 0, got ${stdLogJump}`);
      if (compensated) {
        logDrift -= driftKind === 'arithmetic'
          ? ratePerYear * Math.expm1(meanLogJump + (stdLogJump * stdLogJump) / 2)
          : ratePerYear * meanLogJump;
      }
    }
    this.logDriftPerYear = logDrift;
    this.logPrice = Math.log(initialPrice);
    this.currentPrice = initialPrice;
    this.now = startUs;
  }

  get price(): number {
    return this.currentPrice;
  }

  get timeUs(): Micros {
    return this.now;
  }

  advanceTo(timeUs: Micros): number {
    return this.advance(timeUs - this.now);
  }

  advance(dtUs: Micros): number {
    if (!(Number.isInteger(dtUs) && dtUs >= 0)) throw new RangeError(`advance needs integer µs >= 0, got ${dtUs}`);
    // No time, no draws: a zero step must not consume the stream, or the path would depend on
    // how many events happen to share a timestamp.
    if (dtUs === 0) return this.currentPrice;
    const dt = dtUs / YEAR_US;
    const { sigma, jumps } = this.params;
    let x = this.logPrice + this.logDriftPerYear * dt;
    if (sigma > 0) x += sigma * Math.sqrt(dt) * this.rng.normal();
    if (jumps && jumps.ratePerYear > 0) {
      const n = poisson(this.rng, jumps.ratePerYear * dt);
      // The sum of n i.i.d. normals is one normal with n times the mean and variance.
      if (n > 0) x += n * jumps.meanLogJump + (jumps.stdLogJump > 0 ? jumps.stdLogJump * Math.sqrt(n) * this.rng.normal() : 0);
    }
    if (x < LOG_FLOOR) {
      this.logPrice = LOG_FLOOR;
      this.currentPrice = PRICE_FLOOR;
    } else if (x > LOG_CEILING) {
      this.logPrice = LOG_CEILING;
      this.currentPrice = PRICE_CEILING;
    } else {
      this.logPrice = x;
      this.currentPrice = Math.exp(x);
    }
    this.now += dtUs;
    return this.currentPrice;
  }
}

/**
 * Poisson(mean) by Knuth's product of uniforms, exact; O(mean) draws. Large means are split into
 * chunks (Poisson(a + b) = Poisson(a) + Poisson(b)) so e^{-mean} never underflows.
 */
export function poisson(rng: Rng, mean: number): number {
  if (!(mean >= 0)) throw new RangeError(`Poisson mean must be >= 0, got ${mean}`);
  let count = 0;
  let remaining = mean;
  while (remaining > 0) {
    const chunk = Math.min(remaining, 30);
    remaining -= chunk;
    const limit = Math.exp(-chunk);
    let product = rng.nextOpen();
    while (product > limit) {
      count++;
      product *= rng.nextOpen();
    }
  }
  return count;
}

// ─── Replay of a recorded path ──────────────────────────────────────────────────────────────────

/** A price file that cannot be used; the message names the file, the line or row, and what is wrong. */
export class PriceFileError extends Error {
  constructor(readonly file: string, readonly location: string, readonly detail: string) {
    super(`${file}:${location}: ${detail}`);
    this.name = 'PriceFileError';
  }
}

/** A validated recorded path: strictly increasing integer-µs times and finite positive prices. */
export interface PriceSeries {
  readonly times: Float64Array;
  readonly prices: Float64Array;
}

/**
 * A piecewise-constant price path: the price of the last point at or before t (the first point's
 * price before the first time). Points must have strictly increasing integer-µs times and finite
 * positive prices.
 */
export class ReplayPath implements PricePath {
  private readonly times: Float64Array;
  private readonly prices: Float64Array;
  private cursor = 0; // index of the point in force at `now`
  private now: Micros;

  /** Use the static constructors (`fromFileBytes`, `fromPoints`, …); the arrays are trusted to be validated. */
  private constructor(times: Float64Array, prices: Float64Array, startUs: Micros) {
    this.times = times;
    this.prices = prices;
    this.now = startUs;
    this.cursor = Math.max(0, upperBound(times, startUs) - 1);
  }

  /** A new path over a series validated earlier (parsed once per scenario, replayed by every run). */
  static fromSeries(series: PriceSeries, startUs: Micros = 0): ReplayPath {
    return new ReplayPath(series.times, series.prices, startUs);
  }

  /** The validated points, to share between runs. */
  get series(): PriceSeries {
    return { times: this.times, prices: this.prices };
  }

  /** From arrays; `source` names them in error messages. */
  static fromPoints(timesUs: ArrayLike<number>, prices: ArrayLike<number>, source = '<points>', startUs: Micros = 0): ReplayPath {
    if (timesUs.length !== prices.length) throw new PriceFileError(source, 'points', `${timesUs.length} times but ${prices.length} prices`);
    if (timesUs.length === 0) throw new PriceFileError(source, 'points', 'expected at least one point, found none');
    const t = new Float64Array(timesUs.length);
    const p = new Float64Array(prices.length);
    for (let i = 0; i < t.length; i++) {
      const where = `row ${i + 1}`;
      checkPoint(source, where, timesUs[i], prices[i], i > 0 ? t[i - 1] : undefined);
      t[i] = timesUs[i];
      p[i] = prices[i];
    }
    return new ReplayPath(t, p, startUs);
  }

  /** The bytes of a `.csv` (header `time,price`) or `.arrow`/`.feather`/`.ipc` (columns `time_us`, `price`) file named `path`. */
  static fromFileBytes(path: string, bytes: Uint8Array, startUs: Micros = 0): ReplayPath {
    const lower = path.toLowerCase();
    if (lower.endsWith('.csv')) return ReplayPath.fromCsvText(new TextDecoder().decode(bytes), path, startUs);
    if (lower.endsWith('.arrow') || lower.endsWith('.feather') || lower.endsWith('.ipc')) return ReplayPath.fromArrowBytes(bytes, path, startUs);
    throw new PriceFileError(path, 'name', 'expected a .csv or .arrow file');
  }

  /**
   * CSV: a header naming at least `time` and `price` (any order, other columns ignored), then one
   * point per line. `time` is integer µs ("1500000") or a duration ("1.5s", "250ms"); `price` is a
   * positive number. Blank lines and lines starting with '#' are skipped. Line numbers are 1-based.
   */
  static fromCsvText(text: string, source = '<csv>', startUs: Micros = 0): ReplayPath {
    const lines = text.split(/\r?\n/);
    let headerLine = -1;
    for (let i = 0; i < lines.length; i++) {
      if (!isSkippable(lines[i])) {
        headerLine = i;
        break;
      }
    }
    if (headerLine < 0) throw new PriceFileError(source, 'line 1', "expected a header 'time,price', found an empty file");
    const header = lines[headerLine].split(',').map((h) => h.trim().toLowerCase());
    const timeCol = header.indexOf('time');
    const priceCol = header.indexOf('price');
    for (const [name, col] of [['time', timeCol], ['price', priceCol]] as const) {
      if (col < 0) throw new PriceFileError(source, `line ${headerLine + 1}`, `missing column '${name}': expected a header naming 'time' and 'price', found '${lines[headerLine].trim()}'`);
    }
    const times: number[] = [];
    const prices: number[] = [];
    for (let i = headerLine + 1; i < lines.length; i++) {
      if (isSkippable(lines[i])) continue;
      const where = `line ${i + 1}`;
      const cells = lines[i].split(',');
      if (cells.length < header.length) throw new PriceFileError(source, where, `expected ${header.length} columns (${header.join(',')}), found ${cells.length}: '${lines[i].trim()}'`);
      const timeText = cells[timeCol].trim();
      const priceText = cells[priceCol].trim();
      const t = /^\d+$/.test(timeText) ? Number(timeText) : parseDuration(timeText);
      if (t === undefined) throw new PriceFileError(source, where, `column 'time': expected integer µs or a duration like '1.5s', found '${timeText}'`);
      const p = priceText === '' ? NaN : Number(priceText);
      checkPoint(source, where, t, p, times.length > 0 ? times[times.length - 1] : undefined, priceText);
      times.push(t);
      prices.push(p);
    }
    if (times.length === 0) throw new PriceFileError(source, `line ${headerLine + 2}`, 'expected at least one data line after the header, found none');
    return new ReplayPath(Float64Array.from(times), Float64Array.from(prices), startUs);
  }

  /** Arrow IPC (file or stream format) with columns `time_us` (integer, any width) and `price`. Rows are 1-based. */
  static fromArrowBytes(bytes: Uint8Array, source = '<arrow>', startUs: Micros = 0): ReplayPath {
    let table;
    try {
      table = tableFromIPC(bytes);
    } catch (e) {
      throw new PriceFileError(source, 'file', `expected an Arrow IPC file, could not read it: ${(e as Error).message}`);
    }
    // arrow-js reads bytes that are not Arrow as an empty table rather than failing.
    if (table.schema.fields.length === 0) throw new PriceFileError(source, 'file', 'expected an Arrow IPC file, found no schema (not Arrow IPC?)');
    const names = table.schema.fields.map((f) => f.name);
    const timeVec = table.getChild('time_us');
    const priceVec = table.getChild('price');
    if (!timeVec) throw new PriceFileError(source, 'schema', `missing column 'time_us': found columns [${names.join(', ')}]`);
    if (!priceVec) throw new PriceFileError(source, 'schema', `missing column 'price': found columns [${names.join(', ')}]`);
    const n = table.numRows;
    if (n === 0) throw new PriceFileError(source, 'schema', 'expected at least one row, found none');
    const times = new Float64Array(n);
    const prices = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const where = `row ${i + 1}`;
      const rawT: unknown = timeVec.get(i);
      const rawP: unknown = priceVec.get(i);
      if (rawT === null || rawT === undefined) throw new PriceFileError(source, where, "column 'time_us': expected an integer, found null");
      if (rawP === null || rawP === undefined) throw new PriceFileError(source, where, "column 'price': expected a positive number, found null");
      const t = typeof rawT === 'bigint' ? bigintToSafeNumber(rawT, source, where) : Number(rawT);
      const p = typeof rawP === 'bigint' ? Number(rawP) : Number(rawP);
      checkPoint(source, where, t, p, i > 0 ? times[i - 1] : undefined, String(rawP), 'time_us');
      times[i] = t;
      prices[i] = p;
    }
    return new ReplayPath(times, prices, startUs);
  }

  get price(): number {
    return this.prices[this.cursor];
  }

  get timeUs(): Micros {
    return this.now;
  }

  /** Number of points in the file. */
  get length(): number {
    return this.times.length;
  }

  /** Time of the last point: after it the price stays constant. */
  get lastTimeUs(): Micros {
    return this.times[this.times.length - 1];
  }

  advanceTo(timeUs: Micros): number {
    if (!(Number.isInteger(timeUs) && timeUs >= this.now)) throw new RangeError(`advanceTo needs integer µs >= ${this.now}, got ${timeUs}`);
    // Forward scan: amortized O(1) per point when the world steps through the file in order.
    const t = this.times;
    while (this.cursor + 1 < t.length && t[this.cursor + 1] <= timeUs) this.cursor++;
    this.now = timeUs;
    return this.prices[this.cursor];
  }

  advance(dtUs: Micros): number {
    if (!(Number.isInteger(dtUs) && dtUs >= 0)) throw new RangeError(`advance needs integer µs >= 0, got ${dtUs}`);
    return this.advanceTo(this.now + dtUs);
  }

  /** Price at any time, without moving the path (binary search). */
  priceAt(timeUs: Micros): number {
    return this.prices[Math.max(0, upperBound(this.times, timeUs) - 1)];
  }
}

function isSkippable(line: string): boolean {
  const s = line.trim();
  return s === '' || s.startsWith('#');
}

function checkPoint(source: string, where: string, t: number, p: number, prevT: number | undefined, priceText = String(p), timeName = 'time'): void {
  if (!Number.isSafeInteger(t) || t < 0) throw new PriceFileError(source, where, `column '${timeName}': expected a non-negative integer number of µs, found ${t}`);
  if (prevT !== undefined && !(t > prevT)) throw new PriceFileError(source, where, `column '${timeName}': time not increasing: ${t} µs after ${prevT} µs`);
  if (!Number.isFinite(p)) throw new PriceFileError(source, where, `column 'price': expected a positive number, found '${priceText}'`);
  if (!(p > 0)) throw new PriceFileError(source, where, `column 'price': expected a positive number, found ${p} (non-positive)`);
  if (p < PRICE_FLOOR || p > PRICE_CEILING) throw new PriceFileError(source, where, `column 'price': expected a price between ${PRICE_FLOOR} and ${PRICE_CEILING} USD, found ${p}`);
}

function bigintToSafeNumber(v: bigint, source: string, where: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < 0n) throw new PriceFileError(source, where, `column 'time_us': expected a non-negative integer below 2^53, found ${v}`);
  return Number(v);
}

/** First index i with a[i] > x (a sorted ascending); a.length when none. */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
