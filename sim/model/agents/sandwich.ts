// Sandwiches, as transaction actions and as a searcher that places them.
//
// A sandwich is a position opened around one victim swap: a front-run (same direction, sized by
// the closed form so the victim still meets its minimum output) ordered before the victim, and a
// back-run (selling what the front-run bought) ordered after it. Who places it decides only how
// the legs get their places: a searcher bids for them through the priority fee where the policy
// shows it the victim; an extractive sequencer simply puts them there (extractor.ts).
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import { newTx, type Tx, type TxAction } from '../tx.ts';
import { amountOut, swapExactIn, type Side } from '../market/amm.ts';
import { largestSandwich, optimalSandwich, sandwichProfit } from '../market/mev.ts';
import { beforeSwap, reportSwap, seeState, SwapAction, type AgentKind } from '../market/swap.ts';
import type { PendingView } from '../sequencer/visibility.ts';
import type { Capabilities } from '../sequencer/sequencer.ts';
import type { Submitter } from './submitter.ts';
import { Priority } from '../../engine/simulation.ts';
import type { BuilderBundle } from '../sequencer/pbs.ts';
import type { ModelEvents } from '../events.ts';
import { closePosition, type Position } from './position.ts';

export type { Position } from './position.ts';

/** The front-run: exact-in with a minimum output, so it reverts if the pool moved against it. */
export class FrontRunAction implements TxAction {
  constructor(
    readonly p: Position,
    private readonly agentKind: AgentKind,
    /** Sequencer-placed fronts size themselves at execution against the victim's limit. */
    private readonly sizeAtExecution: { victimIn: number; victimMinOut: number } | null,
    readonly minOut: number,
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
    const before = beforeSwap(p.market);
    const result = swapExactIn(pool, p.side, p.frontIn, this.minOut);
    reportSwap(p.market, before, { agentKind: this.agentKind, agent: p.searcher, gasUsd: 0 }, tx, nowUs, seen, p.side, 'in', result);
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
    private readonly events: ModelEvents,
  ) {}

  execute(tx: Tx, nowUs: Micros): string | null {
    const { p } = this;
    if (p.frontOut === undefined) {
      closePosition(p, nowUs, this.events);
      return 'no-position';
    }
    const back: Side = p.side === 'buy' ? 'sell' : 'buy';
    const seen = seeState(p.market, nowUs);
    const before = beforeSwap(p.market);
    const result = swapExactIn(p.market.pool, back, p.frontOut, 0);
    reportSwap(p.market, before, { agentKind: this.agentKind, agent: p.searcher, gasUsd: 0 }, tx, nowUs, seen, back, 'in', result);
    if (result.ok) p.backOut = result.amountOut;
    else p.failure ??= `back-${result.reason}`;
    closePosition(p, nowUs, this.events);
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
 * A sandwich searcher on one rollup. It sees only what the sequencer shows, and front-runs only
 * where the sequencer's capabilities make it possible: contents visible before ordering and an
 * order set by bids (a public priority mempool), or sealed bundles to block builders (PBS). Under
 * private FCFS it sees nothing; under encryption only envelopes; under fair ordering contents,
 * but its front-run would be ordered after the victim, so it does not try. On a visible exact-in
 * victim it sizes the largest front-run the victim's limit allows, and bids.
 * Seeing a rival's front-run for the same victim bid at least as high, it raises by one
 * increment while that still pays: a priority gas auction, first price, the sequencer keeps fees.
 */
export class SandwichSearcher {
  private readonly open = new Map<number, Position>(); // by victim tx id
  private readonly ids: IdSpace;
  private positions = 0;
  /** Front-running pays: visible contents and bid-ordered blocks, or builders to bribe. */
  private readonly canFrontRun: boolean;

  constructor(
    private readonly sim: Simulation,
    private readonly params: SandwichParams,
    private readonly capabilities: Capabilities,
    private readonly submitter: Submitter,
    private readonly events: ModelEvents,
    idLabel: string,
  ) {
    this.ids = sim.ids(idLabel);
    this.canFrontRun = capabilities.builders !== undefined || (capabilities.contentsBeforeOrdering && capabilities.ordersByFee);
  }

  pending = (view: PendingView): void => {
    const tx = view.tx;
    if (!tx || !this.canFrontRun) return;
    const action = tx.action;
    if (action instanceof FrontRunAction) return this.rivalBid(tx);
    if (!(action instanceof SwapAction) || action.exact !== 'in') return;
    this.consider(tx, action);
  };

  private consider(victim: Tx, action: SwapAction): void {
    const market = action.market;
    const ref = market.feed.price;
    const gasIn = action.side === 'buy' ? 2 * this.params.gasUsd : (2 * this.params.gasUsd) / ref;
    const largest = largestSandwich(market.pool, action.side, action.amount, action.limit, gasIn);
    if (!largest) return;
    // Capital limits the front-run: a smaller one is still feasible (the victim's output only rises), and pays less.
    const capitalIn = action.side === 'buy' ? this.params.capitalUsd : this.params.capitalUsd / ref;
    const frontIn = Math.min(largest.frontIn, capitalIn);
    const legs = frontIn < largest.frontIn ? sandwichProfit(market.pool, action.side, frontIn, action.amount) : largest;
    const frontOut = legs.frontOut;
    const net = legs.grossProfit - gasIn;
    const value = action.side === 'buy' ? net : net * ref; // USD
    if (!(value > this.params.minProfitUsd)) return;
    const p: Position = {
      id: this.positions++,
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
    if (this.capabilities.builders) return this.sendBundle(p, value * this.params.bidFraction, minOut);
    this.placeFront(p, value * this.params.bidFraction, minOut);
    p.back = this.tx(new BackRunAction(p, 'searcher', this.events), 0);
    this.submitter.submit(p.back);
    this.open.set(victim.id, p);
    p.onClose = () => this.open.delete(victim.id);
  }

  /**
   * PBS: a sealed bundle [front-run, victim, back-run] with a payment to the builders, who put the
   * best-paying one for each victim in their blocks. No public bidding war: losing bundles never
   * reach the chain and cost nothing.
   */
  private sendBundle(p: Position, paymentUsd: number, minOut: number): void {
    const now = this.sim.now;
    p.front = this.tx(new FrontRunAction(p, 'searcher', null, minOut), paymentUsd);
    p.back = this.tx(new BackRunAction(p, 'searcher', this.events), 0);
    this.submitter.record(p.front);
    this.submitter.record(p.back);
    const settled = (included: boolean) => {
      if (included) return;
      for (const tx of [p.front!, p.back!]) {
        tx.status = 'dropped';
        tx.reason = 'lost-auction';
        this.events.txDropped.emit(tx);
      }
      p.failure = 'lost-auction';
      p.gasPerTxUsd = 0;
      closePosition(p, this.sim.now, this.events);
    };
    const bundle = { victim: p.victim, txs: [p.front, p.victim, p.back], paymentUsd, searcher: this.params.name, settled };
    this.sim.after(this.submitter.delay(), Priority.arrival, (b: BuilderBundle) => {
      for (const tx of [p.front!, p.back!]) tx.arriveUs = this.sim.now;
      this.capabilities.builders!.receive(b);
    }, bundle);
  }

  private placeFront(p: Position, bidUsd: number, minOut: number): void {
    p.front = this.tx(new FrontRunAction(p, 'searcher', null, minOut), bidUsd);
    this.submitter.submit(p.front);
  }

  private tx(action: TxAction, feeUsd: number): Tx {
    const tx = newTx(this.ids.next(), this.submitter.rollup, this.params.name, this.sim.now, action, feeUsd);
    tx.gasUsd = this.params.gasUsd;
    return tx;
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
    this.events.txDropped.emit(old);
    this.placeFront(mine, next, (old.action as FrontRunAction).minOut);
  }
}
