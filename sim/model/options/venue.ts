// An option venue on one rollup: a listed chain of European, cash-settled options on one
// underlying (strikes around the reference price at listing, a few tenors, each relisted when it
// expires), makers' resting quotes, and every party's positions. Quotes, takes and
// settlements are transactions executed in the rollup's blocks in the order its sequencer chose:
// a quote update that lands after a taker's order is a quote that was sniped.
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import { YEAR_US } from '../market/price.ts';
import { newTx, type Tx, type TxAction } from '../tx.ts';
import type { ReferenceFeed } from '../market/feed.ts';
import type { ModelEvents } from '../events.ts';
import type { Submitter } from '../agents/submitter.ts';
import { invariant } from '../../engine/assert.ts';
import { blackScholes, type Greeks, type OptionKind } from './blackScholes.ts';
import type { FillHedge } from './fillHedge.ts';

export interface Instrument {
  /** Position among every instrument this venue ever listed. */
  readonly index: number;
  /** `<venue>-<kind initial><strike>-<tenor>#<n>`, unique in the run. */
  readonly id: string;
  readonly kind: OptionKind;
  readonly strike: number;
  readonly expiryUs: Micros;
  readonly tenorUs: Micros;
  readonly listedUs: Micros;
  settled: boolean;
  /** Settlement price, fixed at expiry (the reference index then). */
  settlementPrice?: number;
}

export interface VenueParams {
  id: string;
  rollup: number;
  strikesPct: readonly number[];
  strikeStep: number;
  tenorsUs: readonly Micros[];
  kinds: readonly OptionKind[];
  takerFeeBps: number;
  makerFeeBps: number;
  rate: number;
}

/** Where an order sits in a multi-leg strategy: the strategy order's id, its leg, and how many legs it has. */
export interface StrategyLeg {
  order: number;
  leg: number;
  legs: number;
}

/**
 * A taker's order: buy or sell `size` contracts at prices no worse than `limit`, executed in a
 * block. A single order fills what it can; a strategy's leg is fill-or-kill (the whole size or
 * nothing), so that a strategy whose legs all check fills every leg entirely. An order sent with
 * its maker's hedge (fillHedge.ts) takes that maker's quote alone, fill-or-kill.
 */
export class TakeOrder implements TxAction {
  constructor(
    readonly venue: OptionVenue,
    readonly taker: string,
    readonly takerKind: string,
    readonly strategy: string,
    readonly instrument: number,
    readonly side: 'buy' | 'sell',
    readonly size: number,
    readonly limit: number,
    readonly decidedUs: Micros,
    /** The taker's hook, told when the order executed (filled or not). */
    private readonly onDone?: () => void,
    /** Set on a strategy's legs, which are fill-or-kill. */
    readonly legOf?: StrategyLeg,
    /** Set on an order bundled with this maker's hedge: only its quote may fill it. */
    readonly maker?: string,
  ) {}

  /** The whole size or nothing. */
  get fillOrKill(): boolean {
    return this.legOf !== undefined || this.maker !== undefined;
  }

  /** Why it would not fill now, or null: exactly what `execute` would find (atomic bundles rely on it). */
  check(): string | null {
    return this.venue.wouldFail(this);
  }

  execute(tx: Tx): string | null {
    this.onDone?.();
    return this.venue.take(tx, this);
  }
}

/**
 * A strategy's legs on one venue in one transaction (a risk reversal, a vertical spread): every
 * leg fills entirely, or the transaction reverts and none does — in any mode, since one rollup
 * executes it.
 */
export class ComboOrder implements TxAction {
  constructor(readonly legs: readonly TakeOrder[]) {}

  check(): string | null {
    for (const leg of this.legs) {
      const failed = leg.check();
      if (failed !== null) return failed;
    }
    return null;
  }

  execute(tx: Tx): string | null {
    const failed = this.check();
    if (failed !== null) return failed;
    // Distinct instruments: one leg's fills cannot change what the next one checked.
    for (const leg of this.legs) invariant(leg.execute(tx) === null, 'a combo leg that checked fills', () => `order ${leg.legOf?.order} leg ${leg.legOf?.leg}`);
    return null;
  }
}

/** A maker's quote update on a venue (its own class, so a venue's batch rule can find it in a block). */
export class QuoteUpdate implements TxAction {
  constructor(
    readonly venue: OptionVenue,
    readonly execute: (tx: Tx) => string | null,
  ) {}
}

/** One side of a maker's resting quote on one option. */
export interface QuoteEntry {
  instrument: number;
  bid: number;
  ask: number;
  size: number;
  /** What the maker's quote was made of (for the quotes table; the venue does not read it). */
  detail: QuoteDetail;
}

/** How a maker built one quote: its mid, volatilities and half-spread components, USD per contract. */
export interface QuoteDetail {
  spot: number;
  mid: number;
  volBid: number;
  volAsk: number;
  reservationShift: number;
  fee: number;
  adverseSelection: number;
  snipe: number;
  inventory: number;
  hedgeCost: number;
  legFailure: number;
  capital: number;
  arrival: number;
  reason: string;
}

interface Resting {
  maker: string;
  bid: number;
  ask: number;
  bidLeft: number;
  askLeft: number;
  seq: number;
  value: number;
  /** The maker's offer to hedge a fill in the fill's bundle, published with this quote. */
  hedge?: FillHedge;
}

export interface OptionFill {
  venue: string;
  instrument: Instrument;
  tx: Tx;
  taker: string;
  takerKind: string;
  maker: string;
  /** From the taker's side. */
  side: 'buy' | 'sell';
  size: number;
  price: number;
  /** Mid of the maker's resting quote that was hit. */
  quoteMid: number;
  /** What the maker valued the option at when it built that quote (its mid before any skew). */
  quoteValue: number;
  takerFeeUsd: number;
  makerFeeUsd: number;
  atUs: Micros;
  spot: number;
  /** Black–Scholes value at the true volatility and the reference price at the fill, per contract. */
  fairAtFill: number;
  /** The taker's order, as submitted: what it saw and when. */
  decidedUs: Micros;
  strategy: string;
  /** Its place in a multi-leg strategy, if it is a leg of one. */
  legOf?: StrategyLeg;
}

export interface OptionQuoteEvent {
  venue: string;
  maker: string;
  atUs: Micros;
  decidedUs: Micros;
  seq: number;
  entries: readonly QuoteEntry[];
  instruments: readonly Instrument[];
}

export interface OptionSettlement {
  venue: string;
  instrument: Instrument;
  atUs: Micros;
  /** Cash paid to each party holding it (negative: paid by a short). */
  payouts: ReadonlyMap<string, number>;
}

export class OptionVenue {
  readonly instruments: Instrument[] = [];
  /** Listed and not expired, in listing order. */
  active: Instrument[] = [];
  /** Resting quotes by instrument index, one per maker. */
  private readonly book = new Map<number, Resting[]>();
  private readonly lastSeq = new Map<string, number>();
  /** Contracts held, by party then instrument index. */
  private readonly positions = new Map<string, Map<number, number>>();
  private readonly fillListeners = new Map<string, ((f: OptionFill) => void)[]>();
  private readonly listingListeners: (() => void)[] = [];
  private readonly ids: IdSpace;
  private listed = 0;

  constructor(
    private readonly sim: Simulation,
    readonly params: VenueParams,
    readonly feed: ReferenceFeed,
    /** The true volatility of the underlying: fair values for the tables (agents never read it). */
    private readonly trueVol: number,
    private readonly keeper: Submitter,
    private readonly events: ModelEvents,
  ) {
    this.ids = sim.ids(`options/venues/${params.id}`);
    for (const tenor of params.tenorsUs) this.list(tenor);
  }

  /** Years to an instrument's expiry from `nowUs` (0 once expired). */
  yearsLeft(instrument: Instrument, nowUs: Micros): number {
    return Math.max(instrument.expiryUs - nowUs, 0) / YEAR_US;
  }

  /** Black–Scholes price and Greeks of a listed option at `vol`, with the time it has left at `nowUs`. */
  greeks(instrument: Instrument, spot: number, vol: number, nowUs: Micros): Greeks {
    return blackScholes({ kind: instrument.kind, spot, strike: instrument.strike, years: this.yearsLeft(instrument, nowUs), rate: this.params.rate, vol });
  }

  /** Black–Scholes at the true volatility: the fair value used to mark fills (not seen by agents). */
  fairValue(instrument: Instrument, spot: number, nowUs: Micros): number {
    return this.greeks(instrument, spot, this.trueVol, nowUs).price;
  }

  /** A maker's fills on this venue, told in the reaction phase after the block that executed them. */
  onFill(maker: string, listener: (f: OptionFill) => void): void {
    if (!this.fillListeners.has(maker)) this.fillListeners.set(maker, []);
    this.fillListeners.get(maker)!.push(listener);
  }

  /** Told (as an agent event) when new instruments are listed. */
  onListing(listener: () => void): void {
    this.listingListeners.push(listener);
  }

  /** The best resting bid and ask on an instrument (what anyone reading the chain sees). */
  bestQuotes(instrument: number): { bid: number; bidSize: number; ask: number; askSize: number } {
    let bid = -Infinity;
    let ask = Infinity;
    let bidSize = 0;
    let askSize = 0;
    for (const q of this.book.get(instrument) ?? []) {
      if (q.bidLeft > 0 && q.bid > bid) [bid, bidSize] = [q.bid, q.bidLeft];
      if (q.askLeft > 0 && q.ask < ask) [ask, askSize] = [q.ask, q.askLeft];
    }
    return { bid, bidSize, ask, askSize };
  }

  /** Every open position of a party: instrument index → contracts. */
  positionsOf(party: string): ReadonlyMap<number, number> {
    return this.positions.get(party) ?? new Map();
  }

  /** The resting quote an order on `side` would take first (best price, then the earlier quote), if any. */
  bestQuote(instrument: number, side: 'buy' | 'sell'): { price: number; left: number; maker: string; hedge?: FillHedge } | undefined {
    let best: Resting | undefined;
    for (const q of this.book.get(instrument) ?? []) {
      const left = side === 'buy' ? q.askLeft : q.bidLeft;
      if (left <= 0) continue;
      const better = !best || (side === 'buy' ? q.ask < best.ask : q.bid > best.bid) || ((side === 'buy' ? q.ask === best.ask : q.bid === best.bid) && q.seq < best.seq);
      if (better) best = q;
    }
    if (!best) return undefined;
    return side === 'buy' ? { price: best.ask, left: best.askLeft, maker: best.maker, hedge: best.hedge } : { price: best.bid, left: best.bidLeft, maker: best.maker, hedge: best.hedge };
  }

  /** A transaction that replaces `maker`'s quotes (entries with size 0 pull a quote), with its fill-hedge offer if it makes one. */
  quoteAction(maker: string, seq: number, entries: readonly QuoteEntry[], hedge?: FillHedge): TxAction {
    return new QuoteUpdate(this, (tx) => this.applyQuotes(tx, maker, seq, entries, hedge));
  }

  /**
   * The batch rule `cancels_first`: within a block, this venue's quote updates execute before
   * everything else, so a taker's order can only meet a quote its maker replaced in an earlier
   * block — a maker is never sniped inside one block, only across a block boundary.
   */
  readonly quotesFirst = (txs: readonly Tx[]): readonly Tx[] => {
    const mine = (tx: Tx) => tx.action instanceof QuoteUpdate && tx.action.venue === this;
    const quotes = txs.filter(mine);
    return quotes.length === 0 ? txs : [...quotes, ...txs.filter((tx) => !mine(tx))];
  };

  private applyQuotes(tx: Tx, maker: string, seq: number, entries: readonly QuoteEntry[], hedge: FillHedge | undefined): string | null {
    // A later update may be ordered before an earlier one: the older one must not overwrite it.
    if (seq <= (this.lastSeq.get(maker) ?? -1)) return 'stale-quote';
    this.lastSeq.set(maker, seq);
    const live: QuoteEntry[] = [];
    for (const e of entries) {
      const inst = this.instruments[e.instrument];
      if (!inst || inst.settled || inst.expiryUs <= this.sim.now) continue;
      let book = this.book.get(e.instrument);
      if (!book) this.book.set(e.instrument, (book = []));
      const i = book.findIndex((q) => q.maker === maker);
      const q: Resting = { maker, bid: e.bid, ask: e.ask, bidLeft: e.size, askLeft: e.size, seq, value: e.detail.mid, hedge };
      if (i >= 0) book[i] = q;
      else book.push(q);
      live.push(e);
    }
    if (this.events.optionQuote.heard) this.events.optionQuote.emit({ venue: this.params.id, maker, atUs: this.sim.now, decidedUs: tx.submitUs, seq, entries: live, instruments: this.instruments });
    return null;
  }

  /** The resting quotes an order can take (its maker's alone, when it names one), best price first (among equal prices, the earlier quote). */
  private within(o: TakeOrder): Resting[] {
    const { side, limit, maker } = o;
    const book = this.book.get(o.instrument) ?? [];
    return book.filter((q) => (maker === undefined || q.maker === maker) && (side === 'buy' ? q.askLeft > 0 && q.ask <= limit : q.bidLeft > 0 && q.bid >= limit)).sort((a, b) => (side === 'buy' ? a.ask - b.ask : b.bid - a.bid) || a.seq - b.seq);
  }

  /** Why an order would not fill now ('expired', 'no-quote-within-limit', or for a fill-or-kill leg 'partial-fill'), or null. */
  wouldFail(o: TakeOrder): string | null {
    const inst = this.instruments[o.instrument];
    if (!inst || inst.settled || inst.expiryUs <= this.sim.now) return 'expired';
    const candidates = this.within(o);
    if (candidates.length === 0) return 'no-quote-within-limit';
    if (!o.fillOrKill) return null;
    let available = 0;
    for (const q of candidates) available += o.side === 'buy' ? q.askLeft : q.bidLeft;
    return available >= o.size ? null : 'partial-fill';
  }

  /** Executes a taker's order (TakeOrder.execute). */
  take(tx: Tx, o: TakeOrder): string | null {
    const { taker, takerKind, strategy, instrument: index, side, size, decidedUs } = o;
    const failed = this.wouldFail(o);
    if (failed !== null) return failed;
    const inst = this.instruments[index];
    const now = this.sim.now;
    const candidates = this.within(o);
    let left = size;
    const spot = this.feed.price;
    const fair = this.fairValue(inst, spot, now);
    const fills: OptionFill[] = [];
    for (const q of candidates) {
      if (left <= 0) break;
      const price = side === 'buy' ? q.ask : q.bid;
      const n = Math.min(left, side === 'buy' ? q.askLeft : q.bidLeft);
      if (side === 'buy') q.askLeft -= n;
      else q.bidLeft -= n;
      left -= n;
      const fee = (bps: number) => Math.min((bps / 1e4) * spot, 0.125 * price) * n;
      const f: OptionFill = { venue: this.params.id, instrument: inst, tx, taker, takerKind, maker: q.maker, side, size: n, price, quoteMid: (q.bid + q.ask) / 2, quoteValue: q.value, takerFeeUsd: fee(this.params.takerFeeBps), makerFeeUsd: fee(this.params.makerFeeBps), atUs: now, spot, fairAtFill: fair, decidedUs, strategy, legOf: o.legOf };
      const dir = side === 'buy' ? 1 : -1;
      this.move(taker, index, dir * n);
      this.move(q.maker, index, -dir * n);
      fills.push(f);
    }
    for (const f of fills) {
      this.events.optionFill.emit(f);
      const ls = this.fillListeners.get(f.maker);
      if (ls) this.sim.at(now, Priority.reaction, () => ls.forEach((l) => l(f)));
    }
    return null;
  }

  private move(party: string, instrument: number, contracts: number): void {
    let p = this.positions.get(party);
    if (!p) this.positions.set(party, (p = new Map()));
    const next = (p.get(instrument) ?? 0) + contracts;
    if (Math.abs(next) < 1e-12) p.delete(instrument);
    else p.set(instrument, next);
  }

  /** Lists one expiry of a tenor: every kind at every strike around the reference price now. */
  private list(tenorUs: Micros): void {
    const now = this.sim.now;
    const ref = this.feed.price;
    const expiryUs = now + tenorUs;
    const n = this.listed++;
    const strikes = [...new Set(this.params.strikesPct.map((pct) => Math.max(this.params.strikeStep, Math.round((ref * (1 + pct / 100)) / this.params.strikeStep) * this.params.strikeStep)))];
    for (const strike of strikes)
      for (const kind of this.params.kinds) {
        const inst: Instrument = { index: this.instruments.length, id: `${this.params.id}-${kind[0].toUpperCase()}${strike}-${Math.round(tenorUs / 1e6)}s#${n}`, kind, strike, expiryUs, tenorUs, listedUs: now, settled: false };
        this.instruments.push(inst);
        this.active.push(inst);
      }
    // At expiry: the settlement price is the reference index then (world phase), a keeper settles
    // through the sequencer, and the tenor is listed again.
    this.sim.at(expiryUs, Priority.world, this.expire, expiryUs);
    if (this.listingListeners.length) this.sim.at(now, Priority.agent, () => this.listingListeners.forEach((l) => l()));
  }

  private expire = (expiryUs: Micros): void => {
    const expiring = this.active.filter((i) => i.expiryUs === expiryUs);
    this.active = this.active.filter((i) => i.expiryUs !== expiryUs);
    const price = this.feed.price;
    for (const inst of expiring) {
      inst.settlementPrice = price;
      this.book.delete(inst.index);
    }
    const tx = newTx(this.ids.next(), this.params.rollup, `keeper/${this.params.id}`, this.sim.now, { execute: () => this.settle(expiring) });
    this.keeper.submit(tx);
    for (const tenor of new Set(expiring.map((i) => i.tenorUs))) this.list(tenor);
  };

  /** Cash settlement: each holder receives (or pays, if short) the intrinsic value at the settlement price. */
  private settle(expiring: readonly Instrument[]): string | null {
    for (const inst of expiring) {
      const intrinsic = inst.kind === 'call' ? Math.max(inst.settlementPrice! - inst.strike, 0) : Math.max(inst.strike - inst.settlementPrice!, 0);
      const payouts = new Map<string, number>();
      for (const [party, p] of this.positions) {
        const n = p.get(inst.index);
        if (n === undefined) continue;
        p.delete(inst.index);
        payouts.set(party, n * intrinsic);
      }
      inst.settled = true;
      this.events.optionSettled.emit({ venue: this.params.id, instrument: inst, atUs: this.sim.now, payouts });
    }
    return null;
  }
}
