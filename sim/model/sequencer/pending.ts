// Transactions waiting to be ordered, kept in the order a policy wants them taken:
//   fcfs, encrypted — arrival at the sequencer (encrypted contents do not change the order);
//   priority, pbs   — highest priority fee first, ties by arrival (under PBS, builders then add bundles);
//   fair            — median receive time across the nodes (Aequitas-style fair ordering), ties by arrival.
// `take` hands a block its transactions in that order, up to capacity, skipping (and keeping)
// those the caller refuses (a censoring sequencer), and only those the sequencer has by now.
import type { Micros } from '../../engine/time.ts';
import type { Tx } from '../tx.ts';

export type Policy = 'fcfs' | 'priority' | 'encrypted' | 'fair' | 'pbs';

interface Entry {
  tx: Tx;
  /** Primary sort key, ascending. */
  key: number;
  /** Insertion order: the stable tie-break. */
  seq: number;
  /** Earliest time the sequencer may order it (fair ordering waits for the median node). */
  readyUs: Micros;
}

const before = (a: Entry, b: Entry): boolean => a.key < b.key || (a.key === b.key && a.seq < b.seq);

export class PendingTxs {
  private heap: Entry[] = [];
  private seq = 0;

  constructor(readonly policy: Policy) {}

  get size(): number {
    return this.heap.length;
  }

  /** Adds a transaction that arrived now; `medianReceiveUs` is used by the fair policy only. */
  add(tx: Tx, nowUs: Micros, medianReceiveUs = nowUs): void {
    const key = this.policy === 'priority' || this.policy === 'pbs' ? -tx.feeUsd : this.policy === 'fair' ? medianReceiveUs : nowUs;
    this.push({ tx, key, seq: this.seq++, readyUs: this.policy === 'fair' ? medianReceiveUs : nowUs });
  }

  /**
   * Removes and returns, in policy order, up to `capacity` transactions that are ready by `nowUs`
   * and accepted by `accept`; the others stay, in their places.
   */
  take(capacity: number, nowUs: Micros, accept?: (tx: Tx) => boolean): Tx[] {
    const out: Tx[] = [];
    const keep: Entry[] = [];
    while (out.length < capacity && this.heap.length > 0) {
      const e = this.pop();
      if (e.tx.status !== 'pending') continue; // already included another way (forced through L1)
      if (e.readyUs > nowUs) {
        keep.push(e);
        // Fair ordering: a later-keyed entry cannot be ready before this one is (key = readiness).
        if (this.policy === 'fair') break;
        continue;
      }
      if (accept && !accept(e.tx)) keep.push(e);
      else out.push(e.tx);
    }
    for (const e of keep) this.push(e);
    return out;
  }

  /** Puts transactions back (a slot that failed to commit), in their original order positions. */
  restore(txs: readonly Tx[], nowUs: Micros): void {
    // They re-enter with their original keys, so order among everything pending is preserved.
    for (const tx of txs) this.add(tx, tx.arriveUs ?? nowUs, tx.arriveUs ?? nowUs);
  }

  *[Symbol.iterator](): IterableIterator<Tx> {
    for (const e of this.heap) yield e.tx;
  }

  private push(e: Entry): void {
    const h = this.heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(e, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = e;
  }

  private pop(): Entry {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= h.length) break;
        if (c + 1 < h.length && before(h[c + 1], h[c])) c++;
        if (!before(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
