// Lending: one `liquidations` row per executed liquidation, and per market (rollup, subject =
// market) the liquidation count, debt repaid, bad debt, deepest generation, debt left underwater
// at the end, and its oracle's updates with their delay from observation to landing.
import { MS, type Micros } from '../engine/time.ts';
import type { ModelEvents } from '../model/events.ts';
import type { LendingMarket, LiquidationEvent } from '../model/lending/market.ts';
import { PushOracle, type OracleUpdate } from '../model/lending/oracle.ts';
import { Distribution } from './distribution.ts';
import type { RowSink, RunReport } from './rows.ts';

class MarketStats {
  liquidations = 0;
  repaidUsd = 0;
  badDebtUsd = 0;
  maxGeneration = -1;
  updates = 0;
  updateDelayMs = new Distribution();
}

export class LendingRecorder {
  private readonly stats = new Map<string, MarketStats>();

  constructor(
    private readonly rollupIds: readonly string[],
    private readonly markets: readonly LendingMarket[],
    private readonly warmupUs: Micros,
    /** The fault episode a liquidation is attributed to (the contagion recorder decides). */
    private readonly episodeOf: (e: LiquidationEvent) => number | null,
    private readonly rows: RowSink,
    events: ModelEvents,
  ) {
    for (const m of markets) this.stats.set(m.params.id, new MarketStats());
    if (markets.length === 0) return;
    events.liquidation.on(this.liquidated);
    events.oracleUpdated.on(this.updated);
  }

  private liquidated = (e: LiquidationEvent): void => {
    this.rows.append({
      at_us: e.atUs,
      decided_us: e.decidedUs,
      rollup: this.rollupIds[e.rollup],
      market: e.market,
      borrower: e.borrower,
      liquidator: e.liquidator,
      tx_id: e.txId,
      repaid_usd: e.repaidUsd,
      seized: e.seized,
      seized_usd: e.seizedUsd,
      bonus_usd: e.bonusUsd,
      proceeds_usd: e.proceedsUsd,
      hf_before: e.hfBefore,
      hf_after: e.hfAfter,
      oracle_price: e.oraclePrice,
      oracle_age_us: e.oracleAgeUs,
      deficit_usd: e.deficitUsd,
      generation: e.generation,
      episode_id: this.episodeOf(e),
    });
    if (e.atUs < this.warmupUs) return;
    const s = this.stats.get(e.market)!;
    s.liquidations++;
    s.repaidUsd += e.repaidUsd;
    s.badDebtUsd += e.deficitUsd;
    s.maxGeneration = Math.max(s.maxGeneration, e.generation);
  };

  private updated = (u: OracleUpdate): void => {
    if (u.atUs < this.warmupUs) return;
    const s = this.stats.get(u.market)!;
    s.updates++;
    s.updateDelayMs.add((u.atUs - u.observedUs) / MS);
  };

  finish(report: RunReport): void {
    for (const m of this.markets) {
      const s = this.stats.get(m.params.id)!;
      const scope = report.scope(this.rollupIds[m.params.rollup], m.params.id);
      let underwater = 0;
      for (let i = 0; i < m.size; i++) underwater += Math.max(0, m.debt[i] - m.collateral[i] * m.oracle.price);
      scope.add('lending.liquidations', s.liquidations, 'count');
      scope.add('lending.repaid_usd', s.repaidUsd, 'USD');
      scope.add('lending.bad_debt_usd', s.badDebtUsd, 'USD');
      scope.add('lending.underwater_usd', underwater, 'USD');
      if (s.maxGeneration >= 0) scope.add('lending.generation.max', s.maxGeneration, 'count');
      if (m.oracle instanceof PushOracle) {
        scope.add('oracle.updates', s.updates, 'count');
        scope.distribution('oracle.update_delay_ms', s.updateDelayMs, 'ms');
      }
    }
  }
}
