// Contagion around faults: pool dislocation, near-the-money option spreads and debt liquidated,
// against the time since each fault started (episodes pooled per variant), and the episodes' table.
import { groups, max, mean, sum } from 'd3-array';
import { contagionTimeline, episodes, NEAR_MONEY, type TimelinePoint, type TimelineQuantity } from '../../contagion.ts';
import { numbers, strings } from '../../columns.ts';
import { DECORATION, figure, Plot } from '../plot.ts';
import { fmt, htmlTable, isAbsent, required, type Panel } from '../panel.ts';

/** Bins per timeline. */
const BINS = 60;

const AXES: Record<TimelineQuantity, { id: string; y: string; mark: 'line' | 'rect' }> = {
  dislocation_bps: { id: 'contagion-dislocation', y: '↑ pool vs reference price, mean |mid/ref − 1| (bps)', mark: 'line' },
  option_spread_bps: { id: 'contagion-spread', y: `↑ option spread, near the money (±${NEAR_MONEY * 100}%), bps of spot`, mark: 'line' },
  liquidated_usd: { id: 'contagion-liquidations', y: '↑ debt liquidated per episode (USD)', mark: 'rect' },
};

export const contagionPanel: Panel = {
  id: 'contagion',
  title: 'Contagion around faults',
  intro: 'Every fault episode, aligned on its start (minute 0; shaded per variant: its mean fault duration) and pooled per variant: how far the pools on the hit rollups drifted from the reference price, what option makers charged, and the debt liquidated (contagion, trades, quotes and liquidations tables).',
  render(input) {
    const contagion = required(input, 'contagion', 'no fault episode (the scenario schedules no faults)');
    if (isAbsent(contagion)) return contagion;
    const runs = input.table('runs')!;
    const resolved = JSON.parse(strings(runs, 'resolved_json')[0] ?? '{}');
    const aftermathUs: number = resolved.faults?.aftermath_us ?? 0;
    const eps = episodes(contagion);
    const windowUs = (max(eps, (e) => e.durationUs) ?? 0) + 2 * aftermathUs;
    const binUs = Math.max(1e6, Math.ceil(windowUs / BINS / 1e6) * 1e6);
    const points = contagionTimeline({ contagion, trades: input.table('trades'), quotes: input.table('quotes'), liquidations: input.table('liquidations'), aftermathUs, binUs });
    const band = groups(eps, (e) => e.variant).map(([variant, es]) => ({ variant, x1: 0, x2: mean(es, (e) => e.durationUs)! / 6e7 }));
    const domain = [-aftermathUs / 6e7, (windowUs - aftermathUs) / 6e7];
    const minutes = (p: TimelinePoint) => p.t_s / 60;
    const figures = (Object.keys(AXES) as TimelineQuantity[]).map((quantity) => {
      const sampled = points.filter((p) => p.quantity === quantity);
      // Lines break where a bin had no sample (a halted rollup trades nothing): no line across the gap.
      const data = AXES[quantity].mark === 'line' ? withGaps(sampled, binUs, aftermathUs, windowUs) : sampled;
      const { id, y, mark } = AXES[quantity];
      if (sampled.length === 0) return `<p class="absent" data-absent="${id}">No ${quantity === 'option_spread_bps' ? 'option quotes' : quantity === 'liquidated_usd' ? 'liquidation attributed to an episode' : 'trades on the hit rollups'} in the window.</p>`;
      const series =
        mark === 'line'
          ? Plot.line(data, { x: minutes, y: 'value', stroke: 'variant', ariaLabel: 'variant', strokeWidth: 1.6 })
          : Plot.rectY(data, { x1: minutes, x2: (p: TimelinePoint) => (p.t_s + binUs / 1e6) / 60, y: 'value', fill: 'variant', fy: 'variant', ariaLabel: 'variant', title: (p: TimelinePoint) => `${fmt(p.value)} USD (${p.n} liquidations)` });
      return figure(id, {
        height: mark === 'rect' ? 60 + 110 * input.variants.length : 260,
        marginLeft: 70,
        marginRight: 90,
        x: { label: 'minutes since the fault started →', grid: true, domain },
        y: { label: y, grid: true },
        fy: mark === 'rect' ? { label: null, domain: input.variants } : undefined,
        color: { legend: true, domain: input.variants },
        marks: [Plot.rectX(band, { x1: 'x1', x2: 'x2', fill: 'variant', fillOpacity: 0.12, ...(mark === 'rect' ? { fy: 'variant' } : {}), ...DECORATION }), Plot.ruleX([0], { ...DECORATION, strokeOpacity: 0.5 }), series, Plot.ruleY([0], DECORATION)],
      });
    });
    const [mode, liquidated, bad, affected, recovery] = [strings(contagion, 'mode'), numbers(contagion, 'liquidated_usd'), numbers(contagion, 'bad_debt_usd'), numbers(contagion, 'rollups_affected'), numbers(contagion, 'recovery_s')];
    const rows = groups(Array.from(mode.keys()), (i) => mode[i]!).map(([variant, is]) => {
      const es = is.map((i) => eps[i]);
      return [
        variant, is.length, [...new Set(es.map((e) => e.kind))].join(', '), fmt(mean(es, (e) => e.durationUs / 6e7)!), fmt(mean(is, (i) => affected[i])!),
        fmt(sum(is, (i) => liquidated[i]) / is.length), fmt(sum(is, (i) => bad[i]) / is.length), fmt(mean(is, (i) => recovery[i]) ?? NaN),
      ];
    });
    const table = htmlTable(['variant', 'episodes', 'kinds', 'mean duration (min)', 'rollups halted (mean)', 'liquidated per episode (USD)', 'bad debt per episode (USD)', 'recovery (s, mean)'], rows);
    return { html: figures.join('') + table };
  },
};

/** Every bin of the window for each variant, NaN where the bin had no sample. */
function withGaps(points: readonly TimelinePoint[], binUs: number, aftermathUs: number, windowUs: number): TimelinePoint[] {
  const first = Math.floor(-aftermathUs / binUs);
  const last = Math.ceil((windowUs - aftermathUs) / binUs);
  return groups(points, (p) => p.variant).flatMap(([variant, ps]) => {
    const at = new Map(ps.map((p) => [Math.round((p.t_s * 1e6) / binUs), p]));
    return Array.from({ length: last - first }, (_, k) => at.get(first + k) ?? { ...ps[0], variant, t_s: ((first + k) * binUs) / 1e6, value: NaN, n: 0 });
  });
}
