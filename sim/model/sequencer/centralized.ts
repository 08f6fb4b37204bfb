// One sequencer per rollup. It orders by its policy — FCFS by arrival (and then promises the
// position at once: a pre-confirmation, as Arbitrum's feed does) or by priority fee (the order is
// only known when the block is cut) — fills blocks up to the rollup's capacity, and each block
// becomes final once posted to L1. Faults other than crashes change what it does, not whether it
// runs: an equivocating sequencer's posted blocks leave out what its feed pre-confirmed (those
// promises are broken, the transactions wait until it is caught and replaced); a posting stall
// delays finality while blocks and pre-confirmations go on; a censorship window leaves senders out.
import type { Simulation, Timer } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import type { Rng } from '../../engine/rng.ts';
import type { Micros } from '../../engine/time.ts';
import type { Rollup } from '../rollup.ts';
import type { Tx } from '../tx.ts';
import { PendingTxs } from './pending.ts';
import { postingFinalUs, type BlockBackstop, type Capabilities, type Sequencer, type Window } from './sequencer.ts';
import type { ModelEvents } from '../events.ts';
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
  backstop: BlockBackstop | undefined = undefined;
  /** Faults currently holding it down (it orders nothing while > 0). */
  private crashes = 0;
  /** The next block: cancelled when the sequencer crashes. */
  private nextBlock: Timer | undefined;
  /** Equivocation faults in progress: while > 0 its posted blocks leave out what its feed promised. */
  private equivocating = 0;
  /** Promises its feed gave while equivocating, not yet broken by a block that left them out. */
  private falsePromises = new Set<Tx>();
  private readonly stalls: Window[] = [];
  private readonly censorWindows: { fromUs: Micros; untilUs: Micros; senders: ReadonlySet<string> }[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly rollup: Rollup,
    private readonly params: CentralizedParams,
    /** Draws block intervals when block times are exponential. */
    private readonly blockRng: Rng,
    private readonly events?: ModelEvents,
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
    if (this.params.policy === 'fcfs' && this.crashes === 0 && !this.censors(tx, now)) {
      tx.preconfUs = now;
      if (this.equivocating > 0) this.falsePromises.add(tx);
    }
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

  /** Does it leave this sender out now (always, or in a censorship window)? */
  private censors(tx: Tx, now: Micros): boolean {
    if (this.params.censored.has(tx.sender)) return true;
    for (const w of this.censorWindows) if (now >= w.fromUs && now < w.untilUs && w.senders.has(tx.sender)) return true;
    return false;
  }

  equivocate(atUs: Micros, detectionDelayUs: Micros): void {
    this.sim.at(atUs, Priority.world, () => this.equivocating++);
    // Caught: the promises still outstanding are broken, and its replacement orders honestly.
    this.sim.at(atUs + detectionDelayUs, Priority.world, () => {
      for (const tx of this.falsePromises) this.breakPromise(tx, this.sim.now);
      this.falsePromises.clear();
      this.equivocating--;
    });
  }

  stallPosting(fromUs: Micros, untilUs: Micros): void {
    this.stalls.push({ fromUs, untilUs });
  }

  censor(fromUs: Micros, untilUs: Micros, senders: ReadonlySet<string>): void {
    this.censorWindows.push({ fromUs, untilUs, senders });
  }

  private breakPromise(tx: Tx, now: Micros): void {
    if (tx.status !== 'pending' || tx.preconfUs === undefined) return;
    tx.preconfUs = undefined;
    tx.preconfBrokenUs ??= now;
    this.events?.preconfBroken.emit(tx);
  }

  private produceBlock = (): void => {
    const now = this.sim.now;
    const capacity = this.rollup.params.capacity;
    const filtered = this.params.censored.size > 0 || this.censorWindows.length > 0 || this.falsePromises.size > 0;
    let block = this.pool.take(capacity, now, filtered ? (tx) => !this.censors(tx, now) && !this.leftOut(tx, now) : undefined);
    if (this.params.builders) block = this.params.builders.build(this.rollup.params.index, block, capacity);
    const extractor = this.params.extractor;
    if (extractor) block = extractor.sandwich(block, capacity, 'central');
    this.mempool.ordered(block, now);
    this.rollup.executeBlock(block, now, this.stalls.length > 0 ? postingFinalUs(now, this.params.l1PostDelayUs, this.stalls) : now + this.params.l1PostDelayUs, 'central', undefined, this.backstop);
    this.scheduleNextBlock();
  };

  /** An equivocating sequencer's posted block leaves out what its feed promised: the promise is broken here. */
  private leftOut(tx: Tx, now: Micros): boolean {
    if (this.equivocating === 0 || !this.falsePromises.has(tx)) return false;
    this.falsePromises.delete(tx);
    this.breakPromise(tx, now);
    return true;
  }

  private scheduleNextBlock(): void {
    const { blockTimeUs, blockTimeDist } = this.rollup.params;
    // At least 1 µs: an exponential draw can round to 0, and a block every 0 µs never advances time.
    const interval = blockTimeDist === 'fixed' ? blockTimeUs : Math.max(1, Math.round(this.blockRng.exponential(1 / blockTimeUs)));
    this.nextBlock = this.sim.timer(this.sim.now + interval, Priority.sequencing, this.produceBlock);
  }
}
