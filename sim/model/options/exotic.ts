// A cross-rollup exotic: a dual digital that pays `payout` at expiry if the pool price on rollup
// A is at or above its strike and the pool price on rollup B is at or above its own — a payoff on
// the state of two rollups at once, which no one rollup can settle alone. It is listed back to
// back (each expiry relists the next, strikes set from the pools then), and settled by a keeper
// as a two-leg intent through the sequencers: leg 0 reads pool A, leg 1 reads pool B and pays.
// Under one shared set the legs are one atomic bundle, so both readings are of the same slot;
// under independent sequencers leg 1 follows leg 0 through the bridge, reading pool B later than
// pool A was read (a delayed oracle). What the contract promised is both pools at the expiry
// instant; the settlement error is what was paid minus that, and the pricing error is its mean:
// the value a pricer of the written terms misses because settlement reads late.
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import { newTx, type Tx } from '../tx.ts';
import { midPrice } from '../market/amm.ts';
import type { MarketPool } from '../market/marketPool.ts';
import { YEAR_US } from '../market/price.ts';
import { Bundle, type CrossRollupRouter } from '../crossrollup.ts';
import type { ModelEvents } from '../events.ts';
import { normalCdf } from './blackScholes.ts';

export interface ExoticLeg {
  market: MarketPool;
  strikePct: number;
  /** The underlying's law, for the fair value at listing: log-price drift and volatility per year; null when it has no closed form (jumps, replayed prices). */
  law: { logDrift: number; vol: number } | null;
}

export interface ExoticParams {
  id: string;
  legs: readonly [ExoticLeg, ExoticLeg];
  tenorUs: Micros;
  payoutUsd: number;
}

/** One expiry of the exotic, from listing to settlement. */
export interface ExoticSettlement {
  exotic: string;
  listedUs: Micros;
  expiryUs: Micros;
  strikes: readonly [number, number];
  /** Fair value at listing of the written payoff (independent lognormal pools at their true laws); null without a closed form. */
  fairUsd: number | null;
  /** Both pools at the expiry instant: what the contract promised to read. */
  atExpiry: readonly [number, number];
  payoutAtExpiryUsd: number;
  /** When each leg read its pool, and what it read; null where a leg never executed. */
  readUs: readonly [Micros | null, Micros | null];
  read: readonly [number | null, number | null];
  /** What the keeper's settlement paid; null when it never completed (a leg failed, the bridge lost the message). */
  payoutUsd: number | null;
  status: 'settled' | 'unsettled';
}

export class CrossRollupDigital {
  private readonly txIds: IdSpace;
  private readonly bundleIds: IdSpace;
  private readonly sender: string;
  /** Settlements in flight, by bundle id. */
  private readonly open = new Map<number, { bundle: Bundle; s: Omit<ExoticSettlement, 'readUs' | 'read' | 'payoutUsd' | 'status'>; readUs: [Micros | null, Micros | null]; read: [number | null, number | null]; paid: number | null }>();

  constructor(
    private readonly sim: Simulation,
    readonly params: ExoticParams,
    private readonly router: CrossRollupRouter,
    private readonly events: ModelEvents,
    idLabel: string,
  ) {
    this.sender = `keeper/${params.id}`;
    this.txIds = sim.ids(idLabel);
    this.bundleIds = sim.ids(`${idLabel}/bundles`);
    events.bundleClosed.on(this.closed);
    sim.at(sim.now, Priority.world, this.list);
  }

  private list = (): void => {
    const now = this.sim.now;
    const [a, b] = this.params.legs;
    const spots = [midPrice(a.market.pool), midPrice(b.market.pool)] as const;
    const strikes = [spots[0] * (1 + a.strikePct / 100), spots[1] * (1 + b.strikePct / 100)] as const;
    const years = this.params.tenorUs / YEAR_US;
    // P(S_T ≥ K) = N((ln(S/K) + m·T)/(σ√T)) for log-price drift m: independent pools multiply.
    const above = (leg: ExoticLeg, k: number) => (leg.law === null ? NaN : leg.law.vol === 0 ? (Math.log(spots[k] / strikes[k]) + leg.law.logDrift * years >= 0 ? 1 : 0) : normalCdf((Math.log(spots[k] / strikes[k]) + leg.law.logDrift * years) / (leg.law.vol * Math.sqrt(years))));
    const fair = this.params.payoutUsd * above(a, 0) * above(b, 1);
    const listed = { listedUs: now, strikes, fairUsd: Number.isNaN(fair) ? null : fair };
    this.sim.at(now + this.params.tenorUs, Priority.world, () => this.expire(listed));
  };

  private payoff(prices: readonly [number, number], strikes: readonly [number, number]): number {
    return prices[0] >= strikes[0] && prices[1] >= strikes[1] ? this.params.payoutUsd : 0;
  }

  /** At expiry (world phase): the written reading, then the keeper's two-leg settlement, then the next listing. */
  private expire(listed: { listedUs: Micros; strikes: readonly [number, number]; fairUsd: number | null }): void {
    const now = this.sim.now;
    const [a, b] = this.params.legs;
    const atExpiry = [midPrice(a.market.pool), midPrice(b.market.pool)] as const;
    const s = { exotic: this.params.id, ...listed, expiryUs: now, atExpiry, payoutAtExpiryUsd: this.payoff(atExpiry, listed.strikes) };
    const bundle = new Bundle(this.bundleIds.next(), this.sender, now, this.events);
    const entry = { bundle, s, readUs: [null, null] as [Micros | null, Micros | null], read: [null, null] as [number | null, number | null], paid: null as number | null };
    this.open.set(bundle.id, entry);
    const read = (k: 0 | 1) => (tx: Tx, nowUs: Micros): string | null => {
      entry.readUs[k] = nowUs;
      entry.read[k] = midPrice(this.params.legs[k].market.pool);
      // Leg 1 pays on leg 0's reading, carried to it (in the same slot, or through the bridge).
      if (k === 1) entry.paid = this.payoff([entry.read[0]!, entry.read[1]!], listed.strikes);
      return null;
    };
    for (const k of [0, 1] as const) bundle.add(newTx(this.txIds.next(), this.params.legs[k].market.rollup, this.sender, now, { check: () => null, execute: read(k) }));
    this.router.send(bundle);
    this.list();
  }

  private closed = (bundle: Bundle): void => {
    const entry = this.open.get(bundle.id);
    if (entry === undefined || entry.bundle !== bundle) return;
    this.open.delete(bundle.id);
    const settled = entry.paid !== null;
    this.events.exoticSettled.emit({ ...entry.s, readUs: entry.readUs, read: entry.read, payoutUsd: entry.paid, status: settled ? 'settled' : 'unsettled' });
  };
}
