// The `lending` section: Aave v3-style lending markets on rollups (one collateral asset against a
// USD debt each), the push oracles they read (contracts updated by a keeper's transactions), the
// sequencer-uptime sentinel, and the liquidators who race for liquidations through the sequencer.
// Defaults cite docs/calibration.md ("Lending liquidations", "Oracles and the sequencer-uptime sentinel").
import { z } from 'zod';
import { duration, list, name, nonNegativeNumber, positiveNumber, uniqueBy } from './fields.ts';
import { LIMITS } from './limits.ts';
import { RISK_ENGINE } from '../model/lending/riskEngine.ts';

const fraction = (what: string) => z.number().min(0).max(1).describe(what);

export const OracleSchema = z
  .strictObject({
    source: z
      .enum(['reference', 'pool'])
      .default('reference')
      .describe('"reference": a push oracle — a keeper sends the reference (CEX) price as a transaction when it deviates past the threshold or the heartbeat elapses; "pool": the contract reads the mid price of the rollup\'s own pool of the asset (liquidations then feed back into the price the market reads)'),
    deviation_bps: nonNegativeNumber('a deviation in basis points', LIMITS.bps).default(50).describe('Push oracle: update when the reference price is this far from the oracle\'s, bps (ETH/USD on Ethereum: 0.5%)'),
    heartbeat: duration('Push oracle: update at least this often', { positive: true }).prefault('24h'),
    keeper_latency: duration("One-way delay from the oracle's keeper to the sequencer").prefault('50ms'),
  })
  .describe("The market's price oracle");

export const BorrowersSchema = z
  .strictObject({
    count: z.number().int().min(0).max(100_000).default(200).describe('Number of borrowers (positions), drawn from the stream lending/<market>/borrowers'),
    collateral_usd: positiveNumber('an amount in USD', LIMITS.usd).default(20_000).describe('Median collateral per position at the initial price, USD (lognormal)'),
    collateral_sigma: nonNegativeNumber('a lognormal sigma', 5).default(1).describe('Sigma of log(collateral)'),
    hf_min: positiveNumber('a health factor', 1000).optional().describe('Lowest initial health factor (uniform between hf_min and hf_max); default liquidation_threshold / ltv (borrowed to the limit)'),
    hf_max: positiveNumber('a health factor', 1000).default(2).describe('Highest initial health factor'),
  })
  .describe('Positions open at the start: collateral in the asset, debt in USD');

export const LendingMarketSchema = z
  .strictObject({
    id: name('Market id, unique'),
    rollup: name('The rollup it lives on'),
    asset: name('Collateral asset (an assets[].id); the debt is in USD'),
    collateral_rollup: name('Cross-rollup collateral: the rollup whose vault holds the collateral backing the debt on `rollup` (default: `rollup` itself). A liquidation then has two legs — repay on `rollup`, seize and sell on this one — executed as one atomic bundle when one sequencer orders both and can, else over the bridge with its delay').optional(),
    pool: name('Pool on the collateral\'s rollup where liquidators sell seized collateral (default: the first pool of the asset there; none: they keep it)').optional(),
    ltv: fraction('Loan-to-value: the most a position may borrow against its collateral (WETH: 0.80)').default(0.8),
    liquidation_threshold: fraction('LT: health factor = collateral × price × LT / debt (WETH: 0.83)').default(0.83),
    bonus: nonNegativeNumber('a fraction', 1).default(0.05).describe('Liquidation bonus: collateral seized = repaid × (1 + bonus) / price (WETH: 5%)'),
    protocol_fee: fraction('Share of the bonus the protocol keeps (10%)').default(0.1),
    close_factor: fraction('Share of the debt one liquidation may repay (50%)').default(0.5),
    full_close_hf: nonNegativeNumber('a health factor', 1000).default(0.95).describe('At or below this health factor the whole debt may be repaid (v3.3: 0.95)'),
    full_close_below_usd: nonNegativeNumber('an amount in USD', LIMITS.usd).default(2000).describe('Positions whose collateral or debt is below this may be closed whole (v3.3: $2,000)'),
    min_leftover_usd: nonNegativeNumber('an amount in USD', LIMITS.usd).default(1000).describe('A partial liquidation must leave at least this much debt and collateral, or it reverts (v3.3: $1,000)'),
    oracle: OracleSchema.prefault({}),
    borrowers: BorrowersSchema.prefault({}),
  })
  .describe('An Aave v3-style lending market');

export const LiquidatorSchema = z
  .strictObject({
    name: name('Liquidator name, unique'),
    markets: list(name('A market id')).min(1).optional().describe('Markets it watches (default: all)'),
    latency: duration('One-way delay to the sequencers, replacing the network\'s').optional(),
    region: name('Where it runs (a region of network.regions)').optional(),
    fee_usd: nonNegativeNumber('a fee in USD', LIMITS.feeUsd).default(1).describe('Priority fee bid on each liquidation'),
    gas_usd: nonNegativeNumber('a cost in USD', LIMITS.feeUsd).default(0.05).describe('Gas per transaction, USD'),
    min_profit_usd: nonNegativeNumber('a profit in USD', LIMITS.feeUsd).default(0).describe('A liquidation whose collateral sells for less than repaid + fee + gas + this reverts'),
  })
  .describe('A liquidation bot: repays debt of positions under a health factor of 1 and sells the seized collateral in the same transaction (a flash liquidation)');

export const LendingSchema = z
  .strictObject({
    markets: list(LendingMarketSchema).default([]).superRefine(uniqueBy<{ id: string }>('market id', (m) => m.id, 'id')).describe('Lending markets'),
    liquidators: list(LiquidatorSchema).default([]).superRefine(uniqueBy<{ name: string }>('liquidator name', (l) => l.name, 'name')).describe('Liquidators'),
    sentinel: z
      .strictObject({
        grace_period: duration('Liquidations stay blocked this long after the sequencer is back (Chainlink\'s example: 3600 s)').prefault('1h'),
        down_after: duration('A gap between two sequencer blocks longer than this reads as the sequencer having been down').prefault('5m'),
      })
      .optional()
      .describe('Sequencer-uptime sentinel (Aave PriceOracleSentinel): liquidations are blocked while the sequencer is down and for a grace period after it returns; absent: off'),
  })
  .describe('Lending markets, liquidators and the uptime sentinel');

export type LendingConfig = z.output<typeof LendingSchema>;
export type LendingMarketConfig = LendingConfig['markets'][number];

/** Markets sit on existing rollups, assets and pools; liquidators name existing markets. */
export function checkLending(s: { rollups: { id: string; pools: { id: string; asset: string }[] }[]; assets: { id: string }[]; lending: LendingConfig }, ctx: z.RefinementCtx): void {
  const list = (xs: string[]) => xs.map((x) => `"${x}"`).join(', ');
  const markets = s.lending.markets.map((m) => m.id);
  s.lending.markets.forEach((m, i) => {
    const rollup = s.rollups.find((r) => r.id === m.rollup);
    if (!rollup) ctx.addIssue({ code: 'custom', message: `expected a rollup id (one of ${list(s.rollups.map((r) => r.id))})`, path: ['lending', 'markets', i, 'rollup'], input: m.rollup });
    if (!s.assets.some((a) => a.id === m.asset)) ctx.addIssue({ code: 'custom', message: `expected an asset id (one of ${list(s.assets.map((a) => a.id))})`, path: ['lending', 'markets', i, 'asset'], input: m.asset });
    const vault = m.collateral_rollup === undefined ? rollup : s.rollups.find((r) => r.id === m.collateral_rollup);
    if (!vault) ctx.addIssue({ code: 'custom', message: `expected a rollup id (one of ${list(s.rollups.map((r) => r.id))})`, path: ['lending', 'markets', i, 'collateral_rollup'], input: m.collateral_rollup });
    const cross = vault !== undefined && rollup !== undefined && vault !== rollup;
    if (cross && m.oracle.source === 'pool') ctx.addIssue({ code: 'custom', message: 'expected source "reference": a market with collateral on another rollup cannot read that rollup\'s pool in its own transactions', path: ['lending', 'markets', i, 'oracle', 'source'], input: m.oracle.source });
    const salePools = vault?.pools.filter((p) => p.asset === m.asset) ?? [];
    if (vault && m.pool !== undefined && !salePools.some((p) => p.id === m.pool)) ctx.addIssue({ code: 'custom', message: `expected a pool of "${m.asset}" on rollup "${vault.id}"`, path: ['lending', 'markets', i, 'pool'], input: m.pool });
    const pools = rollup?.pools.filter((p) => p.asset === m.asset) ?? [];
    if (rollup && m.oracle.source === 'pool' && pools.length === 0) ctx.addIssue({ code: 'custom', message: `expected a pool of "${m.asset}" on rollup "${rollup.id}" for the oracle to read`, path: ['lending', 'markets', i, 'oracle', 'source'], input: m.oracle.source });
    if (m.ltv > m.liquidation_threshold) ctx.addIssue({ code: 'custom', message: 'expected an ltv at most the liquidation_threshold', path: ['lending', 'markets', i, 'ltv'], input: m.ltv });
    const hfMin = m.borrowers.hf_min ?? m.liquidation_threshold / m.ltv;
    if (hfMin > m.borrowers.hf_max) ctx.addIssue({ code: 'custom', message: `expected hf_max ≥ hf_min (${hfMin})`, path: ['lending', 'markets', i, 'borrowers', 'hf_max'], input: m.borrowers.hf_max });
  });
  s.lending.liquidators.forEach((l, i) => {
    if (l.name === RISK_ENGINE) ctx.addIssue({ code: 'custom', message: `expected another name: "${RISK_ENGINE}" is the sequencer's risk engine (sequencing.*.risk_engine)`, path: ['lending', 'liquidators', i, 'name'], input: l.name });
    l.markets?.forEach((m, k) => {
      if (!markets.includes(m)) ctx.addIssue({ code: 'custom', message: markets.length ? `expected a market id (one of ${list(markets)})` : 'expected a market id, but lending.markets is empty', path: ['lending', 'liquidators', i, 'markets', k], input: m });
    });
  });
}
