// Escape hatch: forced inclusion through L1. A transaction still waiting `delayUs` after it was
// submitted (censored, or stuck behind a halted sequencer) is included by the L1 inbox, in a
// rollup block of its own, final at once (it is already on L1). Arbitrum's delayed inbox: 24 h.
// Legs of atomic bundles are never forced one by one: that would break their atomicity.
import type { Simulation } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import type { Rollup } from '../rollup.ts';
import type { Tx } from '../tx.ts';

export class ForcedInclusion {
  constructor(
    private readonly sim: Simulation,
    private readonly rollups: readonly Rollup[],
    private readonly delayUs: Micros,
    private readonly horizonUs: Micros,
  ) {}

  /** Called for every submitted transaction; costs an event only when the delay ends within the run. */
  watch = (tx: Tx): void => {
    if (tx.bundle?.atomic) return;
    if (tx.submitUs + this.delayUs <= this.horizonUs) this.sim.at(tx.submitUs + this.delayUs, Priority.sequencing, this.force, tx);
  };

  private force = (tx: Tx): void => {
    if (tx.status !== 'pending') return;
    const now = this.sim.now;
    this.rollups[tx.rollup].executeBlock([tx], now, now, 'l1');
  };
}
