// The `options` section: option venues on rollups, the market makers who quote them, and the
// takers who trade against the quotes. Every quote, cancel, trade and settlement is a transaction
// through the venue's rollup sequencer.
import { z } from 'zod';
import { duration, list, name, nonNegativeNumber, positiveNumber, uniqueBy } from './fields.ts';
import { LIMITS } from './limits.ts';

export const VenueSchema = z
  .strictObject({
    id: name('Venue id, unique'),
    rollup: name('The rollup the venue lives on (a rollups[].id)'),
    asset: name('The underlying (an assets[].id)'),
    strikes_pct: list(z.number().min(-90).max(900)).min(1).default([-5, 0, 5]).describe('Strikes listed, % away from the reference price at listing (0 = at the money)'),
    strike_step: positiveNumber('a strike step in USD', LIMITS.priceUsd).default(10).describe('Strikes are rounded to multiples of this, USD'),
    expiries: list(duration('A tenor: each expiry is listed this long before it', { positive: true })).min(1).prefault(['1h']).describe('Tenors listed; when one expires the next of the same tenor is listed at once'),
    kinds: list(z.enum(['call', 'put'])).min(1).default(['call', 'put']).describe('Option kinds listed at every strike'),
    taker_fee_bps: nonNegativeNumber('a fee in basis points', LIMITS.bps).default(3).describe('Taker fee, bps of the underlying notional, capped at 12.5% of the option price (Deribit, docs/calibration.md §6)'),
    maker_fee_bps: nonNegativeNumber('a fee in basis points', LIMITS.bps).default(0).describe('Maker fee, bps of the underlying notional, same cap'),
    rate: z.number().min(-0.5).max(1).default(0).describe('Risk-free rate used for pricing, annualized, continuous'),
    cancels_first: z.boolean().default(false).describe('Batch rule: within a block, quote updates execute before takes (makers can never be sniped inside one block)'),
  })
  .describe('An option venue: a listed chain of European, cash-settled options on one rollup');

export const MakerSchema = z
  .strictObject({
    name: name('Maker name, unique'),
    venues: list(name('A venue id')).min(1).describe('Venues it quotes on'),
    hedge: z
      .strictObject({ rollup: name('Rollup of the hedge pool'), pool: name('Pool id on that rollup') })
      .optional()
      .describe('Where it delta-hedges (default: the first pool of the underlying on its first venue\'s rollup)'),
    region: name('Where it runs (a region of network.regions)').optional(),
    latency: duration('One-way delay to the sequencers, replacing the network\'s').optional(),
    vol: positiveNumber('an annualized volatility', LIMITS.annual).optional().describe('Its volatility estimate, annualized (default: the underlying\'s true vol)'),
    size: positiveNumber('a number of contracts', LIMITS.units).default(1).describe('Contracts quoted on each side of each option'),
    refresh: duration('Timer: requote at least this often', { positive: true }).prefault('10s'),
    move_threshold_bps: nonNegativeNumber('a move in basis points', 1e6 /* a huge threshold: requotes on the timer only */).default(10).describe('Requote when the reference price moved this far since its last quote'),
    risk_aversion: nonNegativeNumber('a risk aversion', 1000).default(0.01).describe('Avellaneda–Stoikov γ, per USD: the price of carrying unhedged delta'),
    hedge_threshold: nonNegativeNumber('a delta in underlying units', 1e12 /* a huge threshold: never hedges */).default(2).describe('Hedges when its unhedged delta exceeds this many underlying units'),
    hedge_every: duration('Hedge on a clock instead: the whole delta after each fill, then rebalanced this often', { positive: true }).optional(),
    collateral: z.enum(['auto', 'pooled', 'siloed']).default('auto').describe('"pooled": one margin account across rollups (netting); "siloed": each rollup margined alone; "auto": pooled when one atomic sequencer orders all its rollups'),
    margin_fraction: z.number().min(0).max(1).default(0.15).describe('Margin held per unit of net delta exposure, as a fraction of the underlying value'),
    capital_cost: nonNegativeNumber('an annual rate', LIMITS.annual).default(0.1).describe('Cost of capital on margin held, per year'),
    quote_fee_usd: nonNegativeNumber('a fee in USD', LIMITS.feeUsd).default(0).describe('Priority fee offered on each quote update'),
    markout: duration('Horizon after a fill at which it measures its adverse selection', { positive: true }).prefault('60s'),
    learning: z.number().gt(0).max(1).default(0.05).describe('Weight of each new observation in its running estimates (EWMA)'),
    learning_prior: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe("Share of its cost estimates' starting weight left on a prior of zero cost: 0, a bias-corrected mean of what it has seen from the first observation; 1, a plain EWMA from 0 (costs count only once a long history shows them)"),
    horizon_end: duration('Avellaneda–Stoikov: the end T of its trading horizon (simulated time)', { positive: true }).optional().describe('When set, its inventory term prices carrying inventory until T (τ = T − t) instead of until a hedge executes'),
    flow_decay: positiveNumber('a decay per USD', 1e6).optional().describe('Avellaneda–Stoikov: k of the takers\' flow intensity A·e^(−k·δ), per USD of the quote\'s distance δ; adds the order-arrival term (1/γ)·ln(1 + γ/k) to its half-spread'),
    skew: z.boolean().default(true).describe('false: the symmetric strategy — the same spread centred on its value, without the reservation shift'),
    hedge_with_fill: z
      .boolean()
      .default(true)
      .describe("Offers, with its quotes, to hedge each fill in the fill's own atomic bundle: a single-option order on a venue whose rollup and the maker's hedge rollup (another rollup) one atomic sequencer orders goes with the maker's hedge swap for the fill's delta, both in one slot or neither. Each such fill is hedged whatever its hedge_threshold (set false for a maker that should not hedge); elsewhere, and with false, it hedges after hearing of the fill"),
  })
  .describe('An options market maker: Black–Scholes mid at its volatility, half-spread built from the costs it experienced');

export const TakerSchema = z
  .strictObject({
    name: name('Taker population name, unique'),
    kind: z.enum(['uninformed', 'informed', 'sniper', 'elastic']).describe('"uninformed": random options, sides and sizes; "informed": a private signal of the reference price over `horizon`; "sniper": hits quotes left stale by a price move; "elastic": random options and sides, each order sent with probability e^(−decay·δ), δ the quote\'s distance from fair value (Avellaneda–Stoikov flow of intensity rate/2 · e^(−k·δ) on each side)'),
    venue: name('The venue it trades on'),
    region: name('Where it is (a region of network.regions)').optional(),
    latency: duration('One-way delay to the sequencer, replacing the network\'s').optional(),
    rate: nonNegativeNumber('a number of trades per second', LIMITS.ratePerS).default(0.1).describe('Poisson arrival rate (uninformed and informed), per second'),
    size: positiveNumber('a number of contracts', LIMITS.units).default(1).describe('Contracts per trade (uninformed: the median of a lognormal)'),
    limit_bps: nonNegativeNumber('a tolerance in basis points', LIMITS.bps).default(50).describe('Worst price accepted, bps of the underlying beyond the quote seen'),
    horizon: duration('Informed: how far ahead its signal sees', { positive: true }).prefault('5m'),
    signal_correlation: z.number().min(0).max(1).default(0.7).describe('Informed: correlation of its signal with the reference-price move over the horizon'),
    threshold_bps: nonNegativeNumber('an edge in basis points', LIMITS.bps).default(5).describe('Sniper: smallest edge (fair value minus quote, bps of the underlying) it acts on, after fees'),
    fee_usd: nonNegativeNumber('a fee in USD', LIMITS.feeUsd).default(0).describe('Priority fee offered on each trade'),
    vol: positiveNumber('an annualized volatility', LIMITS.annual).optional().describe('Informed, sniper and elastic: the volatility it prices with (default: the underlying\'s true vol)'),
    decay: nonNegativeNumber('a decay per USD', 1e6).default(1.5).describe('Elastic: k, per USD of the quote\'s distance from fair value'),
    strategy: z
      .enum(['single', 'risk_reversal', 'vertical', 'cross_rollup_spread'])
      .default('single')
      .describe('Uninformed and informed: what each order trades. "single": one option; "risk_reversal": the OTM call against the OTM put of one expiry; "vertical": the ATM call against the next strike\'s call; "cross_rollup_spread": that vertical with its short leg on `other_venue` (another rollup): one atomic bundle under a shared set, two independent legs otherwise. Buying is the bullish side (long the call). Every leg of a strategy is fill-or-kill'),
    other_venue: name('cross_rollup_spread: the venue of the short leg, on another rollup, same underlying').optional(),
  })
  .describe('Option takers');

export const ExoticLegSchema = z
  .strictObject({
    rollup: name('The rollup whose state this leg reads'),
    pool: name('The pool on that rollup whose price it reads'),
    strike_pct: z.number().min(-90).max(900).default(0).describe('Strike, % away from the pool price at listing: the leg is in the money when the pool price at expiry is at or above it'),
  })
  .describe("One leg of a cross-rollup exotic: a pool's price on one rollup against a strike");

export const ExoticSchema = z
  .strictObject({
    id: name('Exotic id, unique'),
    kind: z.enum(['dual_digital']).default('dual_digital').describe('"dual_digital": pays payout_usd if both legs are in the money at expiry'),
    legs: z.tuple([ExoticLegSchema, ExoticLegSchema]).describe('Two legs on two different rollups, pools of two different assets'),
    tenor: duration('Each expiry is listed this long before it; the next is listed at expiry', { positive: true }).prefault('1h'),
    payout_usd: positiveNumber('a payout in USD', LIMITS.usd).default(100).describe('What one contract pays when it finishes in the money'),
  })
  .describe('A cross-rollup exotic option: its payoff reads two rollups at once; a keeper settles it as a two-leg intent (one atomic bundle under a shared set, two legs through the bridge otherwise)');

export const OptionsSchema = z
  .strictObject({
    venues: list(VenueSchema).default([]).superRefine(uniqueBy<{ id: string }>('venue id', (v) => v.id, 'id')).describe('Option venues'),
    makers: list(MakerSchema).default([]).superRefine(uniqueBy<{ name: string }>('maker name', (m) => m.name, 'name')).describe('Market makers'),
    takers: list(TakerSchema).default([]).superRefine(uniqueBy<{ name: string }>('taker name', (t) => t.name, 'name')).describe('Takers'),
    exotics: list(ExoticSchema).default([]).superRefine(uniqueBy<{ id: string }>('exotic id', (e) => e.id, 'id')).describe('Cross-rollup exotic options'),
  })
  .describe('Options: venues, makers and takers');

export type OptionsConfig = z.output<typeof OptionsSchema>;
