// A rollup: a chain that executes the transactions its sequencer ordered, in that order, in
// blocks of bounded capacity. It never sees a transaction that was not ordered.
import type { Tx } from './tx.ts';
import type { Micros } from '../engine/time.ts';
import { invariant } from '../engine/assert.ts';

export interface RollupParams {
  readonly id: string;
  readonly index: number;
  readonly blockTimeUs: Micros;
  readonly blockTimeDist: 'fixed' | 'exponential';
  /** Maximum transactions per block. */
  readonly capacity: number;
}

/** Receives what happens on rollups, for tables and metrics. */
export interface RollupObserver {
  included(tx: Tx): void;
  block(rollup: Rollup, number: number, txCount: number, nowUs: Micros): void;
}

export class Rollup {
  /** Number the next block will get. */
  nextBlock = 0;

  constructor(readonly params: RollupParams, private readonly observer: RollupObserver) {}

  get id(): string {
    return this.params.id;
  }

  /** Executes one block of ordered transactions at `nowUs`. */
  executeBlock(txs: readonly Tx[], nowUs: Micros): void {
    invariant(txs.length <= this.params.capacity, 'block capacity', () => `${this.id} block of ${txs.length} > capacity ${this.params.capacity}`);
    const number = this.nextBlock++;
    for (let i = 0; i < txs.length; i++) {
      const tx = txs[i];
      invariant(tx.rollup === this.params.index, 'tx executes on its own rollup', () => `tx ${tx.id} for rollup ${tx.rollup} in ${this.id}`);
      invariant(tx.status === 'pending', 'a tx is included once', () => `tx ${tx.id} is ${tx.status}`);
      tx.includeUs = nowUs;
      tx.block = number;
      tx.position = i;
      tx.status = 'included';
      this.observer.included(tx);
    }
    this.observer.block(this, number, txs.length, nowUs);
  }
}
