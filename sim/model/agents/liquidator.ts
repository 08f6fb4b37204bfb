// A liquidator: after every block of a market's rollup (when a health factor may have changed) it
// reads the market's on-chain state — positions at the oracle's price, never the reference price —
// and sends a liquidation for each position under a health factor of 1 that it has none in flight
// for. Its transactions race other liquidators' through the sequencer: latency under FCFS, the
// priority fee under priority ordering.
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import { newTx, type Tx } from '../tx.ts';
import { LiquidationAction, type LendingMarket } from '../lending/market.ts';
import type { Rollup } from '../rollup.ts';
import type { Submitter } from './submitter.ts';

export interface LiquidatorParams {
  name: string;
  feeUsd: number;
  gasUsd: number;
  minProfitUsd: number;
}

export class Liquidator {
  private readonly ids: IdSpace;

  constructor(
    private readonly sim: Simulation,
    private readonly params: LiquidatorParams,
    watched: readonly { market: LendingMarket; rollup: Rollup; submitter: Submitter }[],
    idLabel: string,
  ) {
    this.ids = sim.ids(idLabel);
    for (const w of watched) {
      const inFlight = new Map<number, Tx>();
      let seen = -1;
      w.rollup.onBlock(() => {
        const now = this.sim.now;
        // The sentinel is public state: while it blocks liquidations, sending one only pays gas.
        if (w.market.sentinel && !w.market.sentinel.allowsLiquidation(now)) {
          seen = -1;
          return;
        }
        // Nothing changed since the last look, and no liquidation of ours settled: nothing new to do.
        if (w.market.version === seen && ![...inFlight.values()].some((tx) => tx.status !== 'pending')) return;
        // A position it passed over (its sale would not pay at the pool's price now) is looked at
        // again after the next block: the pool moves without the market's state changing.
        seen = this.scan(w.market, w.submitter, inFlight) ? w.market.version : -1;
      });
    }
  }

  /** Sends what pays now; false when it passed over a position under 1 that does not pay yet. */
  private scan(market: LendingMarket, submitter: Submitter, inFlight: Map<number, Tx>): boolean {
    for (const [i, tx] of inFlight) if (tx.status !== 'pending') inFlight.delete(i);
    const now = this.sim.now;
    const { name, feeUsd, gasUsd, minProfitUsd } = this.params;
    let complete = true;
    for (let i = 0; i < market.size; i++) {
      if (inFlight.has(i) || !(market.healthFactor(i) < 1)) continue;
      // It simulates first: only a liquidation that would pay now is sent.
      if (typeof market.plan(i, this.params, now) === 'string') {
        complete = false;
        continue;
      }
      const tx = newTx(this.ids.next(), market.params.rollup, name, now, new LiquidationAction(market, i, { name, feeUsd, gasUsd, minProfitUsd }, now), feeUsd);
      tx.gasUsd = gasUsd;
      inFlight.set(i, tx);
      submitter.submit(tx);
    }
    return complete;
  }
}
