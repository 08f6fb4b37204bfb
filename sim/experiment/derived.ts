// The tables computed from the runs' rows once every run is written: the paired comparison of
// each variant against the baseline (per sweep point) and each point's pooled distributions from
// the merged sketches. Fed with the metric and sketch rows in run-plan order — as a run appends
// them, or as `seqsim merge` reads them back from shards — so both give the same rows.
import { DDSketch } from '@datadog/sketches-js';
import { compareVariants, type ComparisonRow } from '../../analysis/comparison.ts';
import type { MetricRow } from '../metrics/rows.ts';
import { rowsOf } from '../output/batchRows.ts';
import type { BatchSink, RunPlan } from './run.ts';

/** What the derived tables need of a run: its seed pairs it, its point groups it. */
export type PlannedRun = Pick<RunPlan, 'runId' | 'seed' | 'point'>;

export type SeededMetricRow = MetricRow & { run_id: number; mode: string; seed: number; point: number };

interface Pool {
  point: number;
  mode: string;
  metric: string;
  rollup: string | null;
  subject: string | null;
  unit: string;
  count: number;
  sum: number;
  runs: number;
  sketch: DDSketch | undefined;
}

/** Where the derived rows go, point by point, as they are computed. */
export interface DerivedSinks {
  comparison: { append(row: Record<string, unknown>): void };
  point_metrics: { append(row: Record<string, unknown>): void };
}

/**
 * Rows arrive point by point (a point's runs are contiguous in the plan), so each point's
 * comparison and pooled rows are computed and written out when the next point starts, and its
 * metric rows and sketches dropped: memory holds one point's, whatever the number of points.
 */
export class DerivedTables {
  /** The metric rows of the point being fed, each with its run's seed and point (all of them without a sweep: the summary reads them). */
  readonly metrics: SeededMetricRow[] = [];
  private readonly pools = new Map<string, Pool>();
  private readonly byRun: Map<number, PlannedRun>;
  private point: number | undefined;

  constructor(plans: readonly PlannedRun[], private readonly baseline: string, private readonly variants: readonly string[], private readonly out: DerivedSinks) {
    this.byRun = new Map(plans.map((p) => [p.runId, p]));
  }

  private planOf(row: Record<string, unknown>): PlannedRun {
    const plan = this.byRun.get(row.run_id as number)!;
    if (this.point !== undefined && plan.point !== this.point) this.finishPoint();
    this.point = plan.point;
    return plan;
  }

  metric(row: Record<string, unknown>): void {
    const plan = this.planOf(row);
    this.metrics.push({ ...(row as unknown as MetricRow & { run_id: number; mode: string }), seed: plan.seed, point: plan.point });
  }

  /** Merges a run's sketch into its point's pool (in run order: the sums are added in that order too). */
  sketch(row: Record<string, unknown>): void {
    const point = this.planOf(row).point;
    const key = JSON.stringify([row.mode, row.metric, row.rollup ?? null, row.subject ?? null]);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = { point, mode: row.mode as string, metric: row.metric as string, rollup: (row.rollup as string) ?? null, subject: (row.subject as string) ?? null, unit: row.unit as string, count: 0, sum: 0, runs: 0, sketch: undefined };
      this.pools.set(key, pool);
    }
    const sketch = DDSketch.fromProto(row.ddsketch as Uint8Array);
    if (pool.sketch) pool.sketch.merge(sketch);
    else pool.sketch = sketch;
    pool.count += Number(row.count);
    pool.sum += row.sum as number;
    pool.runs++;
  }

  /** Wraps the metrics and sketches sinks so that every row they write is also fed here. */
  watch(metrics: BatchSink, sketches: BatchSink): { metrics: BatchSink; sketches: BatchSink } {
    const feeding = (sink: BatchSink, feed: (row: Record<string, unknown>) => void): BatchSink => ({
      append: (row, constants) => (feed({ ...row, ...constants }), sink.append(row, constants)),
      appendBatch: (batch) => {
        for (const row of rowsOf(batch)) feed(row);
        sink.appendBatch(batch);
      },
      drain: () => sink.drain(),
    });
    return { metrics: feeding(metrics, (r) => this.metric(r)), sketches: feeding(sketches, (r) => this.sketch(r)) };
  }

  /** The point's comparison (every variant against the baseline, seed by seed) and pooled distributions (mean from the exact sums, quantiles from the merged sketch). */
  private finishPoint(): void {
    const point = this.point ?? 0;
    for (const r of compareVariants(this.metrics, this.baseline, this.variants)) this.out.comparison.append({ point, ...r } satisfies ComparisonRow & { point: number });
    for (const p of this.pools.values()) {
      const { sketch, metric, count, sum, runs, ...where } = p;
      const finite = sketch !== undefined && sketch.count > 0;
      const stat = (name: string, value: number) => this.out.point_metrics.append({ ...where, metric: `${metric}.${name}`, value, count, runs });
      stat('mean', count > 0 ? sum / count : NaN);
      stat('p50', finite ? sketch.getValueAtQuantile(0.5) : NaN);
      stat('p99', finite ? sketch.getValueAtQuantile(0.99) : NaN);
    }
    this.metrics.length = 0;
    this.pools.clear();
  }

  /** Ends the feed: writes the last point's rows (its metric rows stay in `metrics`). */
  finish(): void {
    const kept = [...this.metrics];
    this.finishPoint();
    this.metrics.push(...kept);
  }
}
