// A risk engine in the sequencer: margin is checked where the order is made. After the ordered
// transactions of each block it makes, the sequencer liquidates every position of the markets it
// covers that the block left under a health factor of 1 — in the same block, at the oracle price
// that block set, before anyone outside could react — under the same v3.3 rules and the same
// profitability check as a liquidator (its sale must cover the debt it repays). It covers a market
// only when it orders both the debt's rollup and the collateral's: then a cross-rollup liquidation
// repays in the debt's block and sells the collateral in the next block the sequencer makes on the
// vault's rollup — later in the same slot when that rollup's block comes after — holding the claim
// in between: no bridge, no race.
//
// It is part of the sequencer, so it fails with it: while the sequencer is down nothing is checked,
// and blocks made by anyone else (a rollup's fallback sequencer during a shared set's halt) carry
// no engine liquidations — what that costs is measured, not assumed.
import type { IdSpace } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import type { ModelEvents } from '../events.ts';
import type { BlockBackstop } from '../sequencer/sequencer.ts';
import { newTx, type Tx, type TxAction } from '../tx.ts';
import { LiquidationAction, RepayLeg, SeizeLeg, type LendingMarket, type LiquidatorTerms } from './market.ts';

/** The engine's name as a sender and as the liquidator of record, in every sequencer that runs one. */
export const RISK_ENGINE = 'risk-engine';

export interface RiskEngineParams {
  /** Its name as a sender and as the liquidator of record. */
  readonly name: string;
  readonly maxPerBlock: number;
  readonly gasUsd: number;
}

export class RiskEngine implements BlockBackstop {
  private readonly terms: LiquidatorTerms;
  /** Markets by the rollup of their debt. */
  private readonly byDebtRollup = new Map<number, LendingMarket[]>();
  /** Collateral legs owed on each vault rollup: sold in its next block, before any new liquidation there. */
  private readonly claims = new Map<number, SeizeLeg[]>();
  /** Liquidations appended to the block being made on each rollup, and at which µs. */
  private readonly madeAt = new Map<number, { atUs: Micros; count: number }>();
  /** Per market, the state (market version, pool swaps) of its last scan that found nothing to do. */
  private readonly quiet = new Map<LendingMarket, { version: number; swaps: number }>();

  constructor(
    private readonly params: RiskEngineParams,
    /** The markets it covers: debt and collateral both on rollups its sequencer orders. */
    markets: readonly LendingMarket[],
    private readonly ids: IdSpace,
    private readonly events: ModelEvents,
  ) {
    this.terms = { name: params.name, feeUsd: 0, gasUsd: params.gasUsd, minProfitUsd: 0 };
    for (const m of markets) {
      const list = this.byDebtRollup.get(m.params.rollup) ?? [];
      list.push(m);
      this.byDebtRollup.set(m.params.rollup, list);
    }
  }

  next(rollup: number, nowUs: Micros): Tx | undefined {
    const owed = this.claims.get(rollup);
    while (owed !== undefined && owed.length > 0) {
      const leg = owed.shift()!;
      // A repay that reverted released nothing to sell.
      if (leg.debtLeg.claim !== undefined) return this.own(rollup, leg, nowUs);
    }
    const markets = this.byDebtRollup.get(rollup);
    if (markets === undefined) return undefined;
    const made = this.madeAt.get(rollup);
    if (made !== undefined && made.atUs === nowUs && made.count >= this.params.maxPerBlock) return undefined;
    for (const market of markets) {
      const borrower = this.underwater(market, nowUs);
      if (borrower < 0) continue;
      if (made !== undefined && made.atUs === nowUs) made.count++;
      else this.madeAt.set(rollup, { atUs: nowUs, count: 1 });
      if (market.collateralRollup === market.params.rollup) return this.own(rollup, new LiquidationAction(market, borrower, this.terms, nowUs), nowUs);
      // Cross-rollup: repay here now; the collateral leg waits for the vault rollup's next block.
      const repay = new RepayLeg(market, borrower, this.terms, nowUs);
      const owedThere = this.claims.get(market.collateralRollup) ?? [];
      owedThere.push(new SeizeLeg(repay));
      this.claims.set(market.collateralRollup, owedThere);
      return this.own(rollup, repay, nowUs);
    }
    return undefined;
  }

  /** The first position under 1 whose liquidation would go through now, or −1 (remembering the state that had none). */
  private underwater(market: LendingMarket, nowUs: Micros): number {
    const swaps = market.pool?.swapCount ?? 0;
    const q = this.quiet.get(market);
    if (q !== undefined && q.version === market.version && q.swaps === swaps) return -1;
    for (let i = 0; i < market.size; i++) {
      if (market.healthFactor(i) < 1 && typeof market.plan(i, this.terms, nowUs) !== 'string') return i;
    }
    this.quiet.set(market, { version: market.version, swaps });
    return -1;
  }

  /** Its transactions enter no mempool: submitted, arrived and ordered at once, by the sequencer itself. */
  private own(rollup: number, action: TxAction, nowUs: Micros): Tx {
    const tx = newTx(this.ids.next(), rollup, this.params.name, nowUs, action);
    tx.gasUsd = this.params.gasUsd;
    tx.arriveUs = nowUs;
    this.events.txSubmitted.emit(tx);
    return tx;
  }
}
