// Option takers. Each decides from what anyone can read on-chain (the venue's resting quotes after
// the last block) and sends an order through its rollup's sequencer; the order fills at execution
// against whatever quotes rest then, within its limit.
//   uninformed — Poisson arrivals, a random listed option, a random side;
//   informed   — Poisson arrivals and a private signal of the reference price's move over the next
//                `horizon`: the signal is the true move (read ahead from the exogenous price
//                path, the one sanctioned look-ahead) mixed with noise to a given correlation; it
//                buys calls on good news and puts on bad (sells calls where no puts are listed);
//   elastic    — Poisson arrivals, a random option and side, sent with a probability that decays
//                exponentially in the quote's distance from fair value (Avellaneda–Stoikov flow);
//   sniper     — on every price tick, hits quotes the move left stale: where Black–Scholes at the
//                true volatility and the new price beats the quote by more than its threshold.
// A single-option order that would hit a quote whose maker offers to hedge the fill in its bundle
// goes with that hedge as one atomic bundle, where the sequencing layer has such a route
// (options/fillHedge.ts); otherwise it goes alone.
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import type { Rng } from '../../engine/rng.ts';
import { newTx } from '../tx.ts';
import { Bundle, LegAction, type CrossRollupRouter } from '../crossrollup.ts';
import type { ModelEvents } from '../events.ts';
import type { KeyedRng } from '../../engine/rng.ts';
import { YEAR_US } from '../market/price.ts';
import { PoissonArrivals } from './poisson.ts';
import type { Submitter } from './submitter.ts';
import { ComboOrder, TakeOrder, type Instrument, type OptionVenue } from '../options/venue.ts';
import type { FillHedgeRoutes } from '../options/fillHedge.ts';

export interface TakerParams {
  name: string;
  kind: 'uninformed' | 'informed' | 'sniper' | 'elastic';
  ratePerSecond: number;
  size: number;
  limitBps: number;
  horizonUs: Micros;
  signalCorrelation: number;
  thresholdBps: number;
  feeUsd: number;
  /** The true volatility (snipers, the informed and elastic flow price with it). */
  vol: number;
  /** Elastic: k, per USD of the quote's distance from fair value. */
  decay: number;
  strategy: Strategy;
}

export type Strategy = 'single' | 'risk_reversal' | 'vertical' | 'cross_rollup_spread';

/** How a cross-rollup spread's legs travel: the second venue, the router the sequencers chose, and each leg's rollup failures. */
export interface SpreadRoute {
  venue: OptionVenue;
  router: CrossRollupRouter;
  legFailures: (rollup: number) => { failureProb: number; failures: KeyedRng };
  events: ModelEvents;
}

/** One leg a strategy wants: which option, on which venue, which side. */
interface WantedLeg {
  venue: OptionVenue;
  inst: Instrument;
  side: 'buy' | 'sell';
}

export class OptionTakers {
  private readonly ids: IdSpace;
  private readonly bundleIds: IdSpace;
  /** Sniper: instruments with an order in flight. */
  private readonly inFlight = new Set<number>();
  /** Bundled orders' hooks, told when their bundle closes (a reverted bundle never executes the order). */
  private readonly bundleDone = new Map<Bundle, () => void>();

  constructor(
    private readonly sim: Simulation,
    private readonly params: TakerParams,
    private readonly venue: OptionVenue,
    private readonly submitter: Submitter,
    /** Draws what the arrivals decide (which option, which side, the signal's noise). */
    private readonly orders: Rng,
    arrivals: Rng,
    idLabel: string,
    /** Cross-rollup spreads: how the second leg gets there. */
    private readonly spread?: SpreadRoute,
    /** Atomic routes for an order with its maker's hedge on another rollup. */
    private readonly hedges?: FillHedgeRoutes,
  ) {
    this.ids = sim.ids(idLabel);
    this.bundleIds = sim.ids(`${idLabel}/bundles`);
    hedges?.events.bundleClosed.on((b) => {
      const done = this.bundleDone.get(b);
      if (done === undefined) return;
      this.bundleDone.delete(b);
      done();
    });
    if (params.kind === 'sniper') venue.feed.subscribe(this.snipe);
    else if (params.ratePerSecond > 0) new PoissonArrivals(sim, params.ratePerSecond, arrivals, params.kind === 'informed' ? this.informed : params.kind === 'elastic' ? this.elastic : this.uninformed);
  }

  private send(inst: Instrument, side: 'buy' | 'sell', size: number, limit: number, strategy: string, onDone?: () => void): void {
    const now = this.sim.now;
    // The quote it would hit first: when its maker offers to hedge the fill and the two rollups
    // have an atomic route, the order takes that maker's quote alone and goes with its hedge.
    const best = this.hedges && this.venue.bestQuote(inst.index, side);
    const router = best?.hedge && this.hedges!.routers.get(best.hedge.rollup);
    if (best?.hedge && router) {
      const order = new TakeOrder(this.venue, this.params.name, this.params.kind, strategy, inst.index, side, Math.min(size, best.left), limit, now, undefined, undefined, best.maker);
      const bundle = new Bundle(this.bundleIds.next(), this.params.name, now, this.hedges!.events);
      bundle.add(newTx(this.ids.next(), this.venue.params.rollup, this.params.name, now, order, this.params.feeUsd));
      bundle.add(best.hedge.legFor(order));
      if (onDone) this.bundleDone.set(bundle, onDone);
      router.send(bundle);
      return;
    }
    const action = new TakeOrder(this.venue, this.params.name, this.params.kind, strategy, inst.index, side, size, limit, now, onDone);
    const tx = newTx(this.ids.next(), this.venue.params.rollup, this.params.name, now, action, this.params.feeUsd);
    this.submitter.submit(tx);
  }

  /** A limit that tolerates `limitBps` of the underlying beyond the quote seen. */
  private limit(side: 'buy' | 'sell', quote: number): number {
    const slack = (this.params.limitBps / 1e4) * this.venue.feed.price;
    return side === 'buy' ? quote + slack : Math.max(quote - slack, 0);
  }

  private uninformed = (): void => {
    // The same draws, in the same order, whatever the chain shows: the flow is exogenous.
    const u = this.orders.next();
    const side: 'buy' | 'sell' = this.orders.next() < 0.5 ? 'buy' : 'sell';
    if (this.params.strategy !== 'single') return this.sendStrategy(this.strategyLegs(u, side));
    const hit = this.quoteAt(u, side);
    if (hit) this.send(hit.inst, side, this.params.size, this.limit(side, hit.quote), 'single');
  };

  /** The legs of its strategy: the expiry a uniform draw `u` picks, bought (bullish) or sold. */
  private strategyLegs(u: number, side: 'buy' | 'sell'): WantedLeg[] | undefined {
    const spot = this.venue.feed.price;
    const expiries = [...new Set(this.venue.active.map((i) => i.expiryUs))];
    if (expiries.length === 0) return undefined;
    const expiry = expiries[Math.floor(u * expiries.length)];
    const of = (venue: OptionVenue, kind: 'call' | 'put', near: number) =>
      venue.active.filter((i) => i.kind === kind).sort((a, b) => Math.abs(a.expiryUs - near) - Math.abs(b.expiryUs - near) || a.strike - b.strike);
    const calls = of(this.venue, 'call', expiry).filter((i) => i.expiryUs === expiry);
    const other = side === 'buy' ? 'sell' : 'buy';
    if (this.params.strategy === 'risk_reversal') {
      const puts = of(this.venue, 'put', expiry).filter((i) => i.expiryUs === expiry);
      const call = calls.find((i) => i.strike > spot) ?? calls[calls.length - 1];
      const put = [...puts].reverse().find((i) => i.strike < spot) ?? puts[0];
      return call && put ? [{ venue: this.venue, inst: call, side }, { venue: this.venue, inst: put, side: other }] : undefined;
    }
    // Vertical: long the call nearest the money, short the next strike up (on the other venue
    // for a cross-rollup spread: its call of the nearest expiry with the next strike above).
    const atm = calls.reduce<Instrument | undefined>((best, i) => (!best || Math.abs(i.strike - spot) < Math.abs(best.strike - spot) ? i : best), undefined);
    if (!atm) return undefined;
    const farVenue = this.params.strategy === 'cross_rollup_spread' ? this.spread!.venue : this.venue;
    const far = of(farVenue, 'call', expiry);
    const nearest = far.length ? far[0].expiryUs : NaN;
    const higher = far.find((i) => i.expiryUs === nearest && i.strike > atm.strike);
    return higher ? [{ venue: this.venue, inst: atm, side }, { venue: farVenue, inst: higher, side: other }] : undefined;
  }

  /** Sends a strategy's legs at the quotes it sees (each within its limit), fill-or-kill: one transaction on one venue, a bundle across rollups. */
  private sendStrategy(wanted: WantedLeg[] | undefined): void {
    if (!wanted) return;
    const now = this.sim.now;
    const limits = wanted.map(({ venue, inst, side }) => {
      const q = venue.bestQuotes(inst.index);
      return side === 'buy' ? q.ask : q.bid;
    });
    if (!limits.every(Number.isFinite)) return;
    const p = this.params;
    const order = (k: number, id: number) => {
      const { venue, inst, side } = wanted[k];
      return new TakeOrder(venue, p.name, p.kind, p.strategy, inst.index, side, p.size, this.limit(side, limits[k]), now, undefined, { order: id, leg: k, legs: wanted.length });
    };
    if (wanted.every((w) => w.venue === this.venue)) {
      const id = this.ids.next();
      this.submitter.submit(newTx(id, this.venue.params.rollup, p.name, now, new ComboOrder(wanted.map((_, k) => order(k, id))), p.feeUsd));
      return;
    }
    const route = this.spread!;
    const bundle = new Bundle(this.bundleIds.next(), p.name, now, route.events);
    wanted.forEach((w, k) => {
      const rollup = w.venue.params.rollup;
      const { failureProb, failures } = route.legFailures(rollup);
      bundle.add(newTx(this.ids.next(), rollup, p.name, now, new LegAction(failureProb, failures, order(k, bundle.id)), p.feeUsd));
    });
    route.router.send(bundle);
  }

  /** The listed option a uniform draw `u` picks and the best quote it would take on `side`, if there is one. */
  private quoteAt(u: number, side: 'buy' | 'sell') {
    const active = this.venue.active;
    if (active.length === 0) return undefined;
    const inst = active[Math.floor(u * active.length)];
    const q = this.venue.bestQuotes(inst.index);
    const quote = side === 'buy' ? q.ask : q.bid;
    return Number.isFinite(quote) ? { inst, quote } : undefined;
  }

  private elastic = (): void => {
    // Random option and side, then sent with probability e^(−k·δ) (capped at 1 through the mid):
    // thinning Poisson arrivals of rate λ this way gives each side flow of intensity
    // (λ/2)·e^(−k·δ), Avellaneda–Stoikov's A·e^(−k·δ) with A = λ/2. The draws do not depend on the chain.
    const u = this.orders.next();
    const side: 'buy' | 'sell' = this.orders.next() < 0.5 ? 'buy' : 'sell';
    const accept = this.orders.next();
    const hit = this.quoteAt(u, side);
    if (!hit) return;
    const { inst, quote } = hit;
    const fair = this.venue.greeks(inst, this.venue.feed.price, this.params.vol, this.sim.now).price;
    const distance = side === 'buy' ? quote - fair : fair - quote;
    if (accept >= Math.exp(-this.params.decay * distance)) return;
    this.send(inst, side, this.params.size, quote, 'single');
  };

  private informed = (): void => {
    const now = this.sim.now;
    const feed = this.venue.feed;
    const spot = feed.price;
    const h = this.params.horizonUs;
    const future = feed.futurePrice(now + h);
    const z = Math.log(future / spot) / (this.params.vol * Math.sqrt(h / YEAR_US));
    const rho = this.params.signalCorrelation;
    const signal = rho * z + Math.sqrt(1 - rho * rho) * this.orders.normal();
    // Acts on a clear signal only: buys the at-the-money call (good news) or put (bad news); on a
    // chain that lists no puts, it sells the call on bad news.
    if (Math.abs(signal) < 0.5) return;
    const good = signal > 0;
    if (this.params.strategy !== 'single') return this.sendStrategy(this.strategyLegs(0, good ? 'buy' : 'sell'));
    const puts = this.venue.active.some((i) => i.kind === 'put');
    const kind = good || !puts ? 'call' : 'put';
    const side: 'buy' | 'sell' = good || puts ? 'buy' : 'sell';
    let best: Instrument | undefined;
    for (const inst of this.venue.active) if (inst.kind === kind && (!best || Math.abs(inst.strike - spot) < Math.abs(best.strike - spot))) best = inst;
    if (!best) return;
    const q = this.venue.bestQuotes(best.index);
    const quote = side === 'buy' ? q.ask : q.bid;
    if (!Number.isFinite(quote)) return;
    this.send(best, side, this.params.size, this.limit(side, quote), 'single');
  };

  /** After a tick: every quote the new price left stale by more than the threshold is hit. */
  private snipe = (): void => {
    const now = this.sim.now;
    const spot = this.venue.feed.price;
    const threshold = (this.params.thresholdBps / 1e4) * spot;
    for (const inst of this.venue.active) {
      if (this.inFlight.has(inst.index)) continue;
      if (this.venue.yearsLeft(inst, now) <= 0) continue;
      const fair = this.venue.greeks(inst, spot, this.params.vol, now).price;
      const q = this.venue.bestQuotes(inst.index);
      const fee = Math.min((this.venue.params.takerFeeBps / 1e4) * spot, 0.125 * fair);
      const size = this.params.size;
      const done = () => this.inFlight.delete(inst.index);
      if (fair - q.ask - fee > threshold) {
        this.inFlight.add(inst.index);
        this.send(inst, 'buy', Math.min(size, q.askSize), q.ask, 'snipe', done);
      } else if (q.bid - fair - fee > threshold) {
        this.inFlight.add(inst.index);
        this.send(inst, 'sell', Math.min(size, q.bidSize), q.bid, 'snipe', done);
      }
    }
  };
}
