// Lending: each market's oracle (a push oracle and its keeper, or its rollup's pool), the uptime
// sentinel of each rollup that has one, the positions (drawn from lending/<market>/borrowers, the
// same in every mode), and the liquidators.
import { Liquidator } from '../model/agents/liquidator.ts';
import { LendingMarket, LiquidationAction } from '../model/lending/market.ts';
import { OracleKeeper, PoolOracle, PushOracle, type PriceOracle } from '../model/lending/oracle.ts';
import { UptimeSentinel } from '../model/lending/sentinel.ts';
import { RISK_ENGINE, RiskEngine } from '../model/lending/riskEngine.ts';
import type { MarketPool } from '../model/market/marketPool.ts';
import { submitterFor, type WorldContext } from './context.ts';

export interface LendingParts {
  readonly markets: readonly LendingMarket[];
  /** The keeper of each market with a push oracle, by market id. */
  readonly keepers: ReadonlyMap<string, OracleKeeper>;
}

export function buildLending(ctx: WorldContext): LendingParts {
  const { sim, events, scenario, rollups, rollupIndex, feeds } = ctx;
  const l = scenario.lending;
  const sentinels = new Map<number, UptimeSentinel>();
  const sentinelOf = (rollup: number) => {
    if (!l.sentinel) return undefined;
    let s = sentinels.get(rollup);
    if (!s) sentinels.set(rollup, (s = new UptimeSentinel(rollup, l.sentinel.grace_period, l.sentinel.down_after, events)));
    return s;
  };
  const keepers = new Map<string, OracleKeeper>();
  const markets = l.markets.map((m) => {
    const rollup = rollupIndex.get(m.rollup)!;
    const feed = feeds.get(m.asset)!;
    // The collateral is sold where it sits: the vault's rollup (the market's own unless cross-rollup).
    const vault = rollupIndex.get(m.collateral_rollup ?? m.rollup)!;
    const poolConfig = m.pool ?? scenario.rollups[vault].pools.find((p) => p.asset === m.asset)?.id;
    const pool: MarketPool | undefined = poolConfig === undefined ? undefined : rollups[vault].pools.get(poolConfig);
    let oracle: PriceOracle;
    if (m.oracle.source === 'pool') {
      // A sale by a generation-k liquidation moves the pool's price as a cause of generation k + 1.
      oracle = new PoolOracle(pool!, events, (record) => (record.tx.action instanceof LiquidationAction ? record.tx.action.generation + 1 : 0));
    } else {
      const push = new PushOracle(m.id, rollup, feed.price, events);
      const label = `lending/oracles/${m.id}`;
      keepers.set(m.id, new OracleKeeper(sim, push, feed, { deviationBps: m.oracle.deviation_bps, heartbeatUs: m.oracle.heartbeat }, submitterFor(ctx, rollup, label, { latencyUs: m.oracle.keeper_latency }), label));
      oracle = push;
    }
    const b = m.borrowers;
    const rng = sim.stream(`lending/${m.id}/borrowers`);
    const hfMin = b.hf_min ?? m.liquidation_threshold / m.ltv;
    const positions = Array.from({ length: b.count }, () => {
      const usd = b.collateral_usd * Math.exp(b.collateral_sigma * rng.normal());
      const hf = hfMin + rng.next() * (b.hf_max - hfMin);
      return { collateral: usd / oracle.price, debtUsd: (usd * m.liquidation_threshold) / hf };
    });
    const risk = { lt: m.liquidation_threshold, bonus: m.bonus, protocolFee: m.protocol_fee, closeFactor: m.close_factor, fullCloseHf: m.full_close_hf, fullCloseBelowUsd: m.full_close_below_usd, minLeftoverUsd: m.min_leftover_usd };
    return new LendingMarket({ id: m.id, rollup, risk, collateralRollup: vault === rollup ? undefined : vault }, oracle, pool, sentinelOf(rollup), positions, events);
  });
  // A sequencer that runs a risk engine covers the markets whose debt and collateral it both orders.
  for (const sequencer of new Set(ctx.sequencing.sequencers)) {
    const config = ctx.sequencing.riskEngineOf(sequencer);
    const covered = markets.filter((m) => sequencer.rollups.includes(m.params.rollup) && sequencer.rollups.includes(m.collateralRollup));
    if (config === undefined || covered.length === 0) continue;
    const label = `lending/risk-engine/${scenario.rollups[sequencer.rollups[0]].id}`;
    sequencer.backstop = new RiskEngine({ name: RISK_ENGINE, maxPerBlock: config.max_per_block, gasUsd: config.gas_usd }, covered, sim.ids(label), events);
  }
  for (const q of l.liquidators) {
    const label = `lending/liquidators/${q.name}`;
    const watched = markets
      .filter((m) => q.markets === undefined || q.markets.includes(m.params.id))
      .map((market) => {
        const placement = { region: q.region, latencyUs: q.latency };
        const debt = market.params.rollup;
        const vault = market.collateralRollup;
        // Two legs (debt, then collateral): one atomic bundle when one sequencer can order both, else over the bridge.
        const router = vault === debt ? undefined : ctx.sequencing.router([debt, vault], 'bridge', rollups.map((_, i) => submitterFor(ctx, i, `${label}/${market.params.id}/legs`, placement)), `${q.name}/${market.params.id}`);
        return { market, rollup: rollups[debt], submitter: submitterFor(ctx, debt, label, placement), router };
      });
    new Liquidator(sim, { name: q.name, feeUsd: q.fee_usd, gasUsd: q.gas_usd, minProfitUsd: q.min_profit_usd }, watched, events, label);
  }
  return { markets, keepers };
}
