// A transaction's lifecycle, shared by every sequencing mode. Times are µs; a field stays
// undefined until the transaction reaches that stage. Rows for the `txs` table are written
// once a transaction is terminal (or still pending at the horizon).
import type { Micros } from '../engine/time.ts';

export type TxStatus = 'pending' | 'included' | 'dropped' | 'censored' | 'reverted' | 'expired';

/** What a transaction does when a rollup block executes it. */
export interface TxAction {
  /** Runs against the rollup's state at `nowUs`; returns null on success or the reason it reverted. */
  execute(tx: Tx, nowUs: Micros): string | null;
}

export interface Tx {
  readonly id: number;
  /** Index of the rollup the transaction targets. */
  readonly rollup: number;
  /** The agent or user population that sent it. */
  readonly sender: string;
  readonly submitUs: Micros;
  /** Plain transfers have none; swaps and arbitrage carry their logic here. */
  readonly action?: TxAction;
  arriveUs?: Micros;
  includeUs?: Micros;
  block?: number;
  position?: number;
  status: TxStatus;
  reason?: string;
}

export function newTx(id: number, rollup: number, sender: string, submitUs: Micros, action?: TxAction): Tx {
  return { id, rollup, sender, submitUs, action, status: 'pending' };
}
