// Paired comparison tables (comparison.arrow): per metric (and rollup, subject), each compared side
// against its baseline side, seed by seed on the same exogenous world. A side is a variant of one
// output directory (`seqsim run`: every variant against the baseline variant) or the same variant
// in two directories (`seqsim compare A/ B/`: B's against A's). For each, over the seeds where both
// sides have a finite value: each side's mean, the mean paired difference (variant − baseline),
// its Student-t 95% interval on n − 1 degrees of freedom, a percentile bootstrap 95% interval when
// there are at least BOOTSTRAP_MIN_N seeds, and n.
//
// The bootstrap is deterministic: each row resamples from its own seedrandom stream named after
// the row (metric, rollup, subject, baseline, variant), so the same inputs give the same bytes and
// adding a metric or a variant never moves another row's interval.
import seedrandom from 'seedrandom';
import { tInterval, type PairedRowLike } from './summary.ts';

export const BOOTSTRAP_MIN_N = 10;
export const BOOTSTRAP_RESAMPLES = 4000;

export interface ComparisonRow {
  metric: string;
  rollup: string | null;
  subject: string | null;
  unit: string;
  baseline: string;
  variant: string;
  n: number;
  baseline_mean: number;
  variant_mean: number;
  diff_mean: number;
  diff_t_low: number | null;
  diff_t_high: number | null;
  diff_boot_low: number | null;
  diff_boot_high: number | null;
}

/** One side of a comparison: a metric's value per seed. */
type BySeed = Map<number, number>;

const whereOf = (r: { metric: string; rollup: string | null; subject: string | null }) => JSON.stringify([r.metric, r.rollup, r.subject]);
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Percentile bootstrap 95% interval of the mean of `diffs`, from a stream named `label`. */
export function bootstrapInterval(diffs: readonly number[], label: string, resamples = BOOTSTRAP_RESAMPLES): [number, number] {
  const rng = seedrandom.alea(`seqsim/comparison/bootstrap/${label}`);
  const n = diffs.length;
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diffs[Math.floor(rng() * n)];
    means[b] = sum / n;
  }
  means.sort();
  return [quantileSorted(means, 0.025), quantileSorted(means, 0.975)];
}

/** Quantile of sorted values, linear between order statistics (R's type 7, as d3 and numpy's default). */
function quantileSorted(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return lo + 1 < sorted.length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
}

/** The statistics of one pair of sides over the seeds both have a finite value for (null when none). */
export function pairSides(
  key: { metric: string; rollup: string | null; subject: string | null; unit: string },
  baseline: { label: string; values: BySeed },
  variant: { label: string; values: BySeed },
): ComparisonRow | null {
  const seeds = [...baseline.values.keys()].filter((s) => variant.values.has(s)).sort((a, b) => a - b);
  if (seeds.length === 0) return null;
  const b = seeds.map((s) => baseline.values.get(s)!);
  const v = seeds.map((s) => variant.values.get(s)!);
  const diffs = seeds.map((_, i) => v[i] - b[i]);
  const t = tInterval(diffs);
  const n = seeds.length;
  const hasT = n >= 2 && Number.isFinite(t.ci95);
  const boot = n >= BOOTSTRAP_MIN_N ? bootstrapInterval(diffs, JSON.stringify([key.metric, key.rollup, key.subject, baseline.label, variant.label])) : null;
  return {
    metric: key.metric,
    rollup: key.rollup,
    subject: key.subject,
    unit: key.unit,
    baseline: baseline.label,
    variant: variant.label,
    n,
    baseline_mean: tInterval(b).mean,
    variant_mean: tInterval(v).mean,
    diff_mean: t.mean,
    diff_t_low: hasT ? t.mean - t.ci95 : null,
    diff_t_high: hasT ? t.mean + t.ci95 : null,
    diff_boot_low: boot ? boot[0] : null,
    diff_boot_high: boot ? boot[1] : null,
  };
}

interface Grouped {
  key: { metric: string; rollup: string | null; subject: string | null; unit: string };
  byMode: Map<string, BySeed>;
}

/** Finite values by (metric, rollup, subject), then mode, then seed; keys in sorted order. */
function group(rows: readonly PairedRowLike[]): Grouped[] {
  const out = new Map<string, Grouped>();
  for (const r of rows) {
    if (!Number.isFinite(r.value)) continue;
    const k = whereOf(r);
    let g = out.get(k);
    if (!g) out.set(k, (g = { key: { metric: r.metric, rollup: r.rollup, subject: r.subject, unit: r.unit }, byMode: new Map() }));
    let m = g.byMode.get(r.mode);
    if (!m) g.byMode.set(r.mode, (m = new Map()));
    m.set(r.seed, r.value);
  }
  const nullsFirst = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : byCodeUnit(a, b));
  return [...out.values()].sort((a, b) => byCodeUnit(a.key.metric, b.key.metric) || nullsFirst(a.key.rollup, b.key.rollup) || nullsFirst(a.key.subject, b.key.subject));
}

/** Within one output: every variant in `order` but the baseline, against the baseline. */
export function compareVariants(rows: readonly PairedRowLike[], baseline: string, order: readonly string[]): ComparisonRow[] {
  const out: ComparisonRow[] = [];
  for (const g of group(rows)) {
    const base = g.byMode.get(baseline);
    if (!base) continue;
    for (const v of order) {
      if (v === baseline || !g.byMode.has(v)) continue;
      const row = pairSides(g.key, { label: baseline, values: base }, { label: v, values: g.byMode.get(v)! });
      if (row) out.push(row);
    }
  }
  return out;
}

/** Between two outputs of the same seeds: each variant of `order` in `after` against the same variant in `before`. */
export function compareOutputs(before: readonly PairedRowLike[], after: readonly PairedRowLike[], order: readonly string[]): ComparisonRow[] {
  const a = new Map(group(before).map((g) => [whereOf(g.key), g]));
  const out: ComparisonRow[] = [];
  const keys = group([...before, ...after]).map((g) => g.key); // every metric either side has, sorted
  const bGroups = new Map(group(after).map((g) => [whereOf(g.key), g]));
  for (const key of keys) {
    const ga = a.get(whereOf(key));
    const gb = bGroups.get(whereOf(key));
    if (!ga || !gb) continue;
    for (const v of order) {
      const va = ga.byMode.get(v);
      const vb = gb.byMode.get(v);
      if (!va || !vb) continue;
      const row = pairSides(ga.key, { label: v, values: va }, { label: v, values: vb });
      if (row) out.push(row);
    }
  }
  return out;
}

const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
const signed = (x: number) => `${x >= 0 ? '+' : ''}${num(x)}`;

/** A plain-text table of comparison rows (`seqsim compare`): one line per row. */
export function formatComparison(rows: readonly ComparisonRow[], labels: { baseline: string; variant: string }): string {
  const header = ['metric', 'variant', labels.baseline, labels.variant, `${labels.variant} − ${labels.baseline} (paired, 95% t)`, 'bootstrap 95%', 'n'];
  const lines = rows.map((r) => {
    const where = [r.rollup, r.subject].filter((x) => x !== null).join('/');
    const t = r.diff_t_low === null ? '' : ` [${num(r.diff_t_low)}, ${num(r.diff_t_high!)}]`;
    const boot = r.diff_boot_low === null ? '—' : `[${num(r.diff_boot_low)}, ${num(r.diff_boot_high!)}]`;
    return [`${r.metric}${where ? ` [${where}]` : ''}`, r.variant, `${num(r.baseline_mean)} ${r.unit}`.trim(), `${num(r.variant_mean)} ${r.unit}`.trim(), `${signed(r.diff_mean)}${t}`, boot, String(r.n)];
  });
  const all = [header, ...lines];
  const widths = header.map((_, c) => Math.max(...all.map((l) => l[c].length)));
  return all.map((l) => l.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
