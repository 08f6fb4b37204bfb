// Users' slippage by variant and rollup, split into its parts (trades table): the mean over users'
// executed swaps of fee, impact and the four parts of execution drift, which sum to slippage_bps.
import { groups } from 'd3-array';
import type { Table } from 'apache-arrow';
import { numbers, strings } from './columns.ts';

export const SLIPPAGE_PARTS = ['fee_bps', 'impact_bps', 'ordering_bps', 'latency_bps', 'mev_bps', 'other_bps'] as const;
export type SlippagePart = (typeof SLIPPAGE_PARTS)[number];

export interface SlippageShare {
  variant: string;
  rollup: string;
  part: SlippagePart;
  /** Mean over the users' executed swaps, bps of the ideal amount. */
  bps: number;
  /** Swaps averaged. */
  n: number;
}

export function slippageDecomposition(trades: Table): SlippageShare[] {
  const mode = strings(trades, 'mode');
  const rollupOf = strings(trades, 'rollup');
  const kind = strings(trades, 'agent_kind');
  const status = strings(trades, 'status');
  const users = Array.from(mode.keys()).filter((i) => kind[i] === 'noise' && status[i] === 'ok');
  const parts = SLIPPAGE_PARTS.map((p) => numbers(trades, p));
  const out: SlippageShare[] = [];
  for (const [variant, byRollup] of groups(users, (i) => mode[i]!, (i) => rollupOf[i]!)) {
    for (const [rollup, is] of byRollup) {
      SLIPPAGE_PARTS.forEach((part, k) => {
        let sum = 0;
        for (const i of is) sum += parts[k][i];
        out.push({ variant, rollup, part, bps: sum / is.length, n: is.length });
      });
    }
  }
  return out;
}
