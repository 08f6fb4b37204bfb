// The domain events the model emits. Recorders (sim/metrics) subscribe to these and only listen:
// nothing the model decides ever depends on who listens, and the model never reads a listener.
// A run with no listener at all (a null sink) executes the same transactions in the same order
// (test/observation.test.ts). Events carry model objects; a listener must not change them.
import type { Micros } from '../engine/time.ts';
import type { Tx } from './tx.ts';
import type { TradeRecord } from './market/swap.ts';
import type { Position } from './agents/position.ts';
import type { Bundle } from './crossrollup.ts';
import type { OptionFill, OptionQuoteEvent, OptionSettlement } from './options/venue.ts';
import type { ExoticSettlement } from './options/exotic.ts';
import type { FaultEpisode } from './faults/injector.ts';
import type { OracleUpdate } from './lending/oracle.ts';
import type { LiquidationEvent } from './lending/market.ts';

/** One kind of event and its listeners, called in subscription order. */
export class Channel<T> {
  private readonly listeners: ((event: T) => void)[] = [];

  on(listener: (event: T) => void): void {
    this.listeners.push(listener);
  }

  /** Someone listens: emitters may skip building an event object nobody hears. */
  get heard(): boolean {
    return this.listeners.length > 0;
  }

  emit(event: T): void {
    const ls = this.listeners;
    for (let i = 0; i < ls.length; i++) ls[i](event);
  }
}

export interface BlockExecuted {
  readonly rollup: number;
  readonly number: number;
  readonly txCount: number;
  readonly capacity: number;
  readonly atUs: Micros;
  /** Who ordered it: 'central', 'node-<i>', 'fallback' or 'l1'. */
  readonly sequencer: string;
}

/** One builder's offer for one block under proposer-builder separation. */
export interface BuilderBid {
  readonly rollup: number;
  readonly atUs: Micros;
  readonly builder: number;
  readonly builderName: string;
  readonly blockValueUsd: number;
  readonly bidUsd: number;
  readonly won: boolean;
}

export interface SlotEvent {
  readonly atUs: Micros;
  readonly leader: number;
}

export interface OffenceEvent {
  readonly atUs: Micros;
  readonly node: number;
  readonly kind: 'censorship' | 'equivocation';
}

export interface SlashEvent {
  readonly atUs: Micros;
  readonly node: number;
  readonly stake: number;
}

/** A sequencer stopped or started ordering (a shared set losing or regaining its ability to commit). */
export interface HaltEvent {
  readonly atUs: Micros;
  /** Indices of the rollups affected. */
  readonly rollups: readonly number[];
  readonly halted: boolean;
}

export class ModelEvents {
  /** A transaction was sent: handed to the network, or put into a bundle that travels whole. */
  readonly txSubmitted = new Channel<Tx>();
  /** A block executed a transaction: status 'included' or 'reverted'. */
  readonly txExecuted = new Channel<Tx>();
  /** A transaction left without executing (replaced by a higher bid, lost a builder auction). */
  readonly txDropped = new Channel<Tx>();
  readonly blockExecuted = new Channel<BlockExecuted>();
  /** A swap attempt executed in a block (successful or not). */
  readonly swap = new Channel<TradeRecord>();
  /** An MEV position (sandwich or back-run) closed: every transaction of it has executed or left. */
  readonly mevClosed = new Channel<Position>();
  readonly bundleOpened = new Channel<Bundle>();
  /** Every leg executed, reverted or was abandoned. */
  readonly bundleClosed = new Channel<Bundle>();
  readonly bid = new Channel<BuilderBid>();
  readonly slotStarted = new Channel<SlotEvent>();
  readonly slotCommitted = new Channel<SlotEvent>();
  readonly slotMissed = new Channel<SlotEvent>();
  /** A leader pre-confirmation withdrawn because its slot did not commit. */
  readonly preconfBroken = new Channel<Tx>();
  readonly offence = new Channel<OffenceEvent>();
  readonly slashed = new Channel<SlashEvent>();
  /** Rollups fell back to their own sequencers (halted: true) or returned to the shared set. */
  readonly fallback = new Channel<HaltEvent>();
  /** A reference price moved (a feed tick). */
  readonly priceTick = new Channel<PriceTick>();
  /** A maker's quote update executed on a venue. */
  readonly optionQuote = new Channel<OptionQuoteEvent>();
  /** A taker's order filled (part of) a maker's quote. */
  readonly optionFill = new Channel<OptionFill>();
  readonly optionSettled = new Channel<OptionSettlement>();
  /** A cross-rollup exotic's settlement completed (or can no longer complete). */
  readonly exoticSettled = new Channel<ExoticSettlement>();
  /** A maker's delta hedge executed (or failed) on its hedge pool. */
  readonly hedge = new Channel<HedgeEvent>();
  /** A fault began (its machines crashed) / ended (they recovered). */
  readonly faultStarted = new Channel<FaultEpisode>();
  readonly faultEnded = new Channel<FaultEpisode>();
  /** A push oracle's update transaction executed. */
  readonly oracleUpdated = new Channel<OracleUpdate>();
  /** A liquidation executed on a lending market. */
  readonly liquidation = new Channel<LiquidationEvent>();
}

export interface PriceTick {
  readonly asset: string;
  readonly atUs: Micros;
  readonly price: number;
}

export interface HedgeEvent {
  readonly maker: string;
  readonly atUs: Micros;
  readonly ok: boolean;
  /** Base units bought (+) or sold (−). */
  readonly base: number;
  /** Reference price when the hedge was decided. */
  readonly refUsd: number;
  /** Cost against that price, USD (positive = paid): the hedge's cash flow is −base·refUsd − costUsd. */
  readonly costUsd: number;
  /** From the first unhedged fill to this execution (0 for a hedge in its fill's bundle). */
  readonly lagUs: Micros;
  /** Executed in its fill's atomic bundle (options/fillHedge.ts), not sent after the fill. */
  readonly atomic: boolean;
  /** Margin its positions need after this hedge, USD: with one account netting every rollup, and with each rollup margined alone. */
  readonly pooledMarginUsd: number;
  readonly siloedMarginUsd: number;
}
