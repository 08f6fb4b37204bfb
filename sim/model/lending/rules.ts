// Aave v3.3 liquidation rules on one position (one collateral asset, a USD debt), as pure
// functions: the health factor, the close factor, the dust rule and the deficit.
//   HF = collateral × price × LT / debt; liquidatable below 1.
//   Close factor: 50% of the debt, 100% when HF ≤ 0.95 or the collateral or the debt is worth
//   less than $2,000 (LiquidationLogic.sol, v3.3).
//   Collateral seized = repaid × (1 + bonus) / price; of the bonus part the protocol keeps its fee.
//   A partial liquidation must leave at least $1,000 of debt and of collateral, or it reverts.
//   When the collateral runs out with debt left, the rest is written off as a deficit (bad debt).
// So a liquidation repaying a fraction c of the debt takes HF to (HF − c·LT·(1+b)) / (1 − c):
// down when HF < LT·(1+b) (a spiral), up above it.

export interface RiskParams {
  readonly lt: number;
  readonly bonus: number;
  readonly protocolFee: number;
  readonly closeFactor: number;
  readonly fullCloseHf: number;
  readonly fullCloseBelowUsd: number;
  readonly minLeftoverUsd: number;
}

export function healthFactor(collateral: number, price: number, lt: number, debtUsd: number): number {
  return debtUsd > 0 ? (collateral * price * lt) / debtUsd : Infinity;
}

/** The most one liquidation may repay now, USD. */
export function maxRepayUsd(p: RiskParams, collateralUsd: number, debtUsd: number, hf: number): number {
  const whole = hf <= p.fullCloseHf || collateralUsd < p.fullCloseBelowUsd || debtUsd < p.fullCloseBelowUsd;
  return whole ? debtUsd : debtUsd * p.closeFactor;
}

export type LiquidationResult =
  | {
      ok: true;
      repaidUsd: number;
      /** Collateral taken from the position (units), the protocol's fee included. */
      seized: number;
      /** Of that, what the liquidator receives. */
      toLiquidator: number;
      protocolFee: number;
      /** Debt written off because no collateral was left, USD. */
      deficitUsd: number;
      collateralLeft: number;
      debtLeftUsd: number;
      hfBefore: number;
      hfAfter: number;
    }
  | { ok: false; reason: 'healthy' | 'dust'; hfBefore: number };

/** Liquidates up to `requestUsd` of the debt (Infinity: as much as allowed) at `price`. Pure. */
export function liquidate(p: RiskParams, collateral: number, debtUsd: number, price: number, requestUsd = Infinity): LiquidationResult {
  const hfBefore = healthFactor(collateral, price, p.lt, debtUsd);
  if (!(hfBefore < 1)) return { ok: false, reason: 'healthy', hfBefore };
  let repaidUsd = Math.min(requestUsd, maxRepayUsd(p, collateral * price, debtUsd, hfBefore));
  let seized = (repaidUsd * (1 + p.bonus)) / price;
  let collateralLeft: number;
  if (seized >= collateral) {
    // Not enough collateral for the bonus: all of it goes, for the debt it covers.
    seized = collateral;
    repaidUsd = (collateral * price) / (1 + p.bonus);
    collateralLeft = 0;
  } else collateralLeft = collateral - seized;
  let debtLeftUsd = debtUsd - repaidUsd;
  if (debtLeftUsd > 0 && collateralLeft > 0 && (debtLeftUsd < p.minLeftoverUsd || collateralLeft * price < p.minLeftoverUsd)) return { ok: false, reason: 'dust', hfBefore };
  let deficitUsd = 0;
  if (collateralLeft === 0 && debtLeftUsd > 0) {
    deficitUsd = debtLeftUsd;
    debtLeftUsd = 0;
  }
  const protocolFee = (seized - seized / (1 + p.bonus)) * p.protocolFee;
  return { ok: true, repaidUsd, seized, toLiquidator: seized - protocolFee, protocolFee, deficitUsd, collateralLeft, debtLeftUsd, hfBefore, hfAfter: healthFactor(collateralLeft, price, p.lt, debtLeftUsd) };
}
