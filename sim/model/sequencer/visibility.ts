// What each participant can see of pending transactions, and when — defined by the ordering
// policy, enforced here, and the only way agents learn about others' transactions:
//   fcfs      — a private mempool: nobody outside the sequencer sees anything (Arbitrum-style).
//   priority  — a public mempool: contents visible on arrival at the sequencer (gas auction).
//   pbs       — a public mempool too; bundles go privately to builders, who see only those sent
//               to them (pbs.ts), and the proposer sees only builders' bids.
//   fair      — contents gossiped on arrival, but order is fixed by median receive time, so a
//               transaction sent after seeing another is ordered after it: back-runs only.
//   encrypted — an envelope (id, rollup, arrival) on arrival; contents only once the order is
//               fixed (the leader's commitment), so nobody can front-run; back-running remains.
// The sequencer operator itself sees everything (that is what makes an extractive one dangerous).
import type { Micros } from '../../engine/time.ts';
import type { Tx } from '../tx.ts';
import type { Policy } from './pending.ts';
import type { Capabilities } from './sequencer.ts';
import type { BuilderMarket } from './pbs.ts';

export interface PendingView {
  readonly txId: number;
  readonly rollup: number;
  readonly arriveUs: Micros;
  /** The transaction itself, when its contents are visible; undefined for a sealed envelope. */
  readonly tx?: Tx;
}

export interface MempoolObserver {
  /** A transaction reached the sequencer (contents only if the policy shows them). */
  pending?(view: PendingView, nowUs: Micros): void;
  /** Contents of transactions whose order was just fixed (encrypted mempool reveal). */
  revealed?(txs: readonly Tx[], nowUs: Micros): void;
}

export function showsContentsOnArrival(policy: Policy): boolean {
  return policy === 'priority' || policy === 'fair' || policy === 'pbs';
}

/** What a policy lets outsiders do: the one place its name is read. */
export function policyCapabilities(policy: Policy, builders?: BuilderMarket): Capabilities {
  return { contentsBeforeOrdering: showsContentsOnArrival(policy), ordersByFee: policy === 'priority' || policy === 'pbs', builders: policy === 'pbs' ? builders : undefined };
}

export class Mempool {
  private readonly subscriptions: { observer: MempoolObserver; rollup?: number }[] = [];
  /** By rollup, in subscription order: the observers that hear its arrivals (its own and those of every rollup). */
  private readonly hearers = new Map<number, MempoolObserver[]>();

  constructor(readonly policy: Policy) {}

  /**
   * `rollup`: the observer hears only that rollup's transactions. A shared set's mempool holds
   * every member rollup's, so an agent of one rollup that filtered them itself would cost each
   * arrival a call per agent of every rollup: quadratic in the rollups.
   */
  subscribe(observer: MempoolObserver, rollup?: number): void {
    this.subscriptions.push({ observer, rollup });
    this.hearers.clear();
  }

  arrived(tx: Tx, nowUs: Micros): void {
    if (this.policy === 'fcfs' || this.subscriptions.length === 0) return;
    const view: PendingView = showsContentsOnArrival(this.policy)
      ? { txId: tx.id, rollup: tx.rollup, arriveUs: nowUs, tx }
      : { txId: tx.id, rollup: tx.rollup, arriveUs: nowUs };
    for (const o of this.hearersOf(tx.rollup)) o.pending?.(view, nowUs);
  }

  /** The order of these transactions is now fixed (a block cut or a slot proposed). */
  ordered(txs: readonly Tx[], nowUs: Micros): void {
    if (this.policy !== 'encrypted' || txs.length === 0) return;
    const rollups = new Set(txs.map((tx) => tx.rollup));
    for (const s of this.subscriptions) if (s.rollup === undefined || rollups.has(s.rollup)) s.observer.revealed?.(txs, nowUs);
  }

  private hearersOf(rollup: number): MempoolObserver[] {
    let hs = this.hearers.get(rollup);
    if (!hs) {
      hs = this.subscriptions.filter((s) => s.rollup === undefined || s.rollup === rollup).map((s) => s.observer);
      this.hearers.set(rollup, hs);
    }
    return hs;
  }
}
