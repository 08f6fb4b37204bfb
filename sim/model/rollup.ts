// A rollup: a chain that executes the transactions its sequencer ordered, in that order, in
// blocks of bounded capacity. It never sees a transaction that was not ordered.
import type { Tx } from './tx.ts';
import type { Micros } from '../engine/time.ts';
import { Priority, type Simulation } from '../engine/simulation.ts';
import { invariant } from '../engine/assert.ts';
import type { MarketPool } from './market/marketPool.ts';
import type { ModelEvents } from './events.ts';
import type { BlockBackstop } from './sequencer/sequencer.ts';

export interface RollupParams {
  readonly id: string;
  readonly index: number;
  readonly blockTimeUs: Micros;
  readonly blockTimeDist: 'fixed' | 'exponential';
  /** Maximum transactions per block. */
  readonly capacity: number;
}

export type BlockListener = (rollup: Rollup, nowUs: Micros) => void;
/** Reorders a block before it executes (a venue that runs its quote updates first); stable otherwise. */
export type BlockRule = (txs: readonly Tx[]) => readonly Tx[];

export class Rollup {
  /** Number the next block will get. */
  nextBlock = 0;
  /** When its last block executed (0 before the first): how stale its head is, as anyone watching the chain sees. */
  lastBlockUs: Micros = 0;
  /** The rollup's markets, by pool id (insertion order = scenario order). */
  readonly pools = new Map<string, MarketPool>();
  /** Agents that react to new state (arbitrageurs) subscribe here. */
  private readonly blockListeners: BlockListener[] = [];
  /** A reaction event is already scheduled for the current µs. */
  private reactionAtUs = -1;
  /** Applications' rules on the order their transactions execute in within a block. */
  private readonly blockRules: BlockRule[] = [];

  constructor(
    readonly params: RollupParams,
    private readonly sim: Simulation,
    private readonly events: ModelEvents,
  ) {}

  /**
   * Agents' reactions to this rollup's blocks run as their own event in the reaction phase, after
   * every block of the same µs on every rollup has executed (a shared slot's blocks included), so
   * no agent sees one rollup of a slot before the others.
   */
  onBlock(listener: BlockListener): void {
    this.blockListeners.push(listener);
  }

  /** An application's batch rule: it reorders every block of this rollup before it executes. */
  addBlockRule(rule: BlockRule): void {
    this.blockRules.push(rule);
  }

  get id(): string {
    return this.params.id;
  }

  /**
   * Executes one block of ordered transactions at `nowUs`; they become final at `finalUs`.
   * `decided` carries outcomes already settled elsewhere (legs of an atomic bundle: executed or
   * reverted together across rollups before the blocks are written).
   */
  executeBlock(txs: readonly Tx[], nowUs: Micros, finalUs: Micros, sequencer: string, decided?: ReadonlyMap<Tx, string | null>, backstop?: BlockBackstop): void {
    invariant(txs.length <= this.params.capacity, 'block capacity', () => `${this.id} block of ${txs.length} > capacity ${this.params.capacity}`);
    const number = this.nextBlock++;
    this.lastBlockUs = nowUs;
    for (const rule of this.blockRules) txs = rule(txs);
    for (let i = 0; i < txs.length; i++) this.executeTx(txs[i], number, i, nowUs, finalUs, sequencer, decided);
    let count = txs.length;
    if (backstop) {
      // The sequencer's own transactions after the ordered ones, each built on the state the last one left.
      for (let tx; count < this.params.capacity && (tx = backstop.next(this.params.index, nowUs)) !== undefined; count++) this.executeTx(tx, number, count, nowUs, finalUs, sequencer);
    }
    if (this.events.blockExecuted.heard) this.events.blockExecuted.emit({ rollup: this.params.index, number, txCount: count, capacity: this.params.capacity, atUs: nowUs, sequencer });
    if (this.blockListeners.length > 0 && this.reactionAtUs !== nowUs) {
      this.reactionAtUs = nowUs;
      this.sim.at(nowUs, Priority.reaction, this.react);
    }
  }

  private executeTx(tx: Tx, block: number, position: number, nowUs: Micros, finalUs: Micros, sequencer: string, decided?: ReadonlyMap<Tx, string | null>): void {
    invariant(tx.rollup === this.params.index, 'tx executes on its own rollup', () => `tx ${tx.id} for rollup ${tx.rollup} in ${this.id}`);
    invariant(tx.status === 'pending', 'a tx is included once', () => `tx ${tx.id} is ${tx.status}`);
    tx.includeUs = nowUs;
    tx.finalUs = finalUs;
    tx.sequencer = sequencer;
    tx.preconfUs ??= nowUs; // no earlier promise: the block itself is the first confirmation
    tx.block = block;
    tx.position = position;
    const failure = decided?.has(tx) ? decided.get(tx)! : tx.action ? tx.action.execute(tx, nowUs) : null;
    tx.status = failure === null ? 'included' : 'reverted';
    if (failure !== null) tx.reason = failure;
    tx.bundle?.legExecuted(tx);
    this.events.txExecuted.emit(tx);
  }

  private react = (): void => {
    const now = this.sim.now;
    for (const listener of this.blockListeners) listener(this, now);
  };
}
