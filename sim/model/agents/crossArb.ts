// A cross-rollup arbitrageur: the same asset trades in a pool on each of two rollups; when one is
// cheaper than the other by more than both fees and gas, it buys on the cheap rollup and sells on
// the rich one. How its two legs travel is its router's business (chosen by what the sequencers
// can do): one atomic bundle when one shared set orders both rollups — both legs or none — or two
// independent legs otherwise (inventory on both rollups, or the second leg after a bridge
// crossing), where one leg can execute while the other fails: the exposure atomicity removes.
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import type { KeyedRng } from '../../engine/rng.ts';
import { newTx, type Tx, type TxAction } from '../tx.ts';
import { feeFraction, quoteExactIn, swapExactIn, type Side } from '../market/amm.ts';
import type { MarketPool } from '../market/marketPool.ts';
import { beforeSwap, reportSwap, seeState } from '../market/swap.ts';
import { Bundle, LegAction, type CrossRollupRouter } from '../crossrollup.ts';
import type { Rollup } from '../rollup.ts';
import type { ModelEvents } from '../events.ts';

/** One leg: an exact-in swap with a minimum output; `check` quotes it exactly as `execute` will run it. */
class ArbLeg implements TxAction {
  constructor(
    private readonly market: MarketPool,
    private readonly agent: string,
    private readonly side: Side,
    private readonly amountIn: number,
    private readonly minOut: number,
  ) {}

  check(): string | null {
    // The AMM's own plan, rounding included: a leg that checks ok executes ok (atomic bundles rely on it).
    const out = quoteExactIn(this.market.pool, this.side, this.amountIn);
    if (Number.isNaN(out)) return 'invalid-amount';
    return out >= this.minOut ? null : 'slippage-limit';
  }

  execute(tx: Tx, nowUs: Micros): string | null {
    const seen = seeState(this.market, nowUs);
    const before = beforeSwap(this.market);
    const result = swapExactIn(this.market.pool, this.side, this.amountIn, this.minOut);
    reportSwap(this.market, before, { agentKind: 'searcher', agent: this.agent, gasUsd: 0 }, tx, nowUs, seen, this.side, 'in', result);
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
  /** Leg failures on this rollup, keyed to (bundle, leg). */
  failures: KeyedRng;
}

export class CrossRollupArbitrageur {
  /** The intent in flight, if any: one at a time, until every leg settled or was abandoned. */
  private inFlight: Bundle | null = null;
  private readonly txIds: IdSpace;
  private readonly bundleIds: IdSpace;
  /**
   * Both pools' reserves (base, quote of each) when a look last found nothing that pays. A look
   * reads nothing but these reserves, so until one of the pools trades, looking again (on every
   * price tick, on every block of either rollup) would find nothing again.
   */
  private readonly idleAt = new Float64Array(4).fill(NaN);

  constructor(
    private readonly sim: Simulation,
    private readonly venues: readonly [ArbVenue, ArbVenue],
    private readonly params: CrossArbParams,
    private readonly router: CrossRollupRouter,
    private readonly events: ModelEvents,
    idLabel: string,
  ) {
    this.txIds = sim.ids(idLabel);
    this.bundleIds = sim.ids(`${idLabel}/bundles`);
    venues[0].market.feed.subscribe(this.look);
    for (const v of venues) v.rollup.onBlock(this.look);
  }

  private look = (): void => {
    if (this.inFlight !== null && !this.inFlight.closed) return;
    this.inFlight = null;
    const a = this.venues[0];
    const b = this.venues[1];
    const pa = a.market.pool;
    const pb = b.market.pool;
    const idle = this.idleAt;
    if (pa.reserveBase === idle[0] && pa.reserveQuote === idle[1] && pb.reserveBase === idle[2] && pb.reserveQuote === idle[3]) return;
    const aCheaper = pa.reserveQuote / pa.reserveBase < pb.reserveQuote / pb.reserveBase;
    const cheap = aCheaper ? a : b;
    const rich = aCheaper ? b : a;
    const best = bestSize(cheap.market, rich.market);
    if (!best || best.profit - 2 * this.params.gasUsd < this.params.minProfitUsd) {
      idle[0] = pa.reserveBase;
      idle[1] = pa.reserveQuote;
      idle[2] = pb.reserveBase;
      idle[3] = pb.reserveQuote;
      return;
    }
    const tol = this.params.tolerance;
    const bundle = new Bundle(this.bundleIds.next(), this.params.name, this.sim.now, this.events);
    this.addLeg(bundle, cheap, new ArbLeg(cheap.market, this.params.name, 'buy', best.quoteIn, best.baseOut * (1 - tol)));
    this.addLeg(bundle, rich, new ArbLeg(rich.market, this.params.name, 'sell', best.baseOut, best.quoteOut * (1 - tol)));
    this.inFlight = bundle;
    this.router.send(bundle);
  };

  private addLeg(bundle: Bundle, v: ArbVenue, action: ArbLeg): void {
    const tx = newTx(this.txIds.next(), v.rollup.params.index, this.params.name, this.sim.now, new LegAction(v.failureProb, v.failures, action));
    tx.gasUsd = this.params.gasUsd;
    bundle.add(tx);
  }
}

/**
 * The quote input that maximizes buy-on-cheap-then-sell-on-rich profit, in closed form. Both
 * legs are Möbius maps of their input, and so is their composition:
 *   out(q) = αq / (β + δq),  α = γ_c γ_r B_c Q_r,  β = Q_c B_r,  δ = γ_c (B_r + γ_r B_c)
 * (B, Q the base and quote reserves, γ = 1 − fee, c cheap, r rich). profit(q) = out(q) − q is
 * concave, with its maximum where αβ/(β + δq)² = 1: q* = (√(αβ) − β)/δ, positive iff α > β. The
 * outputs are then the AMM's own quotes (rounding included). Null when nothing pays.
 */
export function bestSize(cheap: MarketPool, rich: MarketPool): { quoteIn: number; baseOut: number; quoteOut: number; profit: number } | null {
  const gc = 1 - feeFraction(cheap.pool.feeBps);
  const gr = 1 - feeFraction(rich.pool.feeBps);
  const bc = cheap.pool.reserveBase;
  const qc = cheap.pool.reserveQuote;
  const br = rich.pool.reserveBase;
  const qr = rich.pool.reserveQuote;
  const alpha = gc * gr * bc * qr;
  const beta = qc * br;
  if (!(alpha > beta)) return null;
  const delta = gc * (br + gr * bc);
  // √(αβ) − β = β(√(α/β) − 1): computed as β·(α/β − 1)/(√(α/β) + 1) to keep the small difference exact.
  const ratio = alpha / beta;
  const q = (beta * (ratio - 1)) / (Math.sqrt(ratio) + 1) / delta;
  const baseOut = quoteExactIn(cheap.pool, 'buy', q);
  const quoteOut = quoteExactIn(rich.pool, 'sell', baseOut);
  const profit = quoteOut - q;
  if (!(profit > 0)) return null;
  return { quoteIn: q, baseOut, quoteOut, profit };
}
