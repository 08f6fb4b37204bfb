// The sequencer-uptime sentinel (Aave's PriceOracleSentinel reading a Chainlink L2 sequencer
// uptime feed): liquidations are allowed only while the sequencer is up and a grace period has
// passed since it came back, so that users can repair positions first. The feed is written by L1
// messages, which the rollup's derivation puts first in the first block after an outage: so a
// block that follows a gap of more than `downAfter` since the previous sequencer block (or an L1
// forced-inclusion block while the sequencer is silent) sees the sequencer as only just up.
import type { Micros } from '../../engine/time.ts';
import type { ModelEvents } from '../events.ts';

export class UptimeSentinel {
  private lastBlockUs: Micros = 0;
  private upSinceUs: Micros = -Infinity;

  constructor(private readonly rollup: number, private readonly graceUs: Micros, private readonly downAfterUs: Micros, events: ModelEvents) {
    events.blockExecuted.on((b) => {
      if (b.rollup !== this.rollup || b.sequencer === 'l1') return;
      if (b.atUs - this.lastBlockUs > this.downAfterUs) this.upSinceUs = b.atUs;
      this.lastBlockUs = b.atUs;
    });
  }

  /** May a liquidation execute in the block being executed now? */
  allowsLiquidation(nowUs: Micros): boolean {
    if (nowUs - this.lastBlockUs > this.downAfterUs) return false;
    return nowUs - this.upSinceUs > this.graceUs;
  }
}
