// What every sequencer offers the rest of the world: it receives transactions (after their
// network delay) and, on its own schedule, orders them into rollup blocks. Others learn about
// pending transactions only through its mempool, as its policy allows (visibility.ts).
import type { Tx } from '../tx.ts';
import type { Mempool } from './visibility.ts';

export interface Sequencer {
  /** A transaction arrives at the sequencer at the current simulated time. A bound function:
   * it is handed to the event queue as a handler. */
  readonly receive: (tx: Tx) => void;
  /** What outsiders may see of pending transactions. */
  readonly mempool: Mempool;
  /** Transactions still waiting to be ordered (for end-of-run accounting). */
  pending(): Iterable<Tx>;
}
