// Sweep points: the `sweep` block (sweepSchema.ts) turned into parameters and the values each point
// gives them, and each point's scenario — the scenario without its sweep block, each value written
// at its path as a `--set` override would be, then validated whole (variants and run budget
// included). A problem a swept value causes is reported at the sweep entry that wrote it, with the
// point. Points are ordered grid-major (first path outermost), Latin hypercube samples innermost.
import { ScenarioError, formatPath, showValue, type PathSegment, type ScenarioIssue } from './errors.ts';
import { cloneData, type PlainObject } from './data.ts';
import { applyOverride, parseOverridePath, type Override } from './overrides.ts';
import { toScenarioIssues, withOrigin, type Provenance } from './issues.ts';
import { budgetIssues } from './budget.ts';
import { LIMITS } from './limits.ts';
import { DURATION_PATTERN } from './fields.ts';
import { ScenarioSchema, scenarioJsonSchemaShared, type Scenario } from './schema.ts';
import type { Sweep } from './sweepSchema.ts';
import { resolveVariants, type Variant } from './variants.ts';
import { parseDuration } from '../engine/time.ts';
import { RngStreams } from '../engine/rng.ts';

export type SweepColumnType = 'int64' | 'float64' | 'utf8' | 'bool';

export interface SweepParameter {
  /** The path as written in the sweep block, e.g. `sequencing.shared.nodes`. */
  text: string;
  path: PathSegment[];
  /** Where the parameter is written in the scenario (for messages). */
  at: PathSegment[];
  /** Its column in points.arrow: the path as an identifier (`sequencing_shared_nodes`; durations end in `_us`). */
  column: string;
  type: SweepColumnType;
  /** Durations: written as strings, stored in points.arrow as integer µs. */
  duration: boolean;
}

export interface SweepPlan {
  parameters: SweepParameter[];
  /** Per point, each parameter's value as written into the scenario (durations as strings). */
  points: unknown[][];
}

/** One point's scenario: what its runs are built from. */
export interface ScenarioPoint {
  index: number;
  scenario: Scenario;
  /** The merged data with the point's values written in, without the sweep block (runs.params_json). */
  resolved: unknown;
  variants: Variant[];
}

/** Top-level fields a point may not change: they define the plan, its provenance or its outputs. */
const FIXED_FIELDS = ['sweep', 'extends', 'name', 'description', 'seed', 'runs', 'modes', 'baseline', 'output'];

/** A point's value in points.arrow: durations in µs, everything else as written. */
export function columnValue(p: SweepParameter, value: unknown): unknown {
  return p.duration ? parseDuration(value as string) : value;
}

/** The parameters and points of a sweep block; throws a ScenarioError placed at the bad entry. */
export function planSweep(sweep: Sweep, scenarioSeed: number, variantsPerRun: number, runs: number, file: string, provenance: Provenance): SweepPlan {
  const fail = (at: PathSegment[], message: string): never => {
    throw new ScenarioError(file, [withOrigin({ path: formatPath(at), message }, at, provenance, true)]);
  };
  const grid = Object.entries(sweep.grid ?? {});
  const ranges = Object.entries(sweep.latin_hypercube?.ranges ?? {});
  if (grid.length === 0 && ranges.length === 0) fail(['sweep'], 'expected a grid or latin_hypercube.ranges with at least one field path');
  const parameters: SweepParameter[] = [];
  const parameter = (text: string, at: PathSegment[], kind: { type: SweepColumnType; duration: boolean }): SweepParameter => {
    const path = parseOverridePath(text);
    if (!path) return fail(at, `expected a field path like sequencing.shared.nodes or rollups[0].block_time, found ${showValue(text)}`);
    if (FIXED_FIELDS.includes(String(path[0])) || (path[0] === 'variants' && (path.length < 3 || path[2] !== 'sequencing')))
      fail(at, `cannot sweep ${formatPath(path)}: ${String(path[0])} defines the plan or its outputs (sweep fields of the world, sequencing or variants[i].sequencing)`);
    if (path.includes('file')) fail(at, `cannot sweep ${formatPath(path)}: price files are read once for every run`);
    const twin = parameters.find((p) => formatPath(p.path) === formatPath(path));
    if (twin) fail(at, `expected each field swept once, found ${formatPath(path)} also at ${formatPath(twin.at)}`);
    const column = identifier(text) + (kind.duration ? '_us' : '');
    if (column === 'point' || parameters.some((p) => p.column === column)) fail(at, `expected paths that name distinct columns of points.arrow, found two named ${column}`);
    return { text, path, at, column, ...kind };
  };
  const gridValues = grid.map(([text, values]) => {
    const at = ['sweep', 'grid', text];
    parameters.push(parameter(text, at, kindOf(values, (message) => fail(at, message))));
    return values;
  });
  const combinations = gridValues.reduce((n, v) => n * v.length, 1);
  const samples = sweep.latin_hypercube?.samples ?? 1;
  const total = combinations * (ranges.length > 0 ? samples : 1) * runs * variantsPerRun;
  if (total > LIMITS.runs)
    fail(['sweep'], `expected a plan of at most ${LIMITS.runs.toLocaleString('en-US')} runs, found ${combinations.toLocaleString('en-US')} grid points${ranges.length > 0 ? ` × ${samples.toLocaleString('en-US')} samples` : ''} × ${runs} seeds × ${variantsPerRun} variants = ${total.toLocaleString('en-US')}`);
  const sampled = ranges.length > 0 ? latinHypercube(ranges, sweep.latin_hypercube!.samples, sweep.latin_hypercube!.seed ?? scenarioSeed, (at, m) => fail(at, m), (text, at, kind) => parameters.push(parameter(text, at, kind))) : [[]];
  const points: unknown[][] = [];
  const walk = (k: number, prefix: unknown[]) => {
    if (k === gridValues.length) {
      for (const s of sampled) points.push([...prefix, ...s]);
      return;
    }
    for (const v of gridValues[k]) walk(k + 1, [...prefix, v]);
  };
  walk(0, []);
  return { parameters, points };
}

/** A path as a column name: lowercase, runs of other characters as one "_". */
function identifier(text: string): string {
  const id = text.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(id) ? id : `p_${id}`;
}

const isDuration = (v: unknown) => typeof v === 'string' && DURATION_PATTERN.test(v);

/** The column type of a grid's values: they must be of one kind. */
function kindOf(values: readonly unknown[], fail: (message: string) => never): { type: SweepColumnType; duration: boolean } {
  if (values.every(isDuration)) return { type: 'int64', duration: true };
  if (values.every((v) => typeof v === 'number' && Number.isSafeInteger(v))) return { type: 'int64', duration: false };
  if (values.every((v) => typeof v === 'number')) return { type: 'float64', duration: false };
  if (values.every((v) => typeof v === 'string')) return { type: 'utf8', duration: false };
  if (values.every((v) => typeof v === 'boolean')) return { type: 'bool', duration: false };
  return fail(`expected values of one kind (all numbers, all durations, all strings or all true/false), found ${showValue(values)}`);
}

type Range = [number | string, number | string] | { min: number | string; max: number | string; integer: boolean };

/**
 * A Latin hypercube of `n` samples: each range is cut into n equal strata, each used by exactly one
 * sample (a seeded permutation per range), at a uniform position within it. Integer ranges (and
 * durations, in whole µs) cut min … max inclusive. Draws come from one named stream, range by range
 * in the order written, so a sample depends only on the seed and the block.
 */
function latinHypercube(
  ranges: [string, Range][],
  n: number,
  seed: number,
  fail: (at: PathSegment[], message: string) => never,
  declare: (text: string, at: PathSegment[], kind: { type: SweepColumnType; duration: boolean }) => void,
): unknown[][] {
  const rng = new RngStreams(seed).stream('sweep/latin_hypercube');
  const columns = ranges.map(([text, range]) => {
    const at = ['sweep', 'latin_hypercube', 'ranges', text];
    const [min, max, integer] = Array.isArray(range) ? [range[0], range[1], false] : [range.min, range.max, range.integer];
    const duration = isDuration(min) && isDuration(max);
    if (!duration && !(typeof min === 'number' && typeof max === 'number')) fail(at, `expected two numbers or two durations, found ${showValue([min, max])}`);
    const lo = duration ? parseDuration(min as string)! : (min as number);
    const hi = duration ? parseDuration(max as string)! : (max as number);
    if (!(lo < hi)) fail(at, `expected min < max, found ${showValue([min, max])}`);
    const whole = duration || integer;
    if (whole && !(Number.isSafeInteger(lo) && Number.isSafeInteger(hi))) fail(at, `expected whole-number bounds for an integer range, found ${showValue([min, max])}`);
    declare(text, at, { type: whole ? 'int64' : 'float64', duration });
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    return perm.map((stratum) => {
      const u = (stratum + rng.next()) / n;
      if (!whole) return lo + (hi - lo) * u;
      const v = Math.min(hi, lo + Math.floor((hi - lo + 1) * u));
      return duration ? `${v}us` : v;
    });
  });
  return Array.from({ length: n }, (_, i) => columns.map((c) => c[i]));
}

/**
 * The scenario of point `index`: `base` (the merged data without its sweep block) with the point's
 * values written in, validated whole. Its variants must have the base's names (they label the rows).
 */
export function resolvePoint(plan: SweepPlan, index: number, base: PlainObject, file: string, provenance: Provenance, variantNames: readonly string[]): ScenarioPoint {
  const values = plan.points[index];
  const described = `sweep point ${index}: ${plan.parameters.map((p, k) => `${p.text} = ${showValue(values[k])}`).join(', ')}`;
  const overrides: Override[] = plan.parameters.map((p, k) => ({ arg: `${described} [${k}]`, path: p.path, value: values[k] }));
  const sweepProvenance: Provenance = { sources: provenance.sources, overrides: [...provenance.overrides, ...overrides] };
  // An issue a point's value caused is reported at the sweep entry that wrote it.
  const placed = (issue: ScenarioIssue): ScenarioIssue => {
    const k = overrides.findIndex((o) => o.arg === issue.set);
    if (k < 0) return { ...issue, message: `${issue.message} (at ${described})` };
    const { set: _set, ...rest } = issue;
    return withOrigin({ ...rest, message: `${issue.message} (at ${described})` }, plan.parameters[k].at, provenance, true);
  };
  const rethrow = (e: unknown): never => {
    if (e instanceof ScenarioError) throw new ScenarioError(file, e.issues.map(placed));
    throw e;
  };
  const data = cloneData(base);
  try {
    for (const o of overrides) applyOverride(data, o, file);
  } catch (e) {
    rethrow(e);
  }
  const result = ScenarioSchema.safeParse(data);
  if (!result.success) rethrow(new ScenarioError(file, toScenarioIssues(result.error.issues, data, scenarioJsonSchemaShared(), sweepProvenance)));
  const scenario = result.data!;
  const budget = budgetIssues(scenario);
  if (budget.length > 0) rethrow(new ScenarioError(file, budget.map((b) => withOrigin({ path: formatPath(b.path), message: b.message }, b.path, sweepProvenance))));
  let variants: Variant[] = [];
  try {
    variants = resolveVariants(scenario, data, file, sweepProvenance).variants;
  } catch (e) {
    rethrow(e);
  }
  const names = variants.map((v) => v.name);
  if (names.join('\0') !== variantNames.join('\0')) throw new ScenarioError(file, [placed({ path: 'variants', message: `expected the variants ${variantNames.join(', ')} at every point, found ${names.join(', ')}` })]);
  return { index, scenario, resolved: data, variants };
}
