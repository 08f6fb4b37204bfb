// An MEV position (a sandwich: front-run, victim, back-run; or a back-run alone) from opening to
// close. The model decides its outcome when its last transaction has executed or left, and emits
// it; recorders value it (sim/metrics/mev.ts) but never change it.
import type { Micros } from '../../engine/time.ts';
import type { Tx } from '../tx.ts';
import type { Side } from '../market/amm.ts';
import type { MarketPool } from '../market/marketPool.ts';
import { SwapAction } from '../market/swap.ts';
import type { ModelEvents } from '../events.ts';

export interface Position {
  readonly id: number;
  readonly kind: 'sandwich' | 'backrun';
  readonly searcher: string;
  readonly capturedBy: 'searcher' | 'sequencer';
  readonly market: MarketPool;
  readonly victim: Tx;
  readonly side: Side;
  readonly openedUs: Micros;
  front?: Tx;
  back?: Tx;
  /** Front-run size (input token); fixed when placed, or at execution for a sequencer. */
  frontIn: number;
  frontOut?: number;
  backOut?: number;
  /** What the victim would have received with no front-run ahead of it (output token). */
  victimOutWithout?: number;
  /** Gas per transaction of the position, USD (paid whether it succeeds or reverts). */
  gasPerTxUsd: number;
  /** The most the searcher will bid: the opportunity's expected value, USD. */
  maxBidUsd: number;
  failure?: string;
  /** A back-run's profit at the reference price (USD, before gas): set when it executed. */
  grossUsd?: number;
  /** Set at close. */
  closedUs?: Micros;
  /** Set at close: a sandwich whose legs both executed around its executed victim, or a back-run that traded. */
  ok?: boolean;
  /** The placing agent's hook, told at close (it forgets the position). */
  onClose?: () => void;
}

/** Closes a position: decides its outcome and emits it. */
export function closePosition(p: Position, nowUs: Micros, events: ModelEvents): void {
  p.closedUs = nowUs;
  if (p.kind === 'backrun') p.ok = p.failure === undefined;
  else {
    const frontDone = p.frontOut !== undefined;
    // A sandwich is only a sandwich if its victim executed between the legs (a censored victim never does).
    const victimRan = p.victim.action instanceof SwapAction && p.victim.action.result !== undefined;
    if (frontDone && !victimRan) p.failure ??= 'victim-missing';
    p.ok = frontDone && p.backOut !== undefined && victimRan;
  }
  p.onClose?.();
  events.mevClosed.emit(p);
}
