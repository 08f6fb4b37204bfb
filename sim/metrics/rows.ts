// What recorders produce: table rows (to a sink, as they happen) and, at the end of a run, metric
// rows and quantile sketches collected in a RunReport. Rows carry no run id or mode: the
// experiment layer adds them (sim/experiment/run.ts).
import { addDistribution, type Distribution, type ReportedDistribution } from './distribution.ts';

/** Where rows go: a streaming Arrow file, an in-memory table, or a test array. */
export interface RowSink {
  append(row: Record<string, unknown>): void;
}

export interface MetricRow {
  metric: string;
  rollup: string | null;
  subject: string | null;
  value: number;
  unit: string;
}

export type AddMetric = (metric: string, value: number, unit: string) => void;

/** Figures about one (rollup, subject): null for whole-run figures. */
export interface Scope {
  add: AddMetric;
  /** `<base>.mean`, `.p50`, `.p99` as metrics, and the sketch itself. */
  distribution(base: string, dist: Distribution, unit: string): void;
}

export class RunReport {
  readonly metrics: MetricRow[] = [];
  readonly sketches: ReportedDistribution[] = [];

  scope(rollup: string | null, subject: string | null = null): Scope {
    const add: AddMetric = (metric, value, unit) => this.metrics.push({ metric, rollup, subject, value, unit });
    return {
      add,
      distribution: (base, dist, unit) => {
        addDistribution(add, base, dist, unit);
        this.sketches.push({ base, rollup, subject, unit, dist });
      },
    };
  }
}

/** A sink that drops everything. */
export const NULL_SINK: RowSink = { append() {} };
