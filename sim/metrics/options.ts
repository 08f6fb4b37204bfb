// Options: one `quotes` row per option per executed quote update, one `option_trades` row per
// taker order (written once its markouts are known), and per maker the ATM spread, its components,
// the volatility premium and a decomposition of what it earned and lost.
import { MS, type Micros } from '../engine/time.ts';
import type { HedgeEvent, ModelEvents, PriceTick } from '../model/events.ts';
import type { Tx } from '../model/tx.ts';
import { impliedVol } from '../model/options/blackScholes.ts';
import { ComboOrder, TakeOrder, type OptionFill, type OptionQuoteEvent, type OptionVenue, type StrategyLeg } from '../model/options/venue.ts';
import { LegAction } from '../model/crossrollup.ts';
import { Distribution } from './distribution.ts';
import type { RowSink, RunReport } from './rows.ts';

const MARKOUTS_US = [1_000_000, 10_000_000, 60_000_000];
const COMPONENTS = ['fee', 'adverse_selection', 'snipe', 'inventory', 'hedge_cost', 'leg_failure', 'capital', 'arrival'] as const;
type Component = (typeof COMPONENTS)[number];

class MakerStats {
  atmSpreadBps = new Distribution();
  atmSpreadVolPts = new Distribution();
  volPremiumPct = new Distribution();
  lelandPremiumPct = new Distribution();
  components = Object.fromEntries(COMPONENTS.map((c) => [c, new Distribution()])) as Record<Component, Distribution>;
  fills = 0;
  contracts = 0;
  spreadCapturedUsd = 0;
  snipeLossUsd = 0;
  adverseUsd = 0;
  hedgeCostUsd = 0;
  hedges = 0;
  hedgeFailures = 0;
  /** Hedges executed in their fill's atomic bundle. */
  atomicHedges = 0;
  hedgeLagMs = new Distribution();
  marginUsd = new Distribution();
}

interface PendingTrade {
  fill: OptionFill;
  venue: OptionVenue;
  markouts: (number | null)[];
  due: number;
}

export class OptionsRecorder {
  private readonly stats = new Map<string, MakerStats>();
  /** Fills waiting for their markouts, by asset, in fill order. */
  private readonly pending = new Map<string, PendingTrade[]>();
  private readonly venueAsset = new Map<string, string>();

  constructor(
    private readonly venues: ReadonlyMap<string, OptionVenue>,
    assetOf: (venue: string) => string,
    private readonly trueVol: (venue: string) => number,
    private readonly warmupUs: Micros,
    /** Whether a maker's collateral is pooled (its margin after each hedge is reported in its regime). */
    private readonly pooled: (maker: string) => boolean,
    private readonly quotes: RowSink,
    private readonly trades: RowSink,
    events: ModelEvents,
  ) {
    for (const id of venues.keys()) this.venueAsset.set(id, assetOf(id));
    if (venues.size === 0) return;
    events.optionQuote.on(this.quoted);
    events.optionFill.on(this.filled);
    events.priceTick.on(this.tick);
    events.txExecuted.on(this.executed);
    events.hedge.on(this.hedged);
  }

  private maker(name: string): MakerStats {
    let s = this.stats.get(name);
    if (!s) this.stats.set(name, (s = new MakerStats()));
    return s;
  }

  private quoted = (q: OptionQuoteEvent): void => {
    const s = this.maker(q.maker);
    const measured = q.atUs >= this.warmupUs;
    const trueVol = this.trueVol(q.venue);
    const venue = this.venues.get(q.venue)!;
    // At the money: the listed strike nearest the spot the maker quoted from.
    let atmStrike = NaN;
    for (const e of q.entries) {
      const k = q.instruments[e.instrument].strike;
      if (Number.isNaN(atmStrike) || Math.abs(k - e.detail.spot) < Math.abs(atmStrike - e.detail.spot)) atmStrike = k;
    }
    for (const e of q.entries) {
      const inst = q.instruments[e.instrument];
      const d = e.detail;
      const half = d.fee + d.adverseSelection + d.snipe + d.inventory + d.hedgeCost + d.legFailure + d.capital + d.arrival;
      this.quotes.append({
        at_us: q.atUs,
        decided_us: q.decidedUs,
        venue: q.venue,
        maker: q.maker,
        instrument: inst.id,
        kind: inst.kind,
        strike: inst.strike,
        expiry_us: inst.expiryUs,
        spot: d.spot,
        bid: e.bid,
        ask: e.ask,
        mid: d.mid,
        vol_bid: d.volBid,
        vol_ask: d.volAsk,
        half_spread_usd: half,
        fee_usd: d.fee,
        adverse_selection_usd: d.adverseSelection,
        snipe_usd: d.snipe,
        inventory_usd: d.inventory,
        hedge_cost_usd: d.hedgeCost,
        leg_failure_usd: d.legFailure,
        capital_usd: d.capital,
        arrival_usd: d.arrival,
        reservation_shift_usd: d.reservationShift,
        reason: d.reason,
      });
      if (!measured || inst.strike !== atmStrike) continue;
      s.atmSpreadBps.add(((e.ask - e.bid) / d.spot) * 1e4);
      const years = venue.yearsLeft(inst, q.decidedUs);
      const g = venue.greeks(inst, d.spot, trueVol, q.decidedUs);
      if (g.vega > 0) s.atmSpreadVolPts.add(((e.ask - e.bid) / g.vega) * 100);
      const iv = impliedVol({ kind: inst.kind, spot: d.spot, strike: inst.strike, years, rate: venue.params.rate }, e.ask);
      if (iv.ok) s.volPremiumPct.add((iv.vol - trueVol) * 100);
      s.lelandPremiumPct.add((d.volAsk - trueVol) * 100);
      const values: Record<Component, number> = { fee: d.fee, adverse_selection: d.adverseSelection, snipe: d.snipe, inventory: d.inventory, hedge_cost: d.hedgeCost, leg_failure: d.legFailure, capital: d.capital, arrival: d.arrival };
      for (const c of COMPONENTS) s.components[c].add(values[c]);
    }
  };

  private filled = (f: OptionFill): void => {
    const asset = this.venueAsset.get(f.venue)!;
    if (!this.pending.has(asset)) this.pending.set(asset, []);
    this.pending.get(asset)!.push({ fill: f, venue: this.venues.get(f.venue)!, markouts: MARKOUTS_US.map(() => null), due: 0 });
  };

  /** Resolves markouts as time passes the horizons. */
  private tick = (t: PriceTick): void => {
    const queue = this.pending.get(t.asset);
    if (!queue || queue.length === 0) return;
    let done = 0;
    for (let i = 0; i < queue.length; i++) {
      const p = queue[i];
      const f = p.fill;
      while (p.due < MARKOUTS_US.length && t.atUs >= f.atUs + MARKOUTS_US[p.due]) {
        const at = f.atUs + MARKOUTS_US[p.due];
        p.markouts[p.due] = at < f.instrument.expiryUs ? this.takerProfit(f, p.venue.fairValue(f.instrument, t.price, t.atUs)) : null;
        p.due++;
      }
      if (p.due === MARKOUTS_US.length && done === i) done++;
    }
    for (const p of queue.splice(0, done)) this.writeTrade(p);
  };

  private takerProfit(f: OptionFill, fair: number): number {
    return f.side === 'buy' ? fair - f.price : f.price - fair;
  }

  private writeTrade(p: PendingTrade): void {
    const f = p.fill;
    const edge = this.takerProfit(f, f.fairAtFill);
    this.trades.append({
      at_us: f.atUs,
      decided_us: f.decidedUs,
      venue: f.venue,
      instrument: f.instrument.id,
      taker: f.taker,
      taker_kind: f.takerKind,
      strategy: f.strategy,
      ...legColumns(f.legOf),
      maker: f.maker,
      side: f.side,
      size: f.size,
      price: f.price,
      quote_mid: f.quoteMid,
      spot: f.spot,
      fair_usd: f.fairAtFill,
      taker_edge_usd: edge,
      snipe: edge > 0,
      taker_fee_usd: f.takerFeeUsd,
      markout_1s_usd: p.markouts[0],
      markout_10s_usd: p.markouts[1],
      markout_60s_usd: p.markouts[2],
      status: 'filled',
    });
    if (f.atUs < this.warmupUs) return;
    const s = this.maker(f.maker);
    s.fills++;
    s.contracts += f.size;
    s.spreadCapturedUsd += -edge * f.size;
    if (edge > 0) s.snipeLossUsd += edge * f.size;
    const m60 = p.markouts[2];
    if (m60 !== null) s.adverseUsd += (m60 - edge) * f.size;
  }

  /** A taker's order that reverted: a row with no fill (one per leg of a strategy). */
  private executed = (tx: Tx): void => {
    if (tx.status !== 'reverted') return;
    const action = tx.action instanceof LegAction ? tx.action.inner : tx.action;
    const orders = action instanceof TakeOrder ? [action] : action instanceof ComboOrder ? action.legs : [];
    for (const o of orders) {
      const inst = o.venue.instruments[o.instrument];
      this.trades.append({
        at_us: tx.includeUs!,
        decided_us: o.decidedUs,
        venue: o.venue.params.id,
        instrument: inst.id,
        taker: o.taker,
        taker_kind: o.takerKind,
        strategy: o.strategy,
        ...legColumns(o.legOf),
        maker: null,
        side: o.side,
        size: 0,
        price: null,
        quote_mid: null,
        spot: o.venue.feed.price,
        fair_usd: null,
        taker_edge_usd: null,
        snipe: false,
        taker_fee_usd: null,
        markout_1s_usd: null,
        markout_10s_usd: null,
        markout_60s_usd: null,
        status: tx.reason ?? 'failed',
      });
    }
  };

  private hedged = (h: HedgeEvent): void => {
    if (h.atUs < this.warmupUs) return;
    const s = this.maker(h.maker);
    if (!h.ok) {
      s.hedgeFailures++;
      return;
    }
    s.hedges++;
    if (h.atomic) s.atomicHedges++;
    s.hedgeCostUsd += h.costUsd;
    s.hedgeLagMs.add(h.lagUs / MS);
    s.marginUsd.add(this.pooled(h.maker) ? h.pooledMarginUsd : h.siloedMarginUsd);
  };

  /** Writes the trades still waiting for markouts (with the ones not reached left null) and reports. */
  finish(report: RunReport, venueRollup: (maker: string) => string | null): void {
    for (const queue of this.pending.values()) for (const p of queue.splice(0)) this.writeTrade(p);
    for (const [name, s] of this.stats) {
      const r = report.scope(venueRollup(name), name);
      r.distribution('spread.option_atm_bps', s.atmSpreadBps, 'bps');
      r.distribution('spread.option_atm_vol_pts', s.atmSpreadVolPts, 'vol pts');
      for (const c of COMPONENTS) r.add(`spread.${c}_usd.mean`, s.components[c].mean, 'USD');
      r.add('options.vol_premium_pct.mean', s.volPremiumPct.mean, 'vol pts');
      r.add('options.leland_premium_pct.mean', s.lelandPremiumPct.mean, 'vol pts');
      r.add('options.fills', s.fills, 'count');
      r.add('options.contracts', s.contracts, 'count');
      r.add('options.spread_captured_usd', s.spreadCapturedUsd, 'USD');
      r.add('options.snipe_loss_usd', s.snipeLossUsd, 'USD');
      r.add('options.adverse_selection_usd', s.adverseUsd, 'USD');
      r.add('options.hedge_cost_usd', s.hedgeCostUsd, 'USD');
      r.add('options.hedges', s.hedges, 'count');
      r.add('options.hedge_failures', s.hedgeFailures, 'count');
      r.add('options.atomic_hedges', s.atomicHedges, 'count');
      r.distribution('options.hedge_lag_ms', s.hedgeLagMs, 'ms');
      r.add('options.margin_usd.mean', s.marginUsd.mean, 'USD');
    }
  }
}

/** Where an option_trades row sits in its strategy order (a single order: no order, no leg, 1 leg). */
function legColumns(legOf: StrategyLeg | undefined) {
  return { strategy_order: legOf?.order ?? null, leg: legOf?.leg ?? null, legs: legOf?.legs ?? 1 };
}
