// Noise traders: uninformed swaps of random size and direction, Poisson in time. Each decides from
// what it can see at that moment (the pool after the last executed block), sets its minimum output
// from its slippage tolerance, and sends the swap to the sequencer. Arrivals, sizes and sides draw
// from streams named by rollup and population only, so every mode sees the same order flow.
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import type { Rng } from '../../engine/rng.ts';
import { newTx } from '../tx.ts';
import { amountInFor, amountOut, type Side } from '../market/amm.ts';
import type { MarketPool } from '../market/marketPool.ts';
import { seeState, SwapAction } from '../market/swap.ts';
import type { Submitter } from './submitter.ts';
import { PoissonArrivals } from './poisson.ts';

export interface NoiseParams {
  name: string;
  ratePerSecond: number;
  medianSizeUsd: number;
  sizeSigma: number;
  buyFraction: number;
  slippageBps: number;
  exactOutFraction: number;
}

export class NoiseTraders {
  private readonly ids: IdSpace;

  constructor(
    private readonly sim: Simulation,
    private readonly market: MarketPool,
    private readonly params: NoiseParams,
    arrivals: Rng,
    private readonly orders: Rng,
    private readonly submitter: Submitter,
    idLabel: string,
  ) {
    this.ids = sim.ids(idLabel);
    new PoissonArrivals(sim, params.ratePerSecond, arrivals, this.trade);
  }

  private trade = (): void => {
    // Always three draws per order, in the same order, whatever the pool state: the flow is exogenous.
    const sizeUsd = this.params.medianSizeUsd * Math.exp(this.params.sizeSigma * this.orders.normal());
    const side: Side = this.orders.next() < this.params.buyFraction ? 'buy' : 'sell';
    const exact = this.orders.next() < this.params.exactOutFraction ? 'out' : 'in';
    const seen = seeState(this.market, this.sim.now);
    const { pool } = this.market;
    const mid = seen.reserveQuote / seen.reserveBase;
    const [rIn, rOut] = side === 'buy' ? [pool.reserveQuote, pool.reserveBase] : [pool.reserveBase, pool.reserveQuote];
    const tolerance = this.params.slippageBps / 1e4;
    let action: SwapAction;
    if (exact === 'in') {
      const amountIn = side === 'buy' ? sizeUsd : sizeUsd / mid;
      const minOut = amountOut(amountIn, rIn, rOut, pool.feeBps) * (1 - tolerance);
      action = new SwapAction(this.market, this.params.name, side, 'in', amountIn, minOut, seen, sizeUsd, this.params.slippageBps);
    } else {
      const wanted = side === 'buy' ? sizeUsd / mid : sizeUsd;
      const maxIn = amountInFor(wanted, rIn, rOut, pool.feeBps) * (1 + tolerance);
      action = new SwapAction(this.market, this.params.name, side, 'out', wanted, maxIn, seen, sizeUsd, this.params.slippageBps);
    }
    this.submitter.submit(newTx(this.ids.next(), this.market.rollup, this.params.name, this.sim.now, action));
  };
}
