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
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import type { Rng } from '../../engine/rng.ts';
import { newTx } from '../tx.ts';
import { YEAR_US } from '../market/price.ts';
import { PoissonArrivals } from './poisson.ts';
import type { Submitter } from './submitter.ts';
import { TakeOrder, type Instrument, type OptionVenue } from '../options/venue.ts';

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
}

export class OptionTakers {
  private readonly ids: IdSpace;
  /** Sniper: instruments with an order in flight. */
  private readonly inFlight = new Set<number>();

  constructor(
    private readonly sim: Simulation,
    private readonly params: TakerParams,
    private readonly venue: OptionVenue,
    private readonly submitter: Submitter,
    /** Draws what the arrivals decide (which option, which side, the signal's noise). */
    private readonly orders: Rng,
    arrivals: Rng,
    idLabel: string,
  ) {
    this.ids = sim.ids(idLabel);
    if (params.kind === 'sniper') venue.feed.subscribe(this.snipe);
    else if (params.ratePerSecond > 0) new PoissonArrivals(sim, params.ratePerSecond, arrivals, params.kind === 'informed' ? this.informed : params.kind === 'elastic' ? this.elastic : this.uninformed);
  }

  private send(inst: Instrument, side: 'buy' | 'sell', size: number, limit: number, strategy: string, onDone?: () => void): void {
    const now = this.sim.now;
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
    const hit = this.quoteAt(u, side);
    if (hit) this.send(hit.inst, side, this.params.size, this.limit(side, hit.quote), 'single');
  };

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
