// A CEX-DEX arbitrageur: watches the reference price and the pools it trades, and when a pool is
// off the reference by more than fee and gas, sends an arbitrage (see ArbitrageAction for how it
// is sized at execution). It keeps at most one transaction in flight per pool — it knows its own
// pending orders — and looks again on every price tick and after every block of its rollup.
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import { newTx } from '../tx.ts';
import { optimalArbitrage } from '../market/amm.ts';
import type { MarketPool } from '../market/marketPool.ts';
import { ArbitrageAction, seeState } from '../market/swap.ts';
import type { Rollup } from '../rollup.ts';
import type { Submitter } from './submitter.ts';
import type { Tx } from '../tx.ts';

export interface ArbitrageurParams {
  name: string;
  minProfitUsd: number;
  gasUsd: number;
}

export class Arbitrageur {
  /** In-flight transaction per watched pool (index into `markets`), or null. */
  private readonly inFlight: (Tx | null)[];
  private readonly ids: IdSpace;

  constructor(
    private readonly sim: Simulation,
    private readonly rollup: Rollup,
    private readonly markets: readonly MarketPool[],
    private readonly params: ArbitrageurParams,
    private readonly submitter: Submitter,
    idLabel: string,
  ) {
    this.ids = sim.ids(idLabel);
    this.inFlight = markets.map(() => null);
    markets.forEach((m, i) => m.feed.subscribe(() => this.look(i)));
    rollup.onBlock(() => markets.forEach((_, i) => this.look(i)));
  }

  private look(i: number): void {
    const pending = this.inFlight[i];
    if (pending !== null) {
      if (pending.status === 'pending') return;
      this.inFlight[i] = null;
    }
    const market = this.markets[i];
    const trade = optimalArbitrage(market.pool, market.feed.price);
    if (trade === null || trade.profit - this.params.gasUsd < this.params.minProfitUsd) return;
    const action = new ArbitrageAction(market, this.params.name, trade.side, this.params.minProfitUsd, this.params.gasUsd, seeState(market, this.sim.now));
    const tx = newTx(this.ids.next(), this.rollup.params.index, this.params.name, this.sim.now, action);
    tx.gasUsd = this.params.gasUsd;
    this.inFlight[i] = tx;
    this.submitter.submit(tx);
  }
}
