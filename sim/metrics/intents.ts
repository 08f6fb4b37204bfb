// Follows cross-rollup intents: whether each was filled completely, partially (some legs executed,
// others not: the exposure atomic bundles remove), or not at all, how far apart in time its legs
// executed, and what cross-rollup arbitrageurs earned. It reads the bundles' state as the model
// left it; it never changes it.
import type { Micros } from '../engine/time.ts';
import { MS } from '../engine/time.ts';
import type { Bundle } from '../model/crossrollup.ts';
import type { Tx } from '../model/tx.ts';
import type { TradeRecord } from '../model/market/swap.ts';
import type { ModelEvents } from '../model/events.ts';
import { Distribution } from './distribution.ts';
import { tradeValues } from './markets.ts';
import type { RunReport } from './rows.ts';

class SenderStats {
  intents = 0;
  resolved = 0;
  filled = 0;
  partial = 0;
  failed = 0;
  bridgeFeesUsd = 0;
  legGapMs = new Distribution();
}

export class IntentRecorder {
  /** Per sender, in order of first intent. */
  private readonly bySender = new Map<string, SenderStats>();
  /** Opened at or after the warmup and not yet closed: at most the intents in flight. */
  private readonly open = new Set<Bundle>();
  /** Cross-rollup arbitrageurs' profit at the reference price, less gas on every leg a block executed and bridge fees. */
  private readonly arbProfit = new Map<string, number>();

  constructor(
    private readonly warmupUs: Micros,
    crossArbitrageurs: readonly string[],
    events: ModelEvents,
  ) {
    for (const name of crossArbitrageurs) this.arbProfit.set(name, 0);
    events.bundleOpened.on(this.opened);
    events.bundleClosed.on(this.closed);
    if (crossArbitrageurs.length > 0) {
      events.swap.on(this.swap);
      events.txExecuted.on(this.leg);
    }
  }

  private stats(sender: string): SenderStats {
    let s = this.bySender.get(sender);
    if (!s) this.bySender.set(sender, (s = new SenderStats()));
    return s;
  }

  private opened = (b: Bundle): void => {
    if (b.openedUs < this.warmupUs) return;
    this.stats(b.sender).intents++;
    this.open.add(b);
  };

  private closed = (b: Bundle): void => {
    if (this.arbProfit.has(b.sender) && b.openedUs >= this.warmupUs) this.arbProfit.set(b.sender, this.arbProfit.get(b.sender)! - b.bridgeFeesUsd);
    if (!this.open.delete(b)) return;
    const s = this.stats(b.sender);
    s.resolved++;
    s.bridgeFeesUsd += b.bridgeFeesUsd;
    if (b.ok === b.legs.length) {
      s.filled++;
      s.legGapMs.add((b.lastUs - b.firstUs) / MS);
    } else if (b.ok > 0) s.partial++;
    else s.failed++;
  };

  private swap = (r: TradeRecord): void => {
    const profit = this.arbProfit.get(r.agent);
    if (profit === undefined || r.agentKind !== 'searcher' || r.executedUs < this.warmupUs) return;
    this.arbProfit.set(r.agent, profit + tradeValues(r).profit);
  };

  /** Every leg a block executed pays its gas, filled or not. */
  private leg = (tx: Tx): void => {
    const profit = tx.bundle ? this.arbProfit.get(tx.sender) : undefined;
    if (profit === undefined || tx.includeUs! < this.warmupUs) return;
    this.arbProfit.set(tx.sender, profit - (tx.gasUsd ?? 0));
  };

  finish(report: RunReport): void {
    for (const [sender, s] of this.bySender) {
      const r = report.scope(null, sender);
      const frac = (n: number) => (s.resolved ? n / s.resolved : NaN);
      r.add('crossrollup.intents', s.intents, 'count');
      r.add('crossrollup.filled_fraction', frac(s.filled), 'fraction');
      r.add('crossrollup.partial_fraction', frac(s.partial), 'fraction');
      r.add('crossrollup.failed_fraction', frac(s.failed), 'fraction');
      // Still in flight at the horizon.
      r.add('crossrollup.unresolved', s.intents - s.resolved, 'count');
      r.add('bridge.fees_usd', s.bridgeFeesUsd, 'USD');
      r.distribution('crossrollup.leg_gap_ms', s.legGapMs, 'ms');
    }
    for (const [name, value] of this.arbProfit) report.scope(null, name).add('crossrollup.arb_profit_usd', value, 'USD');
  }
}
