// An extractive sequencer (a centralized one, or an extractive leader of a shared slot): it sees
// every pending transaction and decides the order, so it needs no bid — it places a sandwich
// around each user swap worth sandwiching, with the same sizing a searcher uses, and keeps the
// whole profit. In a shared set one such leader does this on every rollup of its slot at once.
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import { newTx, type Tx } from '../tx.ts';
import { optimalSandwich } from '../market/mev.ts';
import { SwapAction } from '../market/swap.ts';
import { BackRunAction, FrontRunAction } from './sandwich.ts';
import type { Position } from './position.ts';
import type { ModelEvents } from '../events.ts';

export class Extractor {
  private readonly ids: IdSpace;
  private positions = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly events: ModelEvents,
    idLabel: string,
  ) {
    this.ids = sim.ids(idLabel);
  }

  /** The block with sandwiches inserted around its victims, within the block's capacity. */
  sandwich(block: readonly Tx[], capacity: number, operator: string): Tx[] {
    const out: Tx[] = [];
    let room = capacity - block.length;
    for (const tx of block) {
      const victim = tx.action;
      if (room >= 2 && victim instanceof SwapAction && victim.exact === 'in' && optimalSandwich(victim.market.pool, victim.side, victim.amount, victim.limit, 0)) {
        const now = this.sim.now;
        const p: Position = { id: this.positions++, kind: 'sandwich', searcher: operator, capturedBy: 'sequencer', market: victim.market, victim: tx, side: victim.side, openedUs: now, frontIn: 0, gasPerTxUsd: 0, maxBidUsd: 0 };
        p.front = this.own(tx.rollup, operator, new FrontRunAction(p, 'sequencer', { victimIn: victim.amount, victimMinOut: victim.limit }, 0));
        p.back = this.own(tx.rollup, operator, new BackRunAction(p, 'sequencer', this.events));
        out.push(p.front, tx, p.back);
        room -= 2;
      } else out.push(tx);
    }
    return out;
  }

  private own(rollup: number, operator: string, action: FrontRunAction | BackRunAction): Tx {
    const tx = newTx(this.ids.next(), rollup, operator, this.sim.now, action);
    tx.arriveUs = this.sim.now;
    this.events.txSubmitted.emit(tx);
    return tx;
  }
}
