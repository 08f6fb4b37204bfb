// An Aave v3-style lending market on one rollup: positions of one collateral asset against USD
// debt, read at the price of the market's oracle (on-chain state, stale while the rollup is
// halted), liquidated under the v3.3 rules (rules.ts) by liquidation transactions. A liquidation
// sells the seized collateral into the rollup's pool in the same transaction (a flash
// liquidation: the liquidator repays from the sale) and reverts when the sale does not cover it.
//
// Cross-rollup collateral: the collateral may sit in a vault on another rollup than the debt. The
// market's ledger (on the debt rollup) still holds each position's collateral, but a liquidation
// then takes two legs: repay on the debt rollup (the ledger releases the collateral claim), then
// seize and sell on the collateral rollup. Which of the two ways the legs travel is the router's:
// one atomic bundle (both in one slot, or neither) or two legs over the bridge, the second after
// the first executed and the bridge carried the message — with the bridge's delay and halts, and
// the liquidator carrying the price risk of the collateral meanwhile.
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
  /** The rollup of the debt (and of the market's contract, its oracle and its sentinel). */
  readonly rollup: number;
  readonly risk: RiskParams;
  /** The rollup of the collateral vault, when it is another one (cross-rollup collateral). */
  readonly collateralRollup?: number;
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

  /** Where the collateral sits: the debt's rollup unless the market is cross-rollup. */
  get collateralRollup(): number {
    return this.params.collateralRollup ?? this.params.rollup;
  }

  /** Executes a liquidation transaction (see LiquidationAction): repay, seize and sell at once. */
  execute(tx: Tx, action: LiquidationAction, nowUs: Micros): string | null {
    const repaid = this.repay(tx, action, nowUs);
    if (typeof repaid === 'string') return repaid;
    this.sell(tx, repaid, action.who, action.decidedUs, nowUs);
    return null;
  }

  /**
   * The debt leg of a liquidation: repays the debt and takes the collateral off the position,
   * recording the liquidation; returns the collateral the liquidator may claim, units.
   */
  repay(tx: Tx, action: LiquidationAction, nowUs: Micros): number | string {
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
    return r.toLiquidator;
  }

  /** The collateral leg: the liquidator sells what it seized into the pool (if there is one). */
  sell(tx: Tx, units: number, who: LiquidatorTerms, decidedUs: Micros, nowUs: Micros): void {
    if (!this.pool) return;
    // The sale moves the pool — and, under a pool oracle, the price every position is read at.
    const market = this.pool;
    const before = beforeSwap(market);
    const seen = seeState(market, decidedUs);
    const result = swapExactIn(market.pool, 'sell', units, 0);
    reportSwap(market, before, { agentKind: 'liquidator', agent: who.name, gasUsd: who.gasUsd }, tx, nowUs, seen, 'sell', 'in', result);
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

/**
 * The debt leg of a cross-rollup liquidation, on the debt's rollup: in an atomic bundle it is asked
 * first whether it would succeed (check), then repays and leaves the claim for the collateral leg.
 */
export class RepayLeg extends LiquidationAction {
  /** Collateral released to the liquidator once this leg executed, units. */
  claim: number | undefined;

  check(_tx: Tx, nowUs: Micros): string | null {
    const planned = this.market.plan(this.borrower, this.who, nowUs);
    return typeof planned === 'string' ? planned : null;
  }

  override execute(tx: Tx, nowUs: Micros): string | null {
    const repaid = this.market.repay(tx, this, nowUs);
    if (typeof repaid === 'string') return repaid;
    this.claim = repaid;
    return null;
  }
}

/** The collateral leg, on the vault's rollup: the claim of its debt leg is seized and sold. */
export class SeizeLeg implements TxAction {
  constructor(readonly debtLeg: RepayLeg) {}

  /** In an atomic bundle: it succeeds whenever the debt leg does (checked before either runs). */
  check(): string | null {
    return null;
  }

  execute(tx: Tx, nowUs: Micros): string | null {
    const d = this.debtLeg;
    // Atomic: the debt leg executed just before in the same slot; bridged: it executed before the message left.
    if (d.claim === undefined) return 'no-claim';
    d.market.sell(tx, d.claim, d.who, d.decidedUs, nowUs);
    return null;
  }
}
