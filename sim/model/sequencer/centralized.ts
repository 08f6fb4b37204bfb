// One sequencer per rollup. It orders by its policy — FCFS by arrival (and then promises the
// position at once: a pre-confirmation, as Arbitrum's feed does) or by priority fee (the order is
// only known when the block is cut) — fills blocks up to the rollup's capacity, and each block
// becomes final once posted to L1.
import type { Simulation, Timer } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import type { Rng } from '../../engine/rng.ts';
import type { Micros } from '../../engine/time.ts';
import type { Rollup } from '../rollup.ts';
import type { Tx } from '../tx.ts';
import { PendingTxs } from './pending.ts';
import type { Capabilities, Sequencer } from './sequencer.ts';
import { Mempool, policyCapabilities } from './visibility.ts';
import type { Extractor } from '../agents/extractor.ts';
import type { BuilderMarket } from './pbs.ts';

export interface CentralizedParams {
  policy: 'fcfs' | 'priority' | 'pbs';
  l1PostDelayUs: Micros;
  /** Senders this sequencer never orders (censorship). */
  censored: ReadonlySet<string>;
  /** Under PBS: the builders whose best block the sequencer proposes. */
  builders?: BuilderMarket;
  /** Set when the sequencer extracts MEV itself. */
  extractor?: Extractor;
}

export class CentralizedSequencer implements Sequencer {
  private readonly pool: PendingTxs;
  readonly mempool: Mempool;
  readonly capabilities: Capabilities;
  readonly rollups: readonly number[];
  readonly machines = 1;
  /** Faults currently holding it down (it orders nothing while > 0). */
  private crashes = 0;
  /** The next block: cancelled when the sequencer crashes. */
  private nextBlock: Timer | undefined;

  constructor(
    private readonly sim: Simulation,
    private readonly rollup: Rollup,
    private readonly params: CentralizedParams,
    /** Draws block intervals when block times are exponential. */
    private readonly blockRng: Rng,
  ) {
    this.pool = new PendingTxs(params.policy);
    this.mempool = new Mempool(params.policy);
    this.capabilities = policyCapabilities(params.policy, params.builders);
    this.rollups = [rollup.params.index];
    this.scheduleNextBlock();
  }

  receive = (tx: Tx): void => {
    const now = this.sim.now;
    tx.arriveUs = now;
    // FCFS promises the position at once — except to the senders it censors, and not while it is down
    // (the transaction waits for it to come back).
    if (this.params.policy === 'fcfs' && this.crashes === 0 && !this.params.censored.has(tx.sender)) tx.preconfUs = now;
    this.pool.add(tx, now);
    this.mempool.arrived(tx, now);
  };

  pending(): Iterable<Tx> {
    return this.pool;
  }

  crash(k: number): void {
    if (k < 1) return;
    if (this.crashes++ > 0) return;
    this.nextBlock?.cancel();
    this.nextBlock = undefined;
  }

  recover(k: number): void {
    if (k < 1) return;
    if (--this.crashes > 0) return;
    // Back up: the first block comes one block interval later, as at the start of a run.
    this.scheduleNextBlock();
  }

  private produceBlock = (): void => {
    const now = this.sim.now;
    const { censored } = this.params;
    const capacity = this.rollup.params.capacity;
    let block = this.pool.take(capacity, now, censored.size ? (tx) => !censored.has(tx.sender) : undefined);
    if (this.params.builders) block = this.params.builders.build(this.rollup.params.index, block, capacity);
    const extractor = this.params.extractor;
    if (extractor) block = extractor.sandwich(block, capacity, 'central');
    this.mempool.ordered(block, now);
    this.rollup.executeBlock(block, now, now + this.params.l1PostDelayUs, 'central');
    this.scheduleNextBlock();
  };

  private scheduleNextBlock(): void {
    const { blockTimeUs, blockTimeDist } = this.rollup.params;
    // At least 1 µs: an exponential draw can round to 0, and a block every 0 µs never advances time.
    const interval = blockTimeDist === 'fixed' ? blockTimeUs : Math.max(1, Math.round(this.blockRng.exponential(1 / blockTimeUs)));
    this.nextBlock = this.sim.timer(this.sim.now + interval, Priority.sequencing, this.produceBlock);
  }
}
