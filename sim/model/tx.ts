// A transaction's lifecycle, shared by every sequencing mode. Times are µs; a field stays
// undefined until the transaction reaches that stage. Rows for the `txs` table are written
// once a transaction is terminal (or still pending at the horizon).
import type { Micros } from '../engine/time.ts';
import type { Bundle } from './crossrollup.ts';

export type TxStatus = 'pending' | 'included' | 'dropped' | 'censored' | 'reverted' | 'expired';

/** What a transaction does when a rollup block executes it. */
export interface TxAction {
  /** Runs against the rollup's state at `nowUs`; returns null on success or the reason it reverted. */
  execute(tx: Tx, nowUs: Micros): string | null;
  /**
   * Would `execute` succeed now? No side effects on shared state: atomic bundles ask every leg
   * before executing any. Any randomness is drawn here, once, and `execute` honours it.
   */
  check?(tx: Tx, nowUs: Micros): string | null;
}

export interface Tx {
  /** Unique in the run; `source × 2^32 + n` for the n-th transaction of its source (engine IdSpace). */
  readonly id: number;
  /** Index of the rollup the transaction targets. */
  readonly rollup: number;
  /** The agent or user population that sent it. */
  readonly sender: string;
  readonly submitUs: Micros;
  /** Plain transfers have none; swaps and arbitrage carry their logic here. */
  readonly action?: TxAction;
  /** Priority fee offered, USD (orders transactions under the priority policy). */
  readonly feeUsd: number;
  arriveUs?: Micros;
  /** When the sequencer (or the slot leader) promised its position. */
  preconfUs?: Micros;
  /** When a promise it had was first broken (a slot that did not commit, an equivocating sequencer's block that left it out). */
  preconfBrokenUs?: Micros;
  includeUs?: Micros;
  /** When it became final (L1 posting, or commit of the shared set); may lie past the horizon. */
  finalUs?: Micros;
  /** Which sequencer ordered it: "central", "node-<i>" (the slot leader), "fallback" or "l1" (forced inclusion). */
  sequencer?: string;
  /** The cross-rollup intent (bundle) this transaction is a leg of. */
  bundle?: Bundle;
  /** Gas the sender pays when a block executes it (included or reverted), USD. */
  gasUsd?: number;
  block?: number;
  position?: number;
  status: TxStatus;
  reason?: string;
}

export function newTx(id: number, rollup: number, sender: string, submitUs: Micros, action?: TxAction, feeUsd = 0): Tx {
  // Every field is present from the start (undefined until its stage), so all transactions share
  // one hidden class: the sequencers and recorders that read millions of them stay monomorphic,
  // and filling a field later allocates nothing.
  return {
    id, rollup, sender, submitUs, action, feeUsd,
    arriveUs: undefined, preconfUs: undefined, preconfBrokenUs: undefined, includeUs: undefined, finalUs: undefined, sequencer: undefined,
    bundle: undefined, gasUsd: undefined, block: undefined, position: undefined,
    status: 'pending', reason: undefined,
  };
}
