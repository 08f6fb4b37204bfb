// Options makers' half-spread, stacked by component, one bar per variant.
import type { Table } from 'apache-arrow';
import { SPREAD_COMPONENTS, spreadComponents } from '../../spread.ts';
import { summarize } from '../../summary.ts';
import { numbers, strings } from '../../columns.ts';
import { DECORATION, figure, Plot } from '../plot.ts';
import { isAbsent, required, type Panel } from '../panel.ts';

/** The makers' at-the-money spread per run (metrics), averaged over seeds with its 95% t interval. */
const ATM = 'spread.option_atm_bps.mean';

export const SPREAD_LABELS: Record<(typeof SPREAD_COMPONENTS)[number], string> = {
  fee_usd: 'maker fee', adverse_selection_usd: 'adverse selection', snipe_usd: 'stale-quote sniping', inventory_usd: 'inventory (Avellaneda–Stoikov)',
  hedge_cost_usd: 'hedge slippage', leg_failure_usd: 'failed hedge legs', capital_usd: 'capital',
};

export const spreadPanel: Panel = {
  id: 'spread',
  title: 'Options spread by component',
  intro: "The makers' mean half-spread per quote update, split into what they charge for: the parts stack to half_spread_usd (quotes table). Below: the at-the-money spread, mean over seeds with its 95% t interval (metrics table).",
  render(input) {
    const quotes = required(input, 'quotes', 'the scenario has no options venue');
    if (isAbsent(quotes)) return quotes;
    const parts = spreadComponents(quotes).map((p) => ({ ...p, label: SPREAD_LABELS[p.component] }));
    const metrics = input.table('metrics');
    const atm = metrics ? summarize(metricRows(metrics), [ATM]).map((m) => ({ ...m, label: `${m.mode} · ${[m.rollup, m.subject].filter(Boolean).join('/')}`, low: m.mean - m.ci95, high: m.mean + m.ci95 })) : [];
    const atmFigure = atm.length
      ? figure('spread-atm', {
          height: 50 + 26 * atm.length,
          marginLeft: 160,
          x: { label: 'at-the-money spread, (ask − bid) / spot (bps) →', grid: true, zero: true },
          y: { label: null },
          color: { domain: input.variants },
          marks: [
            Plot.ruleY(atm.filter((m) => Number.isFinite(m.ci95)), { y: 'label', x1: 'low', x2: 'high', stroke: 'mode', strokeWidth: 2, ariaLabel: 'mode' }),
            Plot.dot(atm, { y: 'label', x: 'mean', fill: 'mode', r: 4, ariaLabel: 'mode', title: (m) => `${m.label}: ${m.mean.toFixed(2)} ± ${m.ci95.toFixed(2)} bps (n=${m.n})` }),
          ],
        })
      : `<p class="absent">No ${ATM} in the metrics table.</p>`;
    return {
      html: figure('spread', {
        height: 60 + 40 * input.variants.length,
        marginLeft: 110,
        x: { label: 'mean half-spread per quote update (USD per contract) →', grid: true },
        y: { label: null, domain: input.variants },
        color: { legend: true, domain: SPREAD_COMPONENTS.map((c) => SPREAD_LABELS[c]) },
        marks: [Plot.barX(parts, { y: 'variant', x: 'usd', fill: 'label', ariaLabel: 'label', title: (d) => `${d.variant}, ${d.label}: ${d.usd.toFixed(4)} USD` }), Plot.ruleX([0], DECORATION)],
      }) + atmFigure,
    };
  },
};

function metricRows(metrics: Table) {
  const [mode, metric, rollup, subject, unit] = ['mode', 'metric', 'rollup', 'subject', 'unit'].map((c) => strings(metrics, c));
  const value = numbers(metrics, 'value');
  return Array.from(value, (v, i) => ({ mode: mode[i]!, metric: metric[i]!, rollup: rollup[i], subject: subject[i], unit: unit[i]!, value: v }));
}
