// Cross-rollup exotics: one `exotics` row per expiry, and per exotic how far what its settlement
// paid strayed from what its terms promised (both pools read at the expiry instant).
import type { Micros } from '../engine/time.ts';
import { MS } from '../engine/time.ts';
import type { ModelEvents } from '../model/events.ts';
import type { ExoticSettlement } from '../model/options/exotic.ts';
import { Distribution } from './distribution.ts';
import type { RowSink, RunReport } from './rows.ts';

class ExoticStats {
  settled = 0;
  unsettled = 0;
  mismatched = 0;
  errorUsd = 0;
  absErrorUsd = new Distribution();
  readGapMs = new Distribution();
  payoutUsd = 0;
  promisedUsd = 0;
  fairUsd = 0;
  priced = 0;
}

export class ExoticsRecorder {
  private readonly stats = new Map<string, ExoticStats>();

  constructor(
    exotics: readonly string[],
    private readonly warmupUs: Micros,
    private readonly rows: RowSink,
    events: ModelEvents,
  ) {
    for (const id of exotics) this.stats.set(id, new ExoticStats());
    if (exotics.length > 0) events.exoticSettled.on(this.settled);
  }

  private settled = (e: ExoticSettlement): void => {
    const error = e.payoutUsd === null ? null : e.payoutUsd - e.payoutAtExpiryUsd;
    const gap = e.readUs[0] !== null && e.readUs[1] !== null ? (e.readUs[1] - e.readUs[0]) / MS : null;
    this.rows.append({
      exotic: e.exotic,
      listed_us: e.listedUs,
      expiry_us: e.expiryUs,
      strike_0: e.strikes[0],
      strike_1: e.strikes[1],
      fair_usd: e.fairUsd,
      price_at_expiry_0: e.atExpiry[0],
      price_at_expiry_1: e.atExpiry[1],
      payout_at_expiry_usd: e.payoutAtExpiryUsd,
      read_us_0: e.readUs[0],
      read_us_1: e.readUs[1],
      price_read_0: e.read[0],
      price_read_1: e.read[1],
      read_gap_ms: gap,
      payout_usd: e.payoutUsd,
      settlement_error_usd: error,
      status: e.status,
    });
    if (e.listedUs < this.warmupUs) return;
    const s = this.stats.get(e.exotic)!;
    if (e.fairUsd !== null) {
      s.fairUsd += e.fairUsd;
      s.priced++;
    }
    if (error === null) {
      s.unsettled++;
      return;
    }
    s.settled++;
    s.errorUsd += error;
    s.absErrorUsd.add(Math.abs(error));
    if (error !== 0) s.mismatched++;
    if (gap !== null) s.readGapMs.add(gap);
    s.payoutUsd += e.payoutUsd!;
    s.promisedUsd += e.payoutAtExpiryUsd;
  };

  finish(report: RunReport): void {
    for (const [id, s] of this.stats) {
      const r = report.scope(null, id);
      const per = (x: number, n: number) => (n > 0 ? x / n : NaN);
      r.add('exotic.settled', s.settled, 'count');
      r.add('exotic.unsettled', s.unsettled, 'count');
      r.add('exotic.mismatch_fraction', per(s.mismatched, s.settled), 'fraction');
      r.add('exotic.pricing_error_usd', per(s.errorUsd, s.settled), 'USD');
      r.distribution('exotic.settlement_error_usd', s.absErrorUsd, 'USD');
      r.distribution('exotic.read_gap_ms', s.readGapMs, 'ms');
      r.add('exotic.payout_usd.mean', per(s.payoutUsd, s.settled), 'USD');
      r.add('exotic.promised_usd.mean', per(s.promisedUsd, s.settled), 'USD');
      r.add('exotic.fair_usd.mean', per(s.fairUsd, s.priced), 'USD');
    }
  }
}
