// Where MEV went (mev table), per variant and per run: gross profit = searchers' net profit +
// sequencers' own net (when they extract) + priority fees paid to the sequencer + gas, row by row,
// so the parts stack to the gross; victims' losses alongside.
import { rollup } from 'd3-array';
import type { Table } from 'apache-arrow';
import { numbers, strings } from './columns.ts';

export const MEV_PARTS = ['searcher_net', 'sequencer_net', 'priority_fees', 'gas'] as const;
export type MevPart = (typeof MEV_PARTS)[number];

export interface MevShare {
  variant: string;
  part: MevPart;
  /** USD per run of the variant. */
  usd: number;
}

export interface MevVictims {
  variant: string;
  /** Victims' losses, USD per run. */
  victimLossUsd: number;
  /** Opportunities taken or attempted, per run. */
  attempts: number;
}

/** `runsPerVariant`: runs that finished per variant (a variant with no MEV row still has runs). */
export function mevSplit(mev: Table, runsPerVariant: ReadonlyMap<string, number>): { shares: MevShare[]; victims: MevVictims[] } {
  const mode = strings(mev, 'mode');
  const captured = strings(mev, 'captured_by');
  const net = numbers(mev, 'net_profit_usd');
  const fees = numbers(mev, 'fees_paid_usd');
  const gas = numbers(mev, 'gas_usd');
  const loss = numbers(mev, 'victim_loss_usd');
  const index = Array.from(mode.keys());
  const byVariant = rollup(index, (is) => is, (i) => mode[i]!);
  const shares: MevShare[] = [];
  const victims: MevVictims[] = [];
  for (const [variant, runs] of runsPerVariant) {
    const is = byVariant.get(variant) ?? [];
    const sum = (f: (i: number) => number) => is.reduce((s, i) => s + f(i), 0) / runs;
    shares.push(
      { variant, part: 'searcher_net', usd: sum((i) => (captured[i] === 'sequencer' ? 0 : net[i])) },
      { variant, part: 'sequencer_net', usd: sum((i) => (captured[i] === 'sequencer' ? net[i] : 0)) },
      { variant, part: 'priority_fees', usd: sum((i) => fees[i]) },
      { variant, part: 'gas', usd: sum((i) => gas[i]) },
    );
    victims.push({ variant, victimLossUsd: sum((i) => (Number.isFinite(loss[i]) ? loss[i] : 0)), attempts: is.length / runs });
  }
  return { shares, victims };
}
