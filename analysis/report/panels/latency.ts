// Latency CDFs: submission to pre-confirmation, inclusion and finality, per rollup, one curve per variant.
import { latencyQuantiles, LATENCY_MEASURES } from '../../latency.ts';
import { DECORATION, figure, Plot } from '../plot.ts';
import { isAbsent, required, type Panel } from '../panel.ts';

export const latencyPanel: Panel = {
  id: 'latency',
  title: 'Latency distributions',
  intro: 'Fraction of transactions that had reached each stage by a given delay after submission (CDF, log time axis). Pre-confirmation is the promise a user trades on; finality is when it can no longer be reordered (txs table).',
  render(input) {
    const txs = required(input, 'txs');
    if (isAbsent(txs)) return txs;
    // A log axis has no 0: a delay of 0 (included in the block it arrived for) plots at 0.1 ms.
    const q = latencyQuantiles(txs).map((d) => ({ ...d, x: Math.max(d.ms, 0.1), series: `${d.variant} ${d.rollup} ${d.measure}` }));
    const rollupNames = [...new Set(q.map((d) => d.rollup))].sort();
    return {
      html: figure('latency', {
        height: 70 + 170 * rollupNames.length,
        marginRight: 70,
        x: { type: 'log', label: 'delay since submission (ms) →', grid: true },
        y: { label: '↑ fraction of transactions', domain: [0, 1], grid: true },
        fx: { label: null, domain: Object.keys(LATENCY_MEASURES) },
        fy: { label: 'rollup', domain: rollupNames },
        color: { legend: true, domain: input.variants },
        marks: [Plot.line(q, { x: 'x', y: 'p', z: 'series', fx: 'measure', fy: 'rollup', stroke: 'variant', strokeWidth: 1.8, ariaLabel: 'variant' }), Plot.frame({ ...DECORATION, strokeOpacity: 0.2 })],
      }),
    };
  },
};
