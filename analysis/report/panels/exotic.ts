// Cross-rollup exotics: how often, and by how much, what their settlement paid strayed from what
// their terms promised, per variant — and how far apart the two legs read their pools.
import { numbers, strings } from '../../columns.ts';
import { DECORATION, figure, Plot } from '../plot.ts';
import { fmt, htmlTable, isAbsent, required, type Panel } from '../panel.ts';

export const exoticPanel: Panel = {
  id: 'exotic',
  title: 'Cross-rollup exotic settlement',
  intro:
    "Each expiry of a cross-rollup exotic (exotics table): the settlement error (paid − promised, USD a contract) against the gap between its two legs' readings. One atomic slot reads both pools at once (gap 0); a bridge reads the second pool late, and the payoff can flip.",
  render(input) {
    const t = required(input, 'exotics', 'the scenario lists no options.exotics');
    if (isAbsent(t)) return t;
    const mode = strings(t, 'mode');
    const exotic = strings(t, 'exotic');
    const status = strings(t, 'status');
    const gap = numbers(t, 'read_gap_ms');
    const error = numbers(t, 'settlement_error_usd');
    const points = Array.from({ length: t.numRows }, (_, i) => ({ variant: mode[i]!, exotic: exotic[i]!, gapS: gap[i] / 1000, error: error[i], settled: status[i] === 'settled' })).filter((p) => p.settled);
    const rows = input.variants.flatMap((v) =>
      [...new Set(points.filter((p) => p.variant === v).map((p) => p.exotic))].map((x) => {
        const mine = points.filter((p) => p.variant === v && p.exotic === x);
        const unsettled = status.filter((s, i) => s !== 'settled' && mode[i] === v && exotic[i] === x).length;
        const mean = (f: (p: (typeof mine)[number]) => number) => mine.reduce((a, p) => a + f(p), 0) / mine.length;
        return [v, x, mine.length, unsettled, fmt(mine.filter((p) => p.error !== 0).length / mine.length), fmt(mean((p) => Math.abs(p.error))), fmt(mean((p) => p.error)), fmt(mean((p) => p.gapS))];
      }),
    );
    return {
      html:
        htmlTable(['variant', 'exotic', 'settled', 'unsettled', 'mismatched', 'mean |error| (USD)', 'mean error (USD)', 'mean read gap (s)'], rows) +
        figure('exotic-error', {
          height: 260,
          x: { label: 'read gap between the legs (s) →', grid: true },
          y: { label: '↑ settlement error (USD)', grid: true },
          color: { legend: true, domain: input.variants },
          marks: [Plot.dot(points, { x: 'gapS', y: 'error', fill: 'variant', r: 3, fillOpacity: 0.6, ariaLabel: 'variant', title: (p) => `${p.variant} ${p.exotic}: ${p.error} USD, legs ${p.gapS.toFixed(1)} s apart` }), Plot.ruleY([0], DECORATION)],
        }),
    };
  },
};
