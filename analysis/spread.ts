// Options makers' half-spread by variant and component (quotes table): the mean over quote updates
// of each part of half_spread_usd, so stacking them gives the mean half-spread.
import { rollup } from 'd3-array';
import type { Table } from 'apache-arrow';
import { numbers, strings } from './columns.ts';

export const SPREAD_COMPONENTS = ['fee_usd', 'adverse_selection_usd', 'snipe_usd', 'inventory_usd', 'hedge_cost_usd', 'leg_failure_usd', 'capital_usd'] as const;
export type SpreadComponent = (typeof SPREAD_COMPONENTS)[number];

export interface SpreadPart {
  variant: string;
  component: SpreadComponent;
  /** Mean over the variant's quote updates, USD per contract. */
  usd: number;
  /** Quote updates averaged. */
  n: number;
}

export function spreadComponents(quotes: Table): SpreadPart[] {
  const mode = strings(quotes, 'mode');
  const index = Array.from(mode.keys());
  const byVariant = rollup(index, (is) => is, (i) => mode[i]!);
  const out: SpreadPart[] = [];
  for (const component of SPREAD_COMPONENTS) {
    const values = numbers(quotes, component);
    for (const [variant, is] of byVariant) {
      let sum = 0;
      for (const i of is) sum += values[i];
      out.push({ variant, component, usd: sum / is.length, n: is.length });
    }
  }
  return out;
}
