// Sweep response curves: a metric's mean over seeds at each sweep point, per variant, with its
// Student-t 95% interval (the band). Points come from points.arrow (one row per `point`, one column
// per swept parameter) and runs.point; the x axis is the first swept parameter, the others label
// the curve.
import { groups } from 'd3-array';
import type { Table } from 'apache-arrow';
import { numbers, strings } from './columns.ts';
import { tInterval } from './summary.ts';

export interface SweepPoint {
  metric: string;
  rollup: string | null;
  unit: string;
  variant: string;
  /** The curve: the variant and the values of every swept parameter but the first. */
  series: string;
  point: number;
  x: number | string;
  mean: number;
  low: number;
  high: number;
  n: number;
}

export function sweptParameters(points: Table): string[] {
  return points.schema.fields.map((f) => f.name).filter((n) => n !== 'point');
}

export function sweepCurves(points: Table, runs: Table, metrics: Table, wanted: readonly string[]): SweepPoint[] {
  const params = sweptParameters(points);
  if (params.length === 0) return [];
  const pointIds = numbers(points, 'point');
  const paramValues = params.map((p) => Array.from(points.getChild(p)!, (v) => (typeof v === 'bigint' ? Number(v) : (v as number | string))));
  const pointRow = new Map(Array.from(pointIds, (id, i) => [id, i]));
  const runPoint = new Map(Array.from(numbers(runs, 'run_id'), (id, i) => [id, numbers(runs, 'point')[i]]));
  const [run, value] = [numbers(metrics, 'run_id'), numbers(metrics, 'value')];
  const [metric, rollup, unit, mode] = ['metric', 'rollup', 'unit', 'mode'].map((c) => strings(metrics, c));
  const want = new Set(wanted);
  const rows = Array.from(run.keys()).filter((i) => want.has(metric[i]!) && Number.isFinite(value[i]) && pointRow.has(runPoint.get(run[i])!));
  const out: SweepPoint[] = [];
  for (const [m, byRollup] of groups(rows, (i) => metric[i]!, (i) => rollup[i] ?? '')) {
    for (const [, byVariant] of byRollup) {
      for (const [variant, byPoint] of groups(byVariant, (i) => mode[i]!, (i) => runPoint.get(run[i])!)) {
        for (const [point, is] of byPoint) {
          const row = pointRow.get(point)!;
          const { n, mean, ci95 } = tInterval(is.map((i) => value[i]));
          const rest = params.slice(1).map((p, k) => `${p}=${paramValues[k + 1][row]}`);
          out.push({ metric: m, rollup: rollup[is[0]], unit: unit[is[0]]!, variant, series: [variant, ...rest].join(', '), point, x: paramValues[0][row], mean, low: mean - ci95, high: mean + ci95, n });
        }
      }
    }
  }
  const order = (m: string) => wanted.indexOf(m);
  return out.sort((a, b) => order(a.metric) - order(b.metric) || (a.rollup ?? '').localeCompare(b.rollup ?? '') || a.series.localeCompare(b.series) || a.point - b.point);
}
