// Options makers' books as an outside accountant keeps them from domain events alone: cash from
// option fills (premium received or paid, less the maker fee), delta hedges (−base·ref − cost) and
// settlements; contracts from fills and settlements; base from hedges. Marked to market at the
// venue's true volatility and the current reference prices, the difference between two marks is
// the maker's P&L over that window (the contagion table's maker loss). Quote-update gas is left
// out (makers quote with a priority fee of 0 unless told otherwise).
import type { Micros } from '../engine/time.ts';
import type { HedgeEvent, ModelEvents } from '../model/events.ts';
import type { ReferenceFeed } from '../model/market/feed.ts';
import type { Instrument, OptionFill, OptionSettlement, OptionVenue } from '../model/options/venue.ts';

interface Holding {
  venue: OptionVenue;
  instrument: Instrument;
  contracts: number;
}

class Book {
  cash = 0;
  base = 0;
  /** Open option positions by `<venue>/<instrument index>`, in the order first traded. */
  readonly holdings = new Map<string, Holding>();
}

export class MakerBooks {
  private readonly books = new Map<string, Book>();

  constructor(
    private readonly venues: ReadonlyMap<string, OptionVenue>,
    /** The reference feed of each maker's hedge pool. */
    private readonly hedgeFeeds: ReadonlyMap<string, ReferenceFeed>,
    events: ModelEvents,
  ) {
    for (const maker of hedgeFeeds.keys()) this.books.set(maker, new Book());
    if (this.books.size === 0) return;
    events.optionFill.on(this.filled);
    events.hedge.on(this.hedged);
    events.optionSettled.on(this.settled);
  }

  private filled = (f: OptionFill): void => {
    const b = this.books.get(f.maker);
    if (!b) return;
    const dir = f.side === 'buy' ? -1 : 1; // the taker bought: the maker sold
    b.cash += -dir * f.price * f.size - f.makerFeeUsd;
    const key = `${f.venue}/${f.instrument.index}`;
    const h = b.holdings.get(key);
    if (h) h.contracts += dir * f.size;
    else b.holdings.set(key, { venue: this.venues.get(f.venue)!, instrument: f.instrument, contracts: dir * f.size });
  };

  private hedged = (h: HedgeEvent): void => {
    const b = this.books.get(h.maker);
    if (!b || !h.ok) return;
    b.cash += -h.base * h.refUsd - h.costUsd;
    b.base += h.base;
  };

  private settled = (s: OptionSettlement): void => {
    const key = `${s.venue}/${s.instrument.index}`;
    for (const [maker, b] of this.books) {
      const paid = s.payouts.get(maker);
      if (paid !== undefined) b.cash += paid;
      b.holdings.delete(key);
    }
  };

  /** A maker's book marked to market now, USD: cash + options at fair value + hedge base at the reference price. */
  value(maker: string, nowUs: Micros): number {
    const b = this.books.get(maker)!;
    let v = b.cash + b.base * this.hedgeFeeds.get(maker)!.price;
    for (const h of b.holdings.values()) {
      if (h.contracts === 0) continue;
      // Expired and not yet settled: worth its intrinsic value at the settlement price.
      const inst = h.instrument;
      const unit =
        inst.settlementPrice !== undefined ? (inst.kind === 'call' ? Math.max(inst.settlementPrice - inst.strike, 0) : Math.max(inst.strike - inst.settlementPrice, 0)) : h.venue.fairValue(inst, h.venue.feed.price, nowUs);
      v += h.contracts * unit;
    }
    return v;
  }
}
