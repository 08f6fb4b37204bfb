// A transaction's lifecycle, shared by every sequencing mode. Times are µs; a field stays
// undefined until the transaction reaches that stage. Rows for the `txs` table are written
// once a transaction is terminal (or still pending at the horizon).

export type TxStatus = 'pending' | 'included' | 'dropped' | 'censored' | 'reverted' | 'expired';

export interface Tx {
  readonly id: number;
  /** Index of the rollup the transaction targets. */
  readonly rollup: number;
  /** The agent or user population that sent it. */
  readonly sender: string;
  readonly submitUs: number;
  arriveUs?: number;
  includeUs?: number;
  block?: number;
  position?: number;
  status: TxStatus;
}

export function newTx(id: number, rollup: number, sender: string, submitUs: number): Tx {
  return { id, rollup, sender, submitUs, status: 'pending' };
}
