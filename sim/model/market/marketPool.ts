// A constant-product pool placed in the world: on a rollup, trading one asset against USD, with
// the reference feed of that asset for valuation.
import type { Pool } from './amm.ts';
import type { ReferenceFeed } from './feed.ts';

export interface MarketPool {
  readonly id: string;
  /** Position among all pools of the world (scenario order), for per-pool bookkeeping. */
  readonly index: number;
  /** Index of the rollup it lives on. */
  readonly rollup: number;
  readonly feed: ReferenceFeed;
  readonly pool: Pool;
  /** Successful swaps executed so far: a trader's view of the pool is "after swap number n". */
  swapCount: number;
  /** Reserves at creation, for the conservation check. */
  readonly initialBase: number;
  readonly initialQuote: number;
}
