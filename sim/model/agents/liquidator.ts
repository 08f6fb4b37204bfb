// A liquidator: after every block of a market's rollup (when a health factor may have changed) it
// reads the market's on-chain state — positions at the oracle's price, never the reference price —
// and sends a liquidation for each position under a health factor of 1 that it has none in flight
// for. Its transactions race other liquidators' through the sequencer: latency under FCFS, the
// priority fee under priority ordering. A market whose collateral sits on another rollup takes two
// legs (repay here, seize and sell there): it sends them as one intent through the router the
// sequencing layer gave it — an atomic bundle, or legs over the bridge.
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import { newTx, type Tx } from '../tx.ts';
import { LiquidationAction, RepayLeg, SeizeLeg, type LendingMarket } from '../lending/market.ts';
import { Bundle, type CrossRollupRouter } from '../crossrollup.ts';
import type { ModelEvents } from '../events.ts';
import type { Rollup } from '../rollup.ts';
import type { Submitter } from './submitter.ts';

export interface LiquidatorParams {
  name: string;
  feeUsd: number;
  gasUsd: number;
  minProfitUsd: number;
}

export interface Watched {
  market: LendingMarket;
  rollup: Rollup;
  submitter: Submitter;
  /** Set for a market with collateral on another rollup: how its two-leg liquidations travel. */
  router?: CrossRollupRouter;
}

export class Liquidator {
  private readonly ids: IdSpace;
  private readonly bundleIds: IdSpace;

  constructor(
    private readonly sim: Simulation,
    private readonly params: LiquidatorParams,
    watched: readonly Watched[],
    private readonly events: ModelEvents,
    idLabel: string,
  ) {
    this.ids = sim.ids(idLabel);
    this.bundleIds = sim.ids(`${idLabel}/bundles`);
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
        seen = this.scan(w, inFlight) ? w.market.version : -1;
      });
    }
  }

  /** Sends what pays now; false when it passed over a position under 1 that does not pay yet. */
  private scan(w: Watched, inFlight: Map<number, Tx>): boolean {
    const { market, submitter, router } = w;
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
      const terms = { name, feeUsd, gasUsd, minProfitUsd };
      if (router) {
        // Two legs: the debt leg first (in flight until it executes), the collateral leg after it.
        const repay = new RepayLeg(market, i, terms, now);
        const bundle = new Bundle(this.bundleIds.next(), name, now, this.events);
        const debtTx = newTx(this.ids.next(), market.params.rollup, name, now, repay, feeUsd);
        const seizeTx = newTx(this.ids.next(), market.collateralRollup, name, now, new SeizeLeg(repay), feeUsd);
        for (const leg of [debtTx, seizeTx]) {
          leg.gasUsd = gasUsd;
          bundle.add(leg);
        }
        inFlight.set(i, debtTx);
        router.send(bundle);
        continue;
      }
      const tx = newTx(this.ids.next(), market.params.rollup, name, now, new LiquidationAction(market, i, terms, now), feeUsd);
      tx.gasUsd = gasUsd;
      inFlight.set(i, tx);
      submitter.submit(tx);
    }
    return complete;
  }
}
