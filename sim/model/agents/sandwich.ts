// Sandwiches, as transaction actions and as a searcher that places them.
//
// A sandwich is a position opened around one victim swap: a front-run (same direction, sized by
// the closed form so the victim still meets its minimum output) ordered before the victim, and a
// back-run (selling what the front-run bought) ordered after it. Who places it decides only how
// the legs get their places: a searcher bids for them through the priority fee where the policy
// shows it the victim; an extractive sequencer simply puts them there (extractor.ts).
import type { Simulation } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import { newTx, type Tx, type TxAction } from '../tx.ts';
import { amountOut, swapExactIn, type Side } from '../market/amm.ts';
import { optimalSandwich, sandwichProfit } from '../market/mev.ts';
import type { MarketPool } from '../market/marketPool.ts';
import { seeState, SwapAction, type AgentKind, type TradeObserver } from '../market/swap.ts';
import type { PendingView } from '../sequencer/visibility.ts';
import type { Submitter } from './submitter.ts';
import { Priority } from '../../engine/simulation.ts';
import type { BuilderBundle, BuilderMarket } from '../sequencer/pbs.ts';

/** One sandwich (or other MEV opportunity) from opening to close; the MEV recorder writes it. */
export interface Position {
  readonly id: number;
  readonly kind: 'sandwich' | 'backrun';
  readonly searcher: string;
  readonly capturedBy: 'searcher' | 'sequencer';
  readonly market: MarketPool;
  readonly victim: Tx;
  readonly side: Side;
  readonly openedUs: Micros;
  front?: Tx;
  back?: Tx;
  /** Front-run size (input token); fixed when placed, or at execution for a sequencer. */
  frontIn: number;
  frontOut?: number;
  backOut?: number;
  /** What the victim would have received with no front-run ahead of it (output token). */
  victimOutWithout?: number;
  /** Gas per transaction of the position, USD (paid whether it succeeds or reverts). */
  gasPerTxUsd: number;
  /** The most the searcher will bid: the opportunity's expected value, USD. */
  maxBidUsd: number;
  failure?: string;
  /** A back-run's profit at the reference price (USD, before gas): set when it executed. */
  grossUsd?: number;
}

export interface PositionSink {
  closed(p: Position, nowUs: Micros): void;
}

/** The front-run: exact-in with a minimum output, so it reverts if the pool moved against it. */
export class FrontRunAction implements TxAction {
  constructor(
    readonly p: Position,
    private readonly agentKind: AgentKind,
    /** Sequencer-placed fronts size themselves at execution against the victim's limit. */
    private readonly sizeAtExecution: { victimIn: number; victimMinOut: number } | null,
    readonly minOut: number,
    private readonly observer: TradeObserver,
  ) {}

  execute(tx: Tx, nowUs: Micros): string | null {
    const { p } = this;
    const { pool } = p.market;
    const [rIn, rOut] = p.side === 'buy' ? [pool.reserveQuote, pool.reserveBase] : [pool.reserveBase, pool.reserveQuote];
    if (this.sizeAtExecution) {
      const plan = optimalSandwich(pool, p.side, this.sizeAtExecution.victimIn, this.sizeAtExecution.victimMinOut, 0);
      if (!plan) return this.fail('no-opportunity');
      p.frontIn = plan.maxFeasible.frontIn;
    }
    const victim = this.p.victim.action;
    if (victim instanceof SwapAction) p.victimOutWithout = amountOut(victim.amount, rIn, rOut, pool.feeBps);
    const seen = seeState(p.market, nowUs);
    const midBefore = seen.reserveQuote / seen.reserveBase;
    const ref = p.market.feed.price;
    const result = swapExactIn(pool, p.side, p.frontIn, this.minOut);
    this.observer.trade({ market: p.market, agentKind: this.agentKind, agent: p.searcher, tx, executedUs: nowUs, seen, side: p.side, exact: 'in', result, midBefore, refExecuted: ref, poolValueUsd: seen.reserveBase * ref + seen.reserveQuote, gasUsd: 0 });
    if (!result.ok) return this.fail(result.reason);
    p.frontOut = result.amountOut;
    return null;
  }

  private fail(reason: string): string {
    // A front-run that ran after another searcher's (outbid) finds the pool moved: it reverts.
    this.p.failure ??= reason === 'slippage-limit' ? 'outbid' : reason;
    return reason;
  }
}

/** The back-run: sells everything the front-run bought, right after the victim. */
export class BackRunAction implements TxAction {
  constructor(
    private readonly p: Position,
    private readonly agentKind: AgentKind,
    private readonly observer: TradeObserver,
    private readonly sink: PositionSink,
  ) {}

  execute(tx: Tx, nowUs: Micros): string | null {
    const { p } = this;
    if (p.frontOut === undefined) {
      this.sink.closed(p, nowUs);
      return 'no-position';
    }
    const back: Side = p.side === 'buy' ? 'sell' : 'buy';
    const seen = seeState(p.market, nowUs);
    const ref = p.market.feed.price;
    const result = swapExactIn(p.market.pool, back, p.frontOut, 0);
    this.observer.trade({ market: p.market, agentKind: this.agentKind, agent: p.searcher, tx, executedUs: nowUs, seen, side: back, exact: 'in', result, midBefore: seen.reserveQuote / seen.reserveBase, refExecuted: ref, poolValueUsd: seen.reserveBase * ref + seen.reserveQuote, gasUsd: 0 });
    if (result.ok) p.backOut = result.amountOut;
    else p.failure ??= `back-${result.reason}`;
    this.sink.closed(p, nowUs);
    return result.ok ? null : result.reason;
  }
}

export interface SandwichParams {
  name: string;
  gasUsd: number;
  minProfitUsd: number;
  /** Opening bid as a fraction of the expected profit (first-price auction through the priority fee). */
  bidFraction: number;
  /** Least raise over a competitor's visible bid (priority gas auction); raises are also at least 12.5%. */
  bidIncrementUsd: number;
  /** Most it can put into one front-run, USD (Infinity: unconstrained). */
  capitalUsd: number;
}

/**
 * A sandwich searcher on one rollup. It sees only what the sequencer's policy shows (a public
 * mempool: priority; nothing under private FCFS; envelopes under encryption; under fair ordering
 * contents, but its front-run would be ordered after the victim, so it does not try). On a
 * visible exact-in victim it sizes the largest front-run the victim's limit allows, and bids.
 * Seeing a rival's front-run for the same victim bid at least as high, it raises by one
 * increment while that still pays: a priority gas auction, first price, the sequencer keeps fees.
 */
export class SandwichSearcher {
  private readonly open = new Map<number, Position>(); // by victim tx id

  constructor(
    private readonly sim: Simulation,
    private readonly markets: ReadonlyMap<string, MarketPool>,
    private readonly params: SandwichParams,
    private readonly policy: string,
    private readonly submitter: Submitter,
    private readonly observer: TradeObserver,
    private readonly sink: PositionSink,
    private readonly dropped: (tx: Tx) => void,
    /** Under PBS bundles go to the builders instead of the public mempool. */
    private readonly builders?: BuilderMarket,
  ) {}

  pending = (view: PendingView): void => {
    const tx = view.tx;
    if (!tx || (this.policy !== 'priority' && this.policy !== 'pbs')) return;
    const action = tx.action;
    if (action instanceof FrontRunAction) return this.rivalBid(tx);
    if (!(action instanceof SwapAction) || action.exact !== 'in') return;
    this.consider(tx, action);
  };

  private consider(victim: Tx, action: SwapAction): void {
    const market = action.market;
    const ref = market.feed.price;
    const toUsd = (x: number) => (action.side === 'buy' ? x : x * ref);
    const gasIn = action.side === 'buy' ? 2 * this.params.gasUsd : (2 * this.params.gasUsd) / ref;
    const plan = optimalSandwich(market.pool, action.side, action.amount, action.limit, gasIn);
    if (!plan) return;
    // Capital limits the front-run: a smaller one is still feasible (the victim's output only rises), and pays less.
    const capitalIn = action.side === 'buy' ? this.params.capitalUsd : this.params.capitalUsd / ref;
    const frontIn = Math.min(plan.maxFeasible.frontIn, capitalIn);
    const legs = frontIn < plan.maxFeasible.frontIn ? sandwichProfit(market.pool, action.side, frontIn, action.amount) : plan.maxFeasible;
    const frontOut = legs.frontOut;
    const value = frontIn < plan.maxFeasible.frontIn ? toUsd(legs.grossProfit - gasIn) : toUsd(plan.maxFeasible.profit);
    if (!(value > this.params.minProfitUsd)) return;
    const p: Position = {
      id: this.sim.nextId('mev'),
      kind: 'sandwich',
      searcher: this.params.name,
      capturedBy: 'searcher',
      market,
      victim,
      side: action.side,
      openedUs: this.sim.now,
      frontIn,
      gasPerTxUsd: this.params.gasUsd,
      maxBidUsd: value,
    };
    // The front-run must not be worse than planned: it reverts if a rival's front-run got there first.
    const minOut = frontOut * (1 - 1e-9);
    if (this.builders) return this.sendBundle(p, value * this.params.bidFraction, minOut);
    this.placeFront(p, value * this.params.bidFraction, minOut);
    p.back = newTx(this.sim.nextId('tx'), victim.rollup, this.params.name, this.sim.now, new BackRunAction(p, 'searcher', this.observer, this.sink), 0);
    this.submitter.submit(p.back);
    this.open.set(victim.id, p);
  }

  /**
   * PBS: a sealed bundle [front-run, victim, back-run] with a payment to the builders, who put the
   * best-paying one for each victim in their blocks. No public bidding war: losing bundles never
   * reach the chain and cost nothing.
   */
  private sendBundle(p: Position, paymentUsd: number, minOut: number): void {
    const now = this.sim.now;
    p.front = newTx(this.sim.nextId('tx'), p.victim.rollup, this.params.name, now, new FrontRunAction(p, 'searcher', null, minOut, this.observer), paymentUsd);
    p.back = newTx(this.sim.nextId('tx'), p.victim.rollup, this.params.name, now, new BackRunAction(p, 'searcher', this.observer, this.sink), 0);
    this.submitter.record(p.front);
    this.submitter.record(p.back);
    const settled = (included: boolean) => {
      if (included) return;
      for (const tx of [p.front!, p.back!]) {
        tx.status = 'dropped';
        tx.reason = 'lost-auction';
        this.dropped(tx);
      }
      p.failure = 'lost-auction';
      p.gasPerTxUsd = 0;
      this.sink.closed(p, this.sim.now);
    };
    const bundle = { victim: p.victim, txs: [p.front, p.victim, p.back], paymentUsd, searcher: this.params.name, settled };
    this.sim.after(this.submitter.delay(), Priority.arrival, (b: BuilderBundle) => {
      for (const tx of [p.front!, p.back!]) tx.arriveUs = this.sim.now;
      this.builders!.receive(b);
    }, bundle);
  }

  private placeFront(p: Position, bidUsd: number, minOut: number): void {
    const action = new FrontRunAction(p, 'searcher', null, minOut, this.observer);
    p.front = newTx(this.sim.nextId('tx'), p.victim.rollup, this.params.name, this.sim.now, action, bidUsd);
    this.submitter.submit(p.front);
  }

  private rivalBid(rival: Tx): void {
    const theirs = (rival.action as FrontRunAction).p;
    const mine = this.open.get(theirs.victim.id);
    if (!mine || !mine.front || rival.sender === this.params.name || mine.front.status !== 'pending') return;
    if (rival.feeUsd < mine.front.feeUsd) return;
    // Replacement needs a real bump (Ethereum clients ask +10% for replace-by-fee): +12.5% or the
    // increment, and at most the opportunity's whole value — the last bid a rational searcher makes.
    const floor = rival.feeUsd + this.params.bidIncrementUsd;
    if (floor > mine.maxBidUsd) return; // no longer pays: let the rival have it
    const next = Math.min(Math.max(floor, rival.feeUsd * 1.125), mine.maxBidUsd);
    // Replace-by-fee: the old front-run is dropped, a new one with the higher bid goes out.
    const old = mine.front;
    old.status = 'dropped';
    old.reason = 'replaced';
    this.dropped(old);
    this.placeFront(mine, next, (old.action as FrontRunAction).minOut);
  }
}
