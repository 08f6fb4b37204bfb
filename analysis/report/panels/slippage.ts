// Users' slippage by rollup, stacked by part; the tick is the net (the mean slippage_bps).
import { rollups, sum } from 'd3-array';
import { SLIPPAGE_PARTS, slippageDecomposition } from '../../slippage.ts';
import { DECORATION, figure, Plot } from '../plot.ts';
import { isAbsent, required, type Panel } from '../panel.ts';

export const SLIPPAGE_LABELS: Record<(typeof SLIPPAGE_PARTS)[number], string> = {
  fee_bps: 'pool fee', impact_bps: 'own price impact', ordering_bps: 'other users first', latency_bps: 'arbitrage while in flight', mev_bps: 'front-runs (MEV)', other_bps: 'unreplayed rest',
};

export const slippagePanel: Panel = {
  id: 'slippage',
  title: 'Slippage decomposition by rollup',
  intro: "Users' swaps: mean cost against the pool mid they saw, split by cause. Parts left of zero (the pool moving in the user's favour while in flight) offset the others; the black tick is the net mean slippage (trades table).",
  render(input) {
    const trades = required(input, 'trades');
    if (isAbsent(trades)) return trades;
    const parts = slippageDecomposition(trades).map((p) => ({ ...p, label: SLIPPAGE_LABELS[p.part] }));
    if (parts.length === 0) return { absent: `trades.arrow in ${input.dir} has no executed user swap.` };
    const totals = rollups(parts, (ps) => sum(ps, (p) => p.bps), (p) => p.variant, (p) => p.rollup).flatMap(([variant, rs]) => rs.map(([rollup, bps]) => ({ variant, rollup, bps })));
    const rollupNames = [...new Set(parts.map((p) => p.rollup))].sort();
    return {
      html: figure('slippage', {
        height: 50 + rollupNames.length * (20 + 28 * input.variants.length),
        marginLeft: 110,
        marginRight: 60,
        x: { label: 'mean slippage of users’ swaps (bps) →', grid: true },
        y: { label: null, domain: input.variants },
        fy: { label: 'rollup', domain: rollupNames },
        color: { legend: true, domain: SLIPPAGE_PARTS.map((p) => SLIPPAGE_LABELS[p]) },
        marks: [
          Plot.barX(parts, { y: 'variant', fy: 'rollup', x: 'bps', fill: 'label', ariaLabel: 'label', title: (d) => `${d.rollup}, ${d.variant}, ${d.label}: ${d.bps.toFixed(2)} bps (${d.n} swaps)` }),
          Plot.tickX(totals, { y: 'variant', fy: 'rollup', x: 'bps', stroke: 'currentColor', strokeWidth: 2.5, ariaLabel: () => 'net', title: (d) => `net ${d.bps.toFixed(2)} bps` }),
          Plot.ruleX([0], DECORATION),
        ],
      }),
    };
  },
};
