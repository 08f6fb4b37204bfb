// The regression gate (`seqsim check`): figures of an output directory against a committed
// baseline, each with the tolerance of the first rule that matches it. A figure is a metric's mean
// over seeds for one variant (and rollup, subject), or the mean paired difference of a variant
// against the baseline variant (the rows of comparison.arrow). A tolerance is absolute (`abs`, in
// the metric's unit), relative (`rel`, a fraction of |baseline|) and/or "within the interval"
// (`interval`: k times the baseline's 95% Student-t half-width, so 1 = inside its 95% interval);
// with several, the widest applies. Pure functions: reading and writing files is the caller's.
import { tInterval } from './summary.ts';
import type { ComparisonRow } from './comparison.ts';

export interface Tolerance {
  abs?: number;
  rel?: number;
  interval?: number;
}

export interface ToleranceRule extends Tolerance {
  /** Metric names it applies to: `*` matches any characters (`latency.*`, `*.p99`, `*`). */
  metric: string;
  /** Only means or only paired differences; both when absent. */
  kind?: 'mean' | 'difference';
  /** Variant names it applies to (same pattern syntax); all when absent. */
  variant?: string;
  /** Why this tolerance: kept for the reader of the baseline file. */
  why?: string;
}

export interface Figure {
  metric: string;
  rollup: string | null;
  subject: string | null;
  variant: string;
  /** null: the variant's mean; a variant name: the paired difference variant − against. */
  against: string | null;
  unit: string;
  n: number;
  mean: number;
  /** Half-width of the 95% Student-t interval; null with fewer than two seeds. */
  ci95: number | null;
}

export interface Verdict {
  key: Omit<Figure, 'unit' | 'n' | 'mean' | 'ci95'>;
  unit: string;
  baseline: Figure | null;
  now: Figure | null;
  /** The allowed deviation (null for new and missing figures). */
  allowed: number | null;
  rule: ToleranceRule | null;
  verdict: 'ok' | 'regression' | 'missing' | 'new';
}

export const keyOf = (f: Pick<Figure, 'metric' | 'rollup' | 'subject' | 'variant' | 'against'>) => JSON.stringify([f.metric, f.rollup, f.subject, f.variant, f.against]);

/** Means per (metric, rollup, subject, variant) over the runs with a finite value, then the paired differences. */
export function figuresOf(metrics: readonly { mode: string; metric: string; rollup: string | null; subject: string | null; value: number; unit: string }[], comparison: readonly ComparisonRow[]): Figure[] {
  const groups = new Map<string, { f: Omit<Figure, 'n' | 'mean' | 'ci95'>; values: number[] }>();
  for (const m of metrics) {
    if (!Number.isFinite(m.value)) continue;
    const f = { metric: m.metric, rollup: m.rollup, subject: m.subject, variant: m.mode, against: null, unit: m.unit };
    const k = keyOf(f);
    if (!groups.has(k)) groups.set(k, { f, values: [] });
    groups.get(k)!.values.push(m.value);
  }
  const means: Figure[] = [...groups.values()].map(({ f, values }) => {
    const t = tInterval(values);
    return { ...f, n: t.n, mean: t.mean, ci95: Number.isFinite(t.ci95) ? t.ci95 : null };
  });
  const diffs: Figure[] = comparison.map((c) => ({
    metric: c.metric, rollup: c.rollup, subject: c.subject, variant: c.variant, against: c.baseline, unit: c.unit, n: c.n, mean: c.diff_mean,
    ci95: c.diff_t_high === null || c.diff_t_low === null ? null : (c.diff_t_high - c.diff_t_low) / 2,
  }));
  return sortFigures([...means, ...diffs]);
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const nullable = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : byCodeUnit(a, b));

/** Deterministic order: metric, rollup, subject, means before differences, variant. */
export function sortFigures<T extends Pick<Figure, 'metric' | 'rollup' | 'subject' | 'variant' | 'against'>>(figures: T[]): T[] {
  return figures.sort((a, b) => byCodeUnit(a.metric, b.metric) || nullable(a.rollup, b.rollup) || nullable(a.subject, b.subject) || nullable(a.against, b.against) || byCodeUnit(a.variant, b.variant));
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** The first rule that applies to a figure. */
export function ruleFor(rules: readonly ToleranceRule[], f: Pick<Figure, 'metric' | 'variant' | 'against'>): ToleranceRule | null {
  for (const r of rules) {
    if (r.kind !== undefined && (r.kind === 'difference') !== (f.against !== null)) continue;
    if (r.variant !== undefined && !globToRegExp(r.variant).test(f.variant)) continue;
    if (globToRegExp(r.metric).test(f.metric)) return r;
  }
  return null;
}

/** The deviation a tolerance allows from a baseline figure: the widest of the kinds given. */
export function allowedDeviation(t: Tolerance, baseline: Figure): number {
  return Math.max(t.abs ?? 0, (t.rel ?? 0) * Math.abs(baseline.mean), (t.interval ?? 0) * (baseline.ci95 ?? 0));
}

/** Every figure of either side with its verdict, in figure order. Figures no rule covers must be equal. */
export function evaluate(baseline: readonly Figure[], now: readonly Figure[], rules: readonly ToleranceRule[]): Verdict[] {
  const before = new Map(baseline.map((f) => [keyOf(f), f]));
  const after = new Map(now.map((f) => [keyOf(f), f]));
  const keys = sortFigures([...new Map([...baseline, ...now].map((f) => [keyOf(f), f])).values()]);
  return keys.map((k) => {
    const b = before.get(keyOf(k)) ?? null;
    const n = after.get(keyOf(k)) ?? null;
    const key = { metric: k.metric, rollup: k.rollup, subject: k.subject, variant: k.variant, against: k.against };
    const unit = (b ?? n)!.unit;
    const rule = ruleFor(rules, k);
    if (!b) return { key, unit, baseline: null, now: n, allowed: null, rule, verdict: 'new' as const };
    if (!n) return { key, unit, baseline: b, now: null, allowed: null, rule, verdict: 'missing' as const };
    const allowed = rule ? allowedDeviation(rule, b) : 0;
    return { key, unit, baseline: b, now: n, allowed, rule, verdict: Math.abs(n.mean - b.mean) <= allowed ? ('ok' as const) : ('regression' as const) };
  });
}

export const failed = (v: Verdict) => v.verdict === 'regression' || v.verdict === 'missing';

const num = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3 ? x.toExponential(3) : Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4));

function toleranceText(v: Verdict): string {
  if (v.allowed === null) return '—';
  const r = v.rule;
  if (!r) return '±0 (no rule)';
  const setting = (x: number) => String(+x.toPrecision(3));
  const parts = [r.abs !== undefined ? `abs ${setting(r.abs)}` : '', r.rel !== undefined ? `rel ${setting(r.rel * 100)}%` : '', r.interval !== undefined ? `${setting(r.interval)}× 95% CI` : ''].filter(Boolean);
  return `±${num(v.allowed)} (${parts.join(', ')})`;
}

/** The readable diff: metric, baseline, now, tolerance, verdict; one line per figure shown. */
export function formatVerdicts(verdicts: readonly Verdict[]): string {
  const header = ['metric', 'where', 'variant', 'baseline', 'now', 'tolerance', 'verdict'];
  const lines = verdicts.map((v) => {
    const where = [v.key.rollup, v.key.subject].filter((x) => x !== null).join('/') || '—';
    const variant = v.key.against === null ? v.key.variant : `${v.key.variant} − ${v.key.against}`;
    const val = (f: Figure | null) => (f ? `${num(f.mean)}${f.ci95 !== null ? ` ±${num(f.ci95)}` : ''} ${v.unit}`.trim() : '—');
    let verdict: string = v.verdict.toUpperCase();
    if (v.verdict === 'regression' && v.baseline && v.now) {
      const d = v.now.mean - v.baseline.mean;
      verdict += ` (${d >= 0 ? '+' : ''}${num(d)}${v.allowed ? `, ${num(Math.abs(d) / v.allowed)}× tolerance` : ''})`;
    }
    if (v.verdict === 'missing') verdict += ' (in the baseline, not in this output)';
    if (v.verdict === 'new') verdict += ' (not in the baseline: --update to add it)';
    return [v.key.metric, where, variant, val(v.baseline), val(v.now), toleranceText(v), verdict];
  });
  const all = [header, ...lines];
  const widths = header.map((_, c) => Math.max(...all.map((l) => l[c].length)));
  return all.map((l) => l.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
