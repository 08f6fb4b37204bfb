// An options market maker. It quotes a bid and an ask on every listed option of its venues: the
// mid is Black–Scholes at its volatility, and the half-spread is a sum of components, each
// estimated online from what this maker experienced in this run — never from the mode:
//   fee               its own maker fee;
//   adverse selection the markout of its fills: how far the fair value moved against it over
//                     `markout` after it traded (Glosten–Milgrom: what informed flow costs);
//   snipe             how far the fair value had moved from its quotes' mids, in the taker's
//                     favour, when they were hit: quotes left stale by a price move while its
//                     update was still travelling through the sequencer;
//   inventory         Avellaneda–Stoikov: ½·γ·[(δ·S·σ)²·τ + (π/4)·(vega·σ)²/N], the risk of
//                     carrying a fill's delta δ for the time τ its hedges take to execute (the
//                     lag it measured, and no less than what it sees now: how long its pending
//                     hedge has waited, how long the hedge rollup has gone without a block — so
//                     a halted hedge rollup widens its quotes as the halt goes on), and of
//                     hedging it discretely, N times over its life at its rebalancing interval
//                     (Kamal & Derman), and a reservation price shifted against its unhedged delta;
//                     a fill that came with its hedge in one atomic bundle carries no delta at
//                     all, so τ is that wait times the share of its fills that did not;
//   hedge cost        its realized delta-hedge slippage on the AMM (fee, impact, MEV, latency
//                     drift) on the fill's delta;
//   leg failure       its rate of failed hedges × the loss the unhedged delta took meanwhile;
//   capital           margin held for the fill's delta × cost of capital × time to expiry,
//                     netted across rollups when its collateral is pooled, not when siloed.
// Its quoted volatility carries Leland's premium for hedging discretely with frictions, from the
// hedge cost it measured and its rebalancing interval — its hedge clock, or the interval that
// minimizes Leland's cost plus the price of Kamal & Derman's hedging error, and never shorter than
// the time its hedges take to execute: asks at σ·√(1 + …), bids at σ·√(1 − …).
// Quotes refresh on a timer, on price moves past a threshold and after fills; each refresh is a
// transaction that can be delayed, reordered or sniped. With `hedgeWithFill` its quotes carry an
// offer to hedge each fill in the fill's own bundle (options/fillHedge.ts), which takers use where
// one atomic sequencer orders the venue's rollup and its hedge rollup; every other fill it hedges
// after hearing of it.
import type { IdSpace, Simulation, Timer } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import { newTx, type Tx, type TxAction } from '../tx.ts';
import { swapExactIn, swapExactOut, swapWouldFail, type Side } from '../market/amm.ts';
import type { MarketPool } from '../market/marketPool.ts';
import { beforeSwap, reportSwap, seeState } from '../market/swap.ts';
import { YEAR_US } from '../market/price.ts';
import type { ModelEvents } from '../events.ts';
import { lelandInterval, lelandVol } from '../options/blackScholes.ts';
import type { Instrument, OptionFill, OptionVenue, QuoteEntry, TakeOrder } from '../options/venue.ts';
import type { FillHedge } from '../options/fillHedge.ts';
import type { Submitter } from './submitter.ts';

export interface MakerParams {
  name: string;
  vol: number;
  size: number;
  refreshUs: Micros;
  moveThresholdBps: number;
  riskAversion: number;
  hedgeThreshold: number;
  /** When set, it rebalances its whole delta on this clock instead of on the threshold. */
  hedgeEveryUs?: Micros;
  collateral: 'pooled' | 'siloed';
  marginFraction: number;
  capitalCostPerYear: number;
  quoteFeeUsd: number;
  markoutUs: Micros;
  learning: number;
  /** Share of its estimates' starting weight left on a prior of zero cost (0: none, bias-corrected). */
  learningPrior: number;
  /** Avellaneda–Stoikov: the end T of its horizon; inventory is priced until then instead of until a hedge executes. */
  horizonEndUs?: Micros;
  /** Avellaneda–Stoikov: k of its takers' flow intensity A·e^(−k·δ), per USD: adds (1/γ)·ln(1 + γ/k). */
  flowDecay?: number;
  /** false: the symmetric strategy (no reservation shift). */
  skew: boolean;
  /** Offers, with its quotes, to hedge each fill in the fill's own atomic bundle. */
  hedgeWithFill: boolean;
}

export interface MakerVenue {
  venue: OptionVenue;
  submitter: Submitter;
}

/** Slippage limit of a hedge swap: it reverts rather than pay more than this against the reference. */
const HEDGE_LIMIT = 0.02;
/** A fill's delta below this many base units is not worth a swap: its bundled hedge trades nothing. */
const DUST_BASE = 1e-9;

/**
 * An exponentially weighted running mean of what the maker has seen. With `prior` 0 it is
 * bias-corrected, Σ w(1−w)^(n−i)·xᵢ over its weights' sum 1 − (1−w)^n: its first observations
 * count as a plain mean (a maker that has hedged ten times knows its cost from ten hedges, not
 * from 40% of it). `prior` ∈ (0, 1] keeps that share of the starting weight on a prior of 0 (1: a
 * plain EWMA from 0, a maker sceptical of costs until a long history shows them). Before any
 * observation it has no value: `or` gives the fallback.
 */
class Ewma {
  count = 0;
  private raw = 0;
  private decay = 1; // (1 − w)^count: the weight left on the prior
  constructor(private readonly weight: number, private readonly prior: number) {}
  add(x: number): void {
    this.count++;
    this.raw += this.weight * (x - this.raw);
    this.decay *= 1 - this.weight;
  }
  get value(): number {
    if (this.count === 0) return NaN;
    const weights = 1 - this.decay + this.prior * this.decay;
    return weights > 0 ? this.raw / weights : this.raw;
  }
  or(fallback: number): number {
    return this.count === 0 ? fallback : this.value;
  }
}

export class OptionMaker {
  private readonly ids: IdSpace;
  private seq = 0;
  /** Base units held from hedging (+ long). */
  hedgeBase = 0;
  private hedgeInFlight: Tx | null = null;
  /** When its delta first went unhedged past the threshold (for the hedge lag). */
  private unhedgedSinceUs: number | null = null;
  private failedAt: { atUs: Micros; spot: number; delta: number } | null = null;
  private readonly timers: (Timer | undefined)[];
  private readonly lastQuoteSpot: number[];
  // What it has learned, per contract or as fractions:
  readonly adverse: Ewma;
  readonly snipe: Ewma;
  /** Its hedges' cost and notional, USD: their ratio is its cost per unit of notional traded. */
  readonly hedgeCostUsd: Ewma;
  readonly hedgeNotionalUsd: Ewma;
  readonly hedgeLagUs: Ewma;
  readonly legFailRate: Ewma;
  readonly legFailLoss: Ewma;
  /** Per venue: the share of its fills that came with their hedge in one atomic bundle. */
  readonly fillsHedged: Ewma[];
  /** Orders whose bundled hedge executed, until their fill is told. */
  private readonly hedgedOrders = new Set<TxAction>();
  /** Its offer to hedge fills in their bundle, published with its quotes (none without `hedgeWithFill`). */
  readonly fillHedge: FillHedge | undefined;

  constructor(
    private readonly sim: Simulation,
    readonly params: MakerParams,
    private readonly venues: readonly MakerVenue[],
    private readonly hedgeMarket: MarketPool,
    /** The hedge pool's chain, as anyone watching it sees it: when its last block came. */
    private readonly hedgeChain: { readonly lastBlockUs: Micros },
    private readonly hedgeSubmitter: Submitter,
    private readonly events: ModelEvents,
    idLabel: string,
  ) {
    this.ids = sim.ids(idLabel);
    const cost = () => new Ewma(params.learning, params.learningPrior);
    this.adverse = cost();
    this.snipe = cost();
    this.hedgeCostUsd = cost();
    // Its hedges' size and wait are facts, not costs: no prior on them.
    this.hedgeNotionalUsd = new Ewma(params.learning, 0);
    this.hedgeLagUs = new Ewma(params.learning, 0);
    this.legFailRate = cost();
    this.legFailLoss = cost();
    this.fillsHedged = venues.map(() => new Ewma(params.learning, 0));
    this.fillHedge = params.hedgeWithFill ? { maker: params.name, rollup: hedgeMarket.rollup, legFor: this.hedgeLeg } : undefined;
    this.timers = venues.map(() => undefined);
    this.lastQuoteSpot = venues.map(() => NaN);
    venues.forEach((v, i) => {
      v.venue.onFill(params.name, this.filled);
      v.venue.onListing(() => this.requote(i, 'listing'));
      v.venue.feed.subscribe(() => this.priceMoved(i));
      sim.at(sim.now, Priority.agent, () => this.requote(i, 'start'));
    });
    if (params.hedgeEveryUs !== undefined) {
      const every = params.hedgeEveryUs;
      const clock = () => {
        this.rebalance(true);
        this.sim.after(every, Priority.agent, clock);
      };
      sim.after(every, Priority.agent, clock);
    }
  }

  /** Its delta on each rollup, in underlying units: the options it holds (Black–Scholes at its vol) and its hedge. */
  private deltaByRollup(): Map<number, number> {
    const byRollup = new Map<number, number>([[this.hedgeMarket.rollup, this.hedgeBase]]);
    const now = this.sim.now;
    for (const { venue } of this.venues) {
      const rollup = venue.params.rollup;
      for (const [index, n] of venue.positionsOf(this.params.name)) {
        const inst = venue.instruments[index];
        if (inst.expiryUs > now) byRollup.set(rollup, (byRollup.get(rollup) ?? 0) + n * this.greeks(venue, inst, venue.feed.price, this.params.vol).delta);
      }
    }
    return byRollup;
  }

  /** The rollup it hedges on. */
  get hedgeRollup(): number {
    return this.hedgeMarket.rollup;
  }

  /** The reference feed of its hedge pool. */
  get hedgeFeed() {
    return this.hedgeMarket.feed;
  }

  /** The rollups of the venues it quotes on. */
  get venueRollups(): number[] {
    return this.venues.map((v) => v.venue.params.rollup);
  }

  /** Its net delta across rollups. */
  delta(): number {
    let d = 0;
    for (const x of this.deltaByRollup().values()) d += x;
    return d;
  }

  private greeks(venue: OptionVenue, inst: Instrument, spot: number, vol: number) {
    return venue.greeks(inst, spot, vol, this.sim.now);
  }

  private priceMoved(i: number): void {
    const spot = this.venues[i].venue.feed.price;
    if (spot !== this.lastQuoteSpot[i] && Math.abs(spot / this.lastQuoteSpot[i] - 1) * 1e4 >= this.params.moveThresholdBps) this.requote(i, 'move');
  }

  /** Builds and sends a full quote update for one venue. */
  private requote(i: number, reason: string): void {
    const { venue, submitter } = this.venues[i];
    const now = this.sim.now;
    const spot = venue.feed.price;
    this.lastQuoteSpot[i] = spot;
    this.timers[i]?.cancel();
    this.timers[i] = this.sim.timer(now + this.params.refreshUs, Priority.agent, () => this.requote(i, 'timer'));
    const p = this.params;
    const sigma = p.vol;
    // Leland: round-trip hedge cost k as measured (none measured yet: no premium).
    const k = 2 * this.hedgeCostRate();
    // Time until a hedge can execute: measured, and at least one refresh when nothing is known yet;
    // never less than what it sees now — its pending hedge has waited this long, its hedge rollup
    // has made no block for this long (a halt: nothing executes there until blocks resume).
    const waitingUs = this.hedgeInFlight !== null && this.unhedgedSinceUs !== null ? now - this.unhedgedSinceUs : 0;
    const headAgeUs = now - this.hedgeChain.lastBlockUs;
    // With a horizon end (Avellaneda–Stoikov), inventory is carried until then.
    // Fills that come with their hedge in one bundle carry none of that wait (a share within
    // rounding of 1 must not make it negative).
    const unbundled = Math.max(1 - this.fillsHedged[i].or(0), 0);
    const tauYears = (p.horizonEndUs !== undefined ? Math.max(p.horizonEndUs - now, 0) : unbundled * Math.max(this.hedgeLagUs.or(p.refreshUs), waitingUs, headAgeUs, 1)) / YEAR_US;
    // Avellaneda–Stoikov's order-arrival term (its limit 1/k when risk is free).
    const arrival = p.flowDecay === undefined ? 0 : p.riskAversion > 0 ? Math.log(1 + p.riskAversion / p.flowDecay) / p.riskAversion : 1 / p.flowDecay;
    const unhedged = this.delta();
    const entries: QuoteEntry[] = [];
    for (const inst of venue.active) {
      const years = venue.yearsLeft(inst, now);
      if (years <= 0) continue;
      const g = this.greeks(venue, inst, spot, sigma);
      // Leland's δt: its hedge clock, or else the interval that best trades hedge cost against
      // hedging error — either way no shorter than the time a hedge takes to execute, which is
      // where the sequencer reaches the volatility premium.
      const chosen = p.hedgeEveryUs !== undefined ? p.hedgeEveryUs / YEAR_US : Math.min(lelandInterval(sigma, k, g.vega, years, p.riskAversion), years);
      const dtYears = Math.max(chosen, tauYears, 1 / YEAR_US);
      const volAsk = lelandVol(sigma, k, dtYears, 'short');
      const volBid = lelandVol(sigma, k, dtYears, 'long');
      const ask0 = this.greeks(venue, inst, spot, volAsk).price;
      const bid0 = this.greeks(venue, inst, spot, volBid).price;
      const d = Math.abs(g.delta);
      const variance = spot * spot * sigma * sigma * tauYears;
      const fee = Math.min((venue.params.makerFeeBps / 1e4) * spot, 0.125 * g.price);
      const adverse = Math.max(this.adverse.or(0), 0);
      const snipe = Math.max(this.snipe.or(0), 0);
      // Plus the risk of hedging discretely over the option's life (Kamal & Derman: the hedging
      // error's standard deviation is √(π/4)·vega·σ/√N for N rebalances), at its measured interval.
      const hedgeError = (Math.PI / 4) * (g.vega * sigma) ** 2 / Math.max(years / dtYears, 1);
      const inventory = 0.5 * p.riskAversion * (d * d * variance + hedgeError);
      const hedgeCost = d * spot * this.hedgeCostRate();
      const legFailure = this.legFailRate.or(0) * Math.max(this.legFailLoss.or(0), 0) * d;
      // Margin for the fill's delta while it is unhedged (pooled: the hedge nets it) or until
      // expiry on both sides (siloed: the option's rollup and the hedge's rollup margined alone).
      const nets = p.collateral === 'pooled' || venue.params.rollup === this.hedgeMarket.rollup;
      const heldYears = nets ? Math.min(tauYears, years) : years;
      const sides = nets ? 1 : 2;
      const capital = p.capitalCostPerYear * heldYears * p.marginFraction * spot * d * sides;
      const half = fee + adverse + snipe + inventory + hedgeCost + legFailure + capital + arrival;
      // Avellaneda–Stoikov reservation price: lean against the unhedged delta it already carries.
      const shift = p.skew ? -unhedged * g.delta * p.riskAversion * variance : 0;
      // A bid cannot go below 0: when the shift would push it there, the quote keeps its width
      // above 0 instead (a long shift past the option's value would otherwise cross the book).
      const bid = Math.max(bid0 - half + shift, 0);
      const ask = Math.max(ask0 + half + shift, bid + ask0 - bid0 + 2 * half);
      entries.push({ instrument: inst.index, bid, ask, size: p.size, detail: { spot, mid: g.price, volBid, volAsk, reservationShift: shift, fee, adverseSelection: adverse, snipe, inventory, hedgeCost, legFailure, capital, arrival, reason } });
    }
    const tx = newTx(this.ids.next(), venue.params.rollup, p.name, now, venue.quoteAction(p.name, this.seq++, entries, this.fillHedge), p.quoteFeeUsd);
    submitter.submit(tx);
  }

  /** One of its quotes filled (told after the block): learn, requote, rebalance the hedge. */
  private filled = (f: OptionFill): void => {
    const i = this.venues.findIndex((v) => v.venue.params.id === f.venue);
    const { venue } = this.venues[i];
    const makerSign = f.side === 'buy' ? -1 : 1; // the taker bought: the maker sold
    // Staleness: how far its own value of the option had moved, in the taker's favour, between
    // building the hit quote and the fill. Uninformed fills average zero; snipers' are all
    // positive. Measured from its value, not the quote's mid: a quote it skewed on purpose (the
    // reservation shift, the Leland vols) is not a stale one.
    const fairNow = this.greeks(venue, f.instrument, f.spot, this.params.vol).price;
    this.snipe.add(-makerSign * (fairNow - f.quoteValue));
    this.fillsHedged[i].add(f.tx.action !== undefined && this.hedgedOrders.delete(f.tx.action) ? 1 : 0);
    // Markout: how the value moved against it over the horizon, spot move only (same time left).
    const at = f.atUs + this.params.markoutUs;
    if (at < f.instrument.expiryUs)
      this.sim.at(at, Priority.agent, () => {
        const v = (s: number) => this.greeks(venue, f.instrument, s, this.params.vol).price;
        this.adverse.add(-makerSign * (v(venue.feed.price) - v(f.spot)));
      });
    this.requote(i, 'fill');
    // A new position is hedged at once; on a clock the rebalancing then follows the clock.
    this.rebalance(this.params.hedgeEveryUs !== undefined);
  };

  /** Sends a hedge when its delta is past the threshold (or its clock ticks) and no hedge is in flight. */
  private rebalance(onClock: boolean): void {
    const d = this.delta();
    if (onClock ? Math.abs(d) < 1e-9 : Math.abs(d) <= this.params.hedgeThreshold) {
      this.unhedgedSinceUs = null;
      return;
    }
    this.unhedgedSinceUs ??= this.sim.now;
    if (this.hedgeInFlight !== null) return;
    const market = this.hedgeMarket;
    const ref = market.feed.price;
    const seen = seeState(market, this.sim.now);
    const sinceUs = this.unhedgedSinceUs;
    // Long delta: sell `d` base; short delta: buy `|d|` base — within HEDGE_LIMIT of the reference.
    const action = {
      execute: (tx: Tx, nowUs: Micros): string | null => {
        const before = beforeSwap(market);
        const side = d > 0 ? 'sell' : 'buy';
        const result = side === 'sell' ? swapExactIn(market.pool, 'sell', d, d * ref * (1 - HEDGE_LIMIT)) : swapExactOut(market.pool, 'buy', -d, -d * ref * (1 + HEDGE_LIMIT));
        reportSwap(market, before, { agentKind: 'maker', agent: this.params.name, gasUsd: 0 }, tx, nowUs, seen, side, side === 'sell' ? 'in' : 'out', result);
        this.hedged(result.ok ? -d : 0, result.ok ? (side === 'sell' ? d * ref - result.amountOut : result.amountIn - -d * ref) : 0, result.ok, nowUs, sinceUs, ref);
        return result.ok ? null : result.reason;
      },
    };
    const tx = newTx(this.ids.next(), market.rollup, this.params.name, this.sim.now, action);
    this.hedgeInFlight = tx;
    this.hedgeSubmitter.submit(tx);
  }

  /** Its legged hedge executed (in its pool's block): what it learns, and what it does next (after the block). */
  private hedged(base: number, costUsd: number, ok: boolean, nowUs: Micros, sinceUs: number | null, refAtDecision: number): void {
    this.hedgeInFlight = null;
    if (ok) {
      // The delta it decided on is hedged: whatever is left is new, and its wait starts now.
      this.unhedgedSinceUs = null;
      if (sinceUs !== null) this.hedgeLagUs.add(nowUs - sinceUs);
      // The loss a failed hedge left: the unhedged delta against the price move since it failed.
      const spot = this.hedgeMarket.feed.price;
      if (this.failedAt) this.legFailLoss.add(Math.max(-this.failedAt.delta * (spot - this.failedAt.spot), 0) / Math.max(Math.abs(this.failedAt.delta), 1e-9));
      this.failedAt = null;
    } else {
      this.failedAt ??= { atUs: nowUs, spot: this.hedgeMarket.feed.price, delta: this.delta() };
    }
    this.learnHedge(base, costUsd, ok, nowUs, sinceUs === null ? 0 : nowUs - sinceUs, refAtDecision, false);
    // Try again (or check the next threshold crossing) once the block is done.
    if (this.params.hedgeEveryUs === undefined) this.sim.at(nowUs, Priority.reaction, () => this.rebalance(false));
  }

  /** What any executed hedge teaches it (its failure rate, its cost per notional), and its position after it. */
  private learnHedge(base: number, costUsd: number, ok: boolean, nowUs: Micros, lagUs: Micros, refUsd: number, atomic: boolean): void {
    this.legFailRate.add(ok ? 0 : 1);
    if (ok) {
      this.hedgeBase += base;
      // Weighted by notional: a dust rebalance (its cost all rounding) weighs as little as it trades.
      this.hedgeCostUsd.add(costUsd);
      this.hedgeNotionalUsd.add(Math.abs(base) * refUsd);
    }
    const deltas = this.deltaByRollup();
    this.events.hedge.emit({ maker: this.params.name, atUs: nowUs, ok, base, refUsd, costUsd, lagUs, atomic, pooledMarginUsd: this.marginUsd('pooled', deltas), siloedMarginUsd: this.marginUsd('siloed', deltas) });
  }

  /**
   * Its hedge of an order's fill, as leg 1 of the order's bundle (FillHedge.legFor): the delta the
   * fill gives it — the order's whole size (it is fill-or-kill against this maker's quote), at its
   * volatility and the venue's spot when the slot executes — traded within HEDGE_LIMIT of the
   * reference then. Check and execution compute the same swap on the same state, so a bundle
   * that checked executes exactly as checked.
   */
  private hedgeLeg = (order: TakeOrder): Tx => {
    const market = this.hedgeMarket;
    const swap = () => {
      const { venue } = order;
      const makerContracts = (order.side === 'buy' ? -1 : 1) * order.size;
      const base = -makerContracts * this.greeks(venue, venue.instruments[order.instrument], venue.feed.price, this.params.vol).delta;
      const ref = market.feed.price;
      const side: Side = base > 0 ? 'buy' : 'sell';
      return side === 'buy' ? { base, ref, side, exact: 'out' as const, amount: base, limit: base * ref * (1 + HEDGE_LIMIT) } : { base, ref, side, exact: 'in' as const, amount: -base, limit: -base * ref * (1 - HEDGE_LIMIT) };
    };
    const action: TxAction = {
      check: () => {
        const s = swap();
        return Math.abs(s.base) < DUST_BASE ? null : swapWouldFail(market.pool, s.side, s.exact, s.amount, s.limit);
      },
      execute: (tx, nowUs) => {
        const s = swap();
        if (Math.abs(s.base) >= DUST_BASE) {
          const before = beforeSwap(market);
          const result = s.exact === 'in' ? swapExactIn(market.pool, s.side, s.amount, s.limit) : swapExactOut(market.pool, s.side, s.amount, s.limit);
          reportSwap(market, before, { agentKind: 'maker', agent: this.params.name, gasUsd: 0 }, tx, nowUs, seeState(market, nowUs), s.side, s.exact, result);
          if (!result.ok) return result.reason;
          this.learnHedge(s.base, s.side === 'sell' ? s.amount * s.ref - result.amountOut : result.amountIn - s.amount * s.ref, true, nowUs, 0, s.ref, true);
        }
        this.hedgedOrders.add(order);
        return null;
      },
    };
    return newTx(this.ids.next(), market.rollup, this.params.name, this.sim.now, action);
  };

  /** Its hedge cost per unit of notional, as measured (0 until it has hedged; never below 0). */
  hedgeCostRate(): number {
    const notional = this.hedgeNotionalUsd.value;
    return notional > 0 ? Math.max(this.hedgeCostUsd.value / notional, 0) : 0; // NaN (no hedge yet) > 0 is false
  }

  /**
   * Margin for its positions now, USD: on the net delta (one account netting its rollups) or on
   * each rollup's delta alone (the options on their venue's rollup, the hedge on the pool's). A
   * hedge on the venue's own rollup nets in either regime.
   */
  marginUsd(regime: 'pooled' | 'siloed' = this.params.collateral, byRollup = this.deltaByRollup()): number {
    let exposure = 0;
    if (regime === 'pooled') {
      let net = 0;
      for (const d of byRollup.values()) net += d;
      exposure = Math.abs(net);
    } else for (const d of byRollup.values()) exposure += Math.abs(d);
    return this.params.marginFraction * this.hedgeMarket.feed.price * exposure;
  }
}
