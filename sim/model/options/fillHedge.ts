// An option fill and its delta hedge on another rollup as one atomic bundle. A maker may offer,
// with its quotes, to hedge each fill of them in the fill's own slot: a `FillHedge`. A taker whose
// order would hit such a quote, and whose sequencing layer executes bundles over the venue's
// rollup and the hedge's atomically (one shared set orders both), sends the two together: leg 0
// its order, fill-or-kill against that maker's quote alone (the leg is that maker's hedge, so no
// other maker's quote may fill it); leg 1 the maker's swap for the delta the fill gives it. Both
// execute in one slot or neither does: a hedge that would fail leaves the option unfilled. When no
// such route exists (independent sequencers), the order goes alone and the maker hedges after
// hearing of the fill, as it always does.
import type { Tx } from '../tx.ts';
import type { CrossRollupRouter } from '../crossrollup.ts';
import type { ModelEvents } from '../events.ts';
import type { TakeOrder } from './venue.ts';

/** A maker's offer to hedge a fill of its quote in the fill's bundle. */
export interface FillHedge {
  readonly maker: string;
  /** The rollup its hedge pool is on. */
  readonly rollup: number;
  /** Its hedge of `order`'s fill, a transaction on `rollup` whose check is exactly what it executes. */
  legFor(order: TakeOrder): Tx;
}

/** A taker's atomic routes for an order and its maker's hedge, by hedge rollup (only rollups other than the venue's). */
export interface FillHedgeRoutes {
  routers: ReadonlyMap<number, CrossRollupRouter>;
  events: ModelEvents;
}
