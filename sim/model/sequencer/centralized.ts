// One sequencer per rollup, FCFS: blocks are filled in order of arrival at the sequencer, up to
// the rollup's capacity; the rest waits for the next block.
import type { Simulation } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import type { Rng } from '../../engine/rng.ts';
import { invariant } from '../../engine/assert.ts';
import type { Rollup } from '../rollup.ts';
import type { Tx } from '../tx.ts';
import { Fifo } from '../fifo.ts';
import type { Sequencer } from './sequencer.ts';

export class CentralizedSequencer implements Sequencer {
  private readonly queue = new Fifo<Tx>();
  private lastArrivalUs = -Infinity;

  constructor(
    private readonly sim: Simulation,
    private readonly rollup: Rollup,
    /** Draws block intervals when block times are exponential. */
    private readonly blockRng: Rng,
  ) {
    this.scheduleNextBlock();
  }

  receive = (tx: Tx): void => {
    const now = this.sim.now;
    invariant(now >= this.lastArrivalUs, 'FCFS arrivals are in time order', () => `tx ${tx.id} at ${now}`);
    this.lastArrivalUs = now;
    tx.arriveUs = now;
    this.queue.push(tx);
  };

  pending(): Iterable<Tx> {
    return this.queue;
  }

  private produceBlock = (): void => {
    this.rollup.executeBlock(this.queue.take(this.rollup.params.capacity), this.sim.now);
    this.scheduleNextBlock();
  };

  private scheduleNextBlock(): void {
    const { blockTimeUs, blockTimeDist } = this.rollup.params;
    // At least 1 µs: an exponential draw can round to 0, and a block every 0 µs never advances time.
    const interval = blockTimeDist === 'fixed' ? blockTimeUs : Math.max(1, Math.round(this.blockRng.exponential(1 / blockTimeUs)));
    this.sim.after(interval, Priority.block, this.produceBlock);
  }
}
