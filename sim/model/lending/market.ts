// An Aave v3-style lending market on one rollup: positions of one collateral asset against USD
// debt, read at the price of the market's oracle (on-chain state, stale while the rollup is
// halted), liquidated under the v3.3 rules (rules.ts) by liquidation transactions. A liquidation
// sells the seized collateral into the rollup's pool in the same transaction (a flash
// liquidation: the liquidator repays from the sale) and reverts when the sale does not cover it.
//
// Generations: when an oracle move takes a position from HF ≥ 1 to HF < 1, the position is tagged
// with the move's cause — 0 for an exogenous move, k + 1 for the sale of a generation-k
// liquidation (a pool oracle) — and its liquidations carry that generation.
import type { Micros } from '../../engine/time.ts';
import type { ModelEvents } from '../events.ts';
import type { Tx, TxAction } from '../tx.ts';
import type { MarketPool } from '../market/marketPool.ts';
import { quoteExactIn, swapExactIn } from '../market/amm.ts';
import { beforeSwap, reportSwap, seeState } from '../market/swap.ts';
import { healthFactor, liquidate, type LiquidationResult, type RiskParams } from './rules.ts';
import type { PriceOracle } from './oracle.ts';
import type { UptimeSentinel } from './sentinel.ts';

export interface LendingMarketParams {
  readonly id: string;
  readonly rollup: number;
  readonly risk: RiskParams;
}

/** A liquidator's terms: its priority fee and gas, and the least profit it accepts (else its transaction reverts). */
export interface LiquidatorTerms {
  readonly name: string;
  readonly feeUsd: number;
  readonly gasUsd: number;
  readonly minProfitUsd: number;
}

export interface LiquidationEvent {
  readonly market: string;
  readonly rollup: number;
  readonly borrower: number;
  readonly liquidator: string;
  readonly txId: number;
  readonly atUs: Micros;
  readonly decidedUs: Micros;
  readonly repaidUsd: number;
  /** Collateral taken from the position, units (the protocol's fee included), and its value at the oracle price. */
  readonly seized: number;
  readonly seizedUsd: number;
  /** The bonus part of the seized collateral at the oracle price, USD. */
  readonly bonusUsd: number;
  /** What the liquidator's sale of its collateral returned, USD (its value at the oracle price when there is no pool). */
  readonly proceedsUsd: number;
  readonly hfBefore: number;
  readonly hfAfter: number;
  readonly oraclePrice: number;
  readonly oracleAgeUs: Micros;
  readonly deficitUsd: number;
  readonly generation: number;
}

export class LendingMarket {
  readonly collateral: Float64Array;
  readonly debt: Float64Array;
  /** Generation of each position's current episode under HF 1; −1 while healthy. */
  readonly generation: Int32Array;
  /** Debt written off so far, USD. */
  badDebtUsd = 0;
  /** Bumped whenever a health factor may have changed (an oracle move, a liquidation). */
  version = 0;

  constructor(
    readonly params: LendingMarketParams,
    readonly oracle: PriceOracle,
    /** Where liquidators sell the collateral; none: they keep it (valued at the oracle price). */
    readonly pool: MarketPool | undefined,
    readonly sentinel: UptimeSentinel | undefined,
    positions: { collateral: number; debtUsd: number }[],
    private readonly events: ModelEvents,
  ) {
    this.collateral = Float64Array.from(positions, (p) => p.collateral);
    this.debt = Float64Array.from(positions, (p) => p.debtUsd);
    this.generation = new Int32Array(positions.length).fill(-1);
    // Positions already under 1 at the start were put there by the exogenous price.
    this.retag(0);
    oracle.onChange((cause) => this.retag(cause));
  }

  get size(): number {
    return this.debt.length;
  }

  healthFactor(i: number): number {
    return healthFactor(this.collateral[i], this.oracle.price, this.params.risk.lt, this.debt[i]);
  }

  /** Tags positions the last move took under 1 with its cause, untags those back above. */
  private retag(cause: number): void {
    this.version++;
    for (let i = 0; i < this.debt.length; i++) {
      const under = this.healthFactor(i) < 1;
      if (under && this.generation[i] < 0) this.generation[i] = cause;
      else if (!under && this.generation[i] >= 0) this.generation[i] = -1;
    }
  }

  /**
   * What a liquidation by `who` of `borrower` would do now: the v3.3 outcome and what selling the
   * liquidator's collateral returns, or why it would revert. No side effects (liquidators simulate
   * before sending).
   */
  plan(borrower: number, who: LiquidatorTerms, nowUs: Micros): { result: Extract<LiquidationResult, { ok: true }>; proceedsUsd: number } | string {
    if (this.sentinel && !this.sentinel.allowsLiquidation(nowUs)) return 'sentinel';
    const price = this.oracle.price;
    const r = liquidate(this.params.risk, this.collateral[borrower], this.debt[borrower], price);
    if (!r.ok) return r.reason;
    const proceedsUsd = this.pool ? quoteExactIn(this.pool.pool, 'sell', r.toLiquidator) : r.toLiquidator * price;
    if (Number.isNaN(proceedsUsd)) return 'insufficient-liquidity';
    if (!(proceedsUsd - r.repaidUsd - who.feeUsd - who.gasUsd >= who.minProfitUsd)) return 'unprofitable';
    return { result: r, proceedsUsd };
  }

  /** Executes a liquidation transaction (see LiquidationAction). */
  execute(tx: Tx, action: LiquidationAction, nowUs: Micros): string | null {
    const { borrower, who, decidedUs } = action;
    const planned = this.plan(borrower, who, nowUs);
    if (typeof planned === 'string') return planned;
    const { result: r, proceedsUsd } = planned;
    const price = this.oracle.price;
    const generation = Math.max(0, this.generation[borrower]);
    action.generation = generation;
    this.collateral[borrower] = r.collateralLeft;
    this.debt[borrower] = r.debtLeftUsd;
    this.badDebtUsd += r.deficitUsd;
    if (r.hfAfter >= 1) this.generation[borrower] = -1;
    this.version++;
    const bonusUsd = (r.seized - r.seized / (1 + this.params.risk.bonus)) * price;
    this.events.liquidation.emit({
      market: this.params.id,
      rollup: this.params.rollup,
      borrower,
      liquidator: who.name,
      txId: tx.id,
      atUs: nowUs,
      decidedUs,
      repaidUsd: r.repaidUsd,
      seized: r.seized,
      seizedUsd: r.seized * price,
      bonusUsd,
      proceedsUsd,
      hfBefore: r.hfBefore,
      hfAfter: r.hfAfter,
      oraclePrice: price,
      oracleAgeUs: nowUs - this.oracle.observedUs,
      deficitUsd: r.deficitUsd,
      generation,
    });
    if (this.pool) {
      // The sale moves the pool — and, under a pool oracle, the price every position is read at.
      const market = this.pool;
      const before = beforeSwap(market);
      const seen = seeState(market, decidedUs);
      const result = swapExactIn(market.pool, 'sell', r.toLiquidator, 0);
      reportSwap(market, before, { agentKind: 'liquidator', agent: who.name, gasUsd: who.gasUsd }, tx, nowUs, seen, 'sell', 'in', result);
    }
    return null;
  }
}

/** A liquidator's transaction: liquidate `borrower` as far as allowed and sell the collateral. */
export class LiquidationAction implements TxAction {
  /** The generation it carried, once executed (a pool oracle attributes its sale's move to generation + 1). */
  generation = -1;

  constructor(
    readonly market: LendingMarket,
    readonly borrower: number,
    readonly who: LiquidatorTerms,
    readonly decidedUs: Micros,
  ) {}

  execute(tx: Tx, nowUs: Micros): string | null {
    return this.market.execute(tx, this, nowUs);
  }
}
