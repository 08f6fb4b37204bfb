// A constant-product pool placed in the world: on a rollup, trading one asset against USD, with
// the reference feed of that asset for valuation. It counts its successful swaps — a trader's view
// of the pool is "after swap number n" — and reports every executed attempt as a domain event.
import type { Pool } from './amm.ts';
import type { ReferenceFeed } from './feed.ts';
import type { ModelEvents } from '../events.ts';
import type { TradeRecord } from './swap.ts';

export class MarketPool {
  /** Successful swaps executed so far. */
  swapCount = 0;
  /** Reserves at creation, for the conservation check. */
  readonly initialBase: number;
  readonly initialQuote: number;

  constructor(
    readonly id: string,
    /** Position among all pools of the world (scenario order), for per-pool bookkeeping. */
    readonly index: number,
    /** Index of the rollup it lives on. */
    readonly rollup: number,
    readonly feed: ReferenceFeed,
    readonly pool: Pool,
    private readonly events: ModelEvents,
  ) {
    this.initialBase = pool.reserveBase;
    this.initialQuote = pool.reserveQuote;
  }

  /** A swap attempt just executed against this pool (the caller already applied it). */
  executed(record: TradeRecord): void {
    if (record.result.ok) this.swapCount++;
    this.events.swap.emit(record);
  }
}
