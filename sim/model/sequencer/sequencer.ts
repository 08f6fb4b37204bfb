// What every sequencer offers the rest of the world: it receives transactions (after their
// network delay) and, on its own schedule, orders them into rollup blocks. Others learn about
// pending transactions only through its mempool, as its policy allows (visibility.ts), and learn
// what they can do with it only from its capabilities — never from the name of its policy.
import type { Tx } from '../tx.ts';
import type { Mempool } from './visibility.ts';
import type { BuilderMarket } from './pbs.ts';
import type { Bundle } from '../crossrollup.ts';
import type { Micros } from '../../engine/time.ts';

export interface Capabilities {
  /** Outsiders see pending transactions' contents before their order is fixed (a public mempool). */
  readonly contentsBeforeOrdering: boolean;
  /** Pending transactions are ordered by priority fee: a higher bid lands first. */
  readonly ordersByFee: boolean;
  /** Sealed bundles can be sent to block builders, who bid for the block (PBS). */
  readonly builders?: BuilderMarket;
}

/**
 * Work a sequencer does itself at the end of each block it makes, after the ordered transactions:
 * asked for one transaction at a time (each sees the state the previous left) until it has none
 * or the block is full. A risk engine's liquidations (lending/riskEngine.ts).
 */
export interface BlockBackstop {
  next(rollup: number, nowUs: Micros): Tx | undefined;
}

export interface Sequencer {
  /** A transaction arrives at the sequencer at the current simulated time. A bound function:
   * it is handed to the event queue as a handler. */
  readonly receive: (tx: Tx) => void;
  /** What outsiders may see of pending transactions. */
  readonly mempool: Mempool;
  readonly capabilities: Capabilities;
  /**
   * Set when the sequencer can execute a cross-rollup bundle atomically (every leg in one slot,
   * all or none) across the rollups it orders: the bundle arrives whole.
   */
  readonly receiveBundle?: (bundle: Bundle) => void;
  /** Indices of the rollups it orders. */
  readonly rollups: readonly number[];
  /** What it appends to the blocks it makes itself (set by the world when it runs a risk engine). */
  backstop: BlockBackstop | undefined;
  /** Transactions still waiting to be ordered (for end-of-run accounting). */
  pending(): Iterable<Tx>;
  /** Machines that can fail: one for a rollup's own sequencer, the nodes of a shared set. */
  readonly machines: number;
  /**
   * Machines 0 … k−1 crash now; `recover(k)` ends one such crash. Crashes are counted per machine,
   * so overlapping faults nest: a machine is back when every fault that took it down has ended.
   */
  crash(k: number): void;
  recover(k: number): void;
  /**
   * From `atUs` it equivocates: a shared set's node `node` signs conflicting proposals whenever it
   * leads (its slots fail, its promises are withdrawn) until slashed `detectionDelayUs` after its
   * first offence; a rollup's own sequencer posts blocks that leave out what its feed pre-confirmed
   * meanwhile (those promises are broken) until it is caught `detectionDelayUs` later and replaced.
   */
  equivocate(atUs: Micros, detectionDelayUs: Micros, node: number, slashFraction: number): void;
  /** Its posting to L1 stalls in [fromUs, untilUs): blocks made then are final no earlier than untilUs + the L1 delay. */
  stallPosting(fromUs: Micros, untilUs: Micros): void;
  /** In [fromUs, untilUs) it leaves these senders' transactions out (a shared set: when one of `nodes` leads; all nodes when absent). */
  censor(fromUs: Micros, untilUs: Micros, senders: ReadonlySet<string>, nodes?: ReadonlySet<number>): void;
}

/** A window of a fault that changes a sequencer's behaviour (not its liveness). */
export interface Window {
  readonly fromUs: Micros;
  readonly untilUs: Micros;
}

/** Final time of a block made at `nowUs` with L1 delay `delayUs`, when posting stalls in the windows. */
export function postingFinalUs(nowUs: Micros, delayUs: Micros, stalls: readonly Window[]): Micros {
  let final = nowUs + delayUs;
  for (const w of stalls) if (nowUs >= w.fromUs && nowUs < w.untilUs) final = Math.max(final, w.untilUs + delayUs);
  return final;
}
