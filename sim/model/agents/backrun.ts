// A back-running searcher: it sees a user's swap (where the sequencer shows contents: on arrival in
// a public mempool or under fair ordering, or once the order is fixed under an encrypted mempool)
// and, when that swap will push the pool off the reference price by more than fee and gas, sends
// an arbitrage to land right after it (no bid: arriving after the victim orders it after the
// victim). Back-running does not hurt the victim — it takes what the victim's price impact left
// on the table — so it works under every policy that reveals contents at some point.
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import { newTx, type Tx } from '../tx.ts';
import { backrunAfter } from '../market/mev.ts';
import { ArbitrageAction, seeState, SwapAction } from '../market/swap.ts';
import { closePosition, type Position } from './position.ts';
import type { Submitter } from './submitter.ts';
import type { ModelEvents } from '../events.ts';

export interface BackrunParams {
  name: string;
  gasUsd: number;
  minProfitUsd: number;
}

export class BackrunSearcher {
  private readonly ids: IdSpace;
  private positions = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly params: BackrunParams,
    private readonly submitter: Submitter,
    private readonly events: ModelEvents,
    idLabel: string,
  ) {
    this.ids = sim.ids(idLabel);
  }

  /** A visible user swap: contents on arrival, or revealed once ordered. */
  seen = (victim: Tx): void => {
    const action = victim.action;
    if (!(action instanceof SwapAction) || action.exact !== 'in') return;
    const market = action.market;
    const ref = market.feed.price;
    const trade = backrunAfter(market.pool, action.side, action.amount, ref);
    if (!trade || trade.profit - this.params.gasUsd < this.params.minProfitUsd) return;
    const now = this.sim.now;
    const p: Position = { id: this.positions++, kind: 'backrun', searcher: this.params.name, capturedBy: 'searcher', market, victim, side: trade.side, openedUs: now, frontIn: 0, gasPerTxUsd: this.params.gasUsd, maxBidUsd: 0 };
    // The close hook is written inline: tsx (keepNames) names every closure bound to a name, at a cost per position.
    const arb = new ArbitrageAction(market, this.params.name, trade.side, 0, this.params.gasUsd, seeState(market, now), 'searcher', (profitUsd: number | null, at: Micros) => {
      p.grossUsd = profitUsd ?? 0;
      if (profitUsd === null) p.failure = 'no-opportunity';
      closePosition(p, at, this.events);
    });
    p.back = newTx(this.ids.next(), victim.rollup, this.params.name, now, arb, 0);
    p.back.gasUsd = this.params.gasUsd;
    this.submitter.submit(p.back);
  };
}
