// What every sequencer offers the rest of the world: it receives transactions (after their
// network delay) and, on its own schedule, orders them into rollup blocks.
import type { Tx } from '../tx.ts';

export interface Sequencer {
  /** A transaction arrives at the sequencer at the current simulated time. A bound function:
   * it is handed to the event queue as a handler. */
  readonly receive: (tx: Tx) => void;
  /** Transactions still waiting to be ordered (for end-of-run accounting). */
  pending(): Iterable<Tx>;
}
