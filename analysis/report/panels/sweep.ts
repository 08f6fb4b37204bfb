// Sweep response curves: each headline metric's mean over seeds against the first swept parameter,
// one curve per variant with its 95% t band (points.arrow and runs.point).
import { groups } from 'd3-array';
import { sweepCurves, sweptParameters } from '../../sweep.ts';
import { HEADLINE_METRICS } from '../../summary.ts';
import { figure, Plot } from '../plot.ts';
import { escapeHtml, isAbsent, required, type Panel } from '../panel.ts';
import { hasColumn } from '../../columns.ts';

export const sweepPanel: Panel = {
  id: 'sweep',
  title: 'Sweep response curves',
  intro: "Each headline metric at every sweep point: the line is the mean over seeds of each run's figure, the band its Student-t 95% interval (points, runs and metrics tables).",
  render(input) {
    const points = required(input, 'points', 'this output is not a sweep (seqsim sweep writes one)');
    if (isAbsent(points)) return points;
    const runs = input.table('runs')!;
    if (!hasColumn(runs, 'point')) return { absent: `runs.arrow in ${input.dir} has no point column (written by an older seqsim).` };
    const metrics = required(input, 'metrics');
    if (isAbsent(metrics)) return metrics;
    const [param] = sweptParameters(points);
    if (param === undefined) return { absent: `points.arrow in ${input.dir} names no swept parameter.` };
    const curves = sweepCurves(points, runs, metrics, HEADLINE_METRICS);
    const series = [...new Set(curves.map((c) => c.series))];
    if (curves.length === 0) return { absent: `No headline metric measured at the sweep points of ${input.dir}.` };
    // A metric that is 0 at every point (nothing of it happened in this world) gets no figure.
    const drawn = groups(curves, (c) => `${c.metric}${c.rollup ? ` [${c.rollup}]` : ''}`).filter(([, cs]) => cs.some((c) => c.mean !== 0));
    const figures = drawn.map(([label, cs], k) =>
      figure(`sweep-${k}`, {
        width: 420,
        height: 220,
        marginLeft: 60,
        x: { label: `${param} →`, grid: true },
        y: { label: `↑ ${cs[0].unit || 'ratio'}`, grid: true },
        caption: label,
        // One legend, on the first figure: every figure uses the same series and colors.
        color: { legend: k === 0, domain: series },
        marks: [
          Plot.areaY(cs.filter((c) => Number.isFinite(c.low)), { x: 'x', y1: 'low', y2: 'high', z: 'series', fill: 'series', fillOpacity: 0.18, ariaLabel: 'series' }),
          Plot.line(cs, { x: 'x', y: 'mean', z: 'series', stroke: 'series', ariaLabel: 'series' }),
          Plot.dot(cs, { x: 'x', y: 'mean', fill: 'series', r: 2.5, ariaLabel: 'series', title: (c) => `${c.series} at ${param}=${c.x}: ${c.mean.toPrecision(3)} (n=${c.n})` }),
        ],
      }),
    );
    return { html: `<p>Swept: ${escapeHtml(sweptParameters(points).join(', '))}.</p><div class="grid">${figures.join('')}</div>` };
  },
};
