// Options makers' half-spread, stacked by component, one bar per variant.
import { SPREAD_COMPONENTS, spreadComponents } from '../../spread.ts';
import { DECORATION, figure, Plot } from '../plot.ts';
import { isAbsent, required, type Panel } from '../panel.ts';

export const SPREAD_LABELS: Record<(typeof SPREAD_COMPONENTS)[number], string> = {
  fee_usd: 'maker fee', adverse_selection_usd: 'adverse selection', snipe_usd: 'stale-quote sniping', inventory_usd: 'inventory (Avellaneda–Stoikov)',
  hedge_cost_usd: 'hedge slippage', leg_failure_usd: 'failed hedge legs', capital_usd: 'capital',
};

export const spreadPanel: Panel = {
  id: 'spread',
  title: 'Options spread by component',
  intro: "The makers' mean half-spread per quote update, split into what they charge for: the parts stack to half_spread_usd (quotes table).",
  render(input) {
    const quotes = required(input, 'quotes', 'the scenario has no options venue');
    if (isAbsent(quotes)) return quotes;
    const parts = spreadComponents(quotes).map((p) => ({ ...p, label: SPREAD_LABELS[p.component] }));
    return {
      html: figure('spread', {
        height: 60 + 40 * input.variants.length,
        marginLeft: 110,
        x: { label: 'mean half-spread per quote update (USD per contract) →', grid: true },
        y: { label: null, domain: input.variants },
        color: { legend: true, domain: SPREAD_COMPONENTS.map((c) => SPREAD_LABELS[c]) },
        marks: [Plot.barX(parts, { y: 'variant', x: 'usd', fill: 'label', ariaLabel: 'label', title: (d) => `${d.variant}, ${d.label}: ${d.usd.toFixed(4)} USD` }), Plot.ruleX([0], DECORATION)],
      }),
    };
  },
};
