// A cross-rollup arbitrageur: the same asset trades in a pool on each of two rollups; when one is
// cheaper than the other by more than both fees and gas, it buys on the cheap rollup and sells on
// the rich one. How its two legs travel is its router's business (built per mode): one atomic
// bundle under shared sequencing — both legs or none — or two independent legs under centralized
// sequencing (inventory on both rollups, or the second leg after a bridge crossing), where one leg
// can execute while the other fails: the exposure atomicity removes.
import type { Simulation } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import type { Rng } from '../../engine/rng.ts';
import { newTx, type Tx, type TxAction } from '../tx.ts';
import { amountOut, swapExactIn, type Side } from '../market/amm.ts';
import type { MarketPool } from '../market/marketPool.ts';
import { seeState, type TradeObserver } from '../market/swap.ts';
import { LegAction, type CrossRollupRouter } from '../crossrollup.ts';
import type { IntentRecorder } from '../../metrics/intents.ts';
import type { Rollup } from '../rollup.ts';

/** One leg: an exact-in swap with a minimum output; `check` quotes it without touching the pool. */
class ArbLeg implements TxAction {
  constructor(
    private readonly market: MarketPool,
    private readonly agent: string,
    private readonly side: Side,
    private readonly amountIn: number,
    private readonly minOut: number,
    private readonly observer: TradeObserver,
  ) {}

  check(): string | null {
    const { pool } = this.market;
    const [rIn, rOut] = this.side === 'buy' ? [pool.reserveQuote, pool.reserveBase] : [pool.reserveBase, pool.reserveQuote];
    return amountOut(this.amountIn, rIn, rOut, pool.feeBps) >= this.minOut ? null : 'slippage-limit';
  }

  execute(tx: Tx, nowUs: Micros): string | null {
    const seen = seeState(this.market, nowUs);
    const ref = this.market.feed.price;
    const result = swapExactIn(this.market.pool, this.side, this.amountIn, this.minOut);
    this.observer.trade({ market: this.market, agentKind: 'searcher', agent: this.agent, tx, executedUs: nowUs, seen, side: this.side, exact: 'in', result, midBefore: seen.reserveQuote / seen.reserveBase, refExecuted: ref, poolValueUsd: seen.reserveBase * ref + seen.reserveQuote, gasUsd: 0 });
    return result.ok ? null : result.reason;
  }
}

export interface CrossArbParams {
  name: string;
  minProfitUsd: number;
  gasUsd: number;
  /** Slippage tolerance of each leg, as a fraction. */
  tolerance: number;
}

export interface ArbVenue {
  market: MarketPool;
  rollup: Rollup;
  failureProb: number;
  failures: Rng;
}

export class CrossRollupArbitrageur {
  /** The intent in flight, if any: one at a time, until every leg settled or was abandoned. */
  private inFlight: number | null = null;

  constructor(
    private readonly sim: Simulation,
    private readonly venues: readonly [ArbVenue, ArbVenue],
    private readonly params: CrossArbParams,
    private readonly router: CrossRollupRouter,
    private readonly observer: TradeObserver,
    private readonly intents: IntentRecorder,
  ) {
    venues[0].market.feed.subscribe(this.look);
    for (const v of venues) v.rollup.onBlock(this.look);
  }

  private look = (): void => {
    if (this.inFlight !== null && this.intents.isOpen(this.inFlight)) return;
    this.inFlight = null;
    const [a, b] = this.venues;
    const midA = a.market.pool.reserveQuote / a.market.pool.reserveBase;
    const midB = b.market.pool.reserveQuote / b.market.pool.reserveBase;
    const [cheap, rich] = midA < midB ? [a, b] : [b, a];
    const best = bestSize(cheap.market, rich.market);
    if (!best || best.profit - 2 * this.params.gasUsd < this.params.minProfitUsd) return;
    const tol = this.params.tolerance;
    const id = this.sim.nextId('bundle');
    const leg = (v: ArbVenue, action: ArbLeg) => {
      const tx = newTx(this.sim.nextId('tx'), v.rollup.params.index, this.params.name, this.sim.now, new LegAction(v.failureProb, v.failures, action));
      tx.bundleId = id;
      return tx;
    };
    const legs = [
      leg(cheap, new ArbLeg(cheap.market, this.params.name, 'buy', best.quoteIn, best.baseOut * (1 - tol), this.observer)),
      leg(rich, new ArbLeg(rich.market, this.params.name, 'sell', best.baseOut, best.quoteOut * (1 - tol), this.observer)),
    ];
    this.inFlight = id;
    const bundle = { id, legs };
    this.intents.submitted(bundle);
    this.router.send(bundle);
  };
}

/** The quote input that maximizes buy-on-cheap-then-sell-on-rich profit (golden section; concave). */
export function bestSize(cheap: MarketPool, rich: MarketPool): { quoteIn: number; baseOut: number; quoteOut: number; profit: number } | null {
  const out = (q: number) => {
    const base = amountOut(q, cheap.pool.reserveQuote, cheap.pool.reserveBase, cheap.pool.feeBps);
    return { base, quote: amountOut(base, rich.pool.reserveBase, rich.pool.reserveQuote, rich.pool.feeBps) };
  };
  const profit = (q: number) => out(q).quote - q;
  let lo = 0;
  let hi = Math.min(cheap.pool.reserveQuote, rich.pool.reserveQuote);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let k = 0; k < 100 && hi - lo > 1e-9 * (1 + hi); k++) {
    const m1 = hi - phi * (hi - lo);
    const m2 = lo + phi * (hi - lo);
    if (profit(m1) < profit(m2)) lo = m1;
    else hi = m2;
  }
  const q = (lo + hi) / 2;
  const p = profit(q);
  if (!(p > 0)) return null;
  const o = out(q);
  return { quoteIn: q, baseOut: o.base, quoteOut: o.quote, profit: p };
}
