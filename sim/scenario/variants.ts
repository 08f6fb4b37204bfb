// Sequencing variants: the worlds a scenario's seeds run under. `modes: [centralized, shared]`
// means two variants named after their modes, on the scenario as it is; `variants:` names any
// number, each a mode and a sequencing section deep-merged over the scenario's own `sequencing`
// (mappings merge, lists and scalars replace). Each variant's scenario is validated whole after
// the merge — cross-field checks and the run budget included — and its problems are reported at
// the variant's own field when the variant wrote it, at the scenario's `sequencing` otherwise.
// Only the sequencing section differs between variants: prices, flows and agents are the same
// data, so every variant runs on the same exogenous world per seed (common random numbers).
import type { z } from 'zod';
import { ScenarioError, formatPath, type PathSegment } from './errors.ts';
import { cloneData, deepMerge, getPath, hasPath, isPlainObject, type PlainObject } from './data.ts';
import { originOf, toScenarioIssues, withOrigin, type Provenance } from './issues.ts';
import { budgetIssues } from './budget.ts';
import { ScenarioSchema, scenarioJsonSchemaShared, type Scenario, type SequencingMode } from './schema.ts';

export interface Variant {
  /** The value of the tables' mode column for this variant's runs. */
  name: string;
  /** The mechanism the world is built with. */
  mode: SequencingMode;
  /** The scenario this variant's runs use: the scenario with its sequencing section merged in. */
  scenario: Scenario;
  /** The merged sequencing section as written (before defaults), for runs.params_json; undefined for `modes`. */
  sequencingWritten?: unknown;
}

export interface ResolvedVariants {
  variants: Variant[];
  /** Name of the variant the others are compared against. */
  baseline: string;
  /** True when the scenario names `variants` (rather than `modes`). */
  named: boolean;
}

const noProvenance: Provenance = { sources: [], overrides: [] };

/**
 * The variants of a validated scenario. `resolved` is the merged data it was validated from;
 * `provenance` places problems in files and --set arguments.
 */
export function resolveVariants(scenario: Scenario, resolved: unknown, file: string, provenance: Provenance = noProvenance): ResolvedVariants {
  const data = (isPlainObject(resolved) ? resolved : {}) as PlainObject;
  // Both written: the later one wins (a file over the file it extends, --set over files); in one place, it is a mistake.
  const both = scenario.variants !== undefined && Object.hasOwn(data, 'modes');
  const later = both ? laterOf(['modes'], ['variants'], provenance) : undefined;
  if (both && later === undefined)
    throw new ScenarioError(file, [withOrigin({ path: 'modes', message: 'expected either modes or variants, not both (each mode is a variant named after it: list it under variants)' }, ['modes'], provenance)]);
  if (scenario.variants === undefined || later === 'modes') {
    const variants = scenario.modes.map((mode) => ({ name: mode, mode, scenario }));
    if (later === 'modes' && scenario.baseline !== undefined && !scenario.modes.includes(scenario.baseline as SequencingMode))
      throw new ScenarioError(file, [withOrigin({ path: 'baseline', message: `expected a mode (one of ${scenario.modes.map((m) => `"${m}"`).join(', ')}): modes replaces the variants` }, ['baseline'], provenance)]);
    return { variants, baseline: scenario.baseline ?? scenario.modes[0], named: false };
  }
  const { variants: _v, baseline: _b, modes: _m, ...base } = data;
  const variants = scenario.variants.map((v, i): Variant => {
    const sequencingWritten = deepMerge(data.sequencing ?? {}, v.sequencing ?? {});
    const merged = { ...cloneData(base), modes: [v.mode], sequencing: sequencingWritten };
    const at: PathSegment[] = ['variants', i, 'sequencing'];
    const written = getPath(data, at);
    // A problem at sequencing.<rest> is the variant's when the variant wrote <rest> (or an ancestor of it).
    const place = (path: readonly PathSegment[]): PathSegment[] => {
      if (path[0] !== 'sequencing') return [...path];
      const rest = path.slice(1);
      for (let k = rest.length; k >= 1; k--) if (hasPath(written, rest.slice(0, k))) return [...at, ...rest];
      return [...path];
    };
    const inVariant = (message: string) => `${message} (in variant "${v.name}")`;
    const result = ScenarioSchema.safeParse(merged);
    if (!result.success) {
      const issues = result.error.issues.map((issue) => ({ ...issue, path: place(issue.path.filter((s): s is string | number => typeof s !== 'symbol')) }) as z.core.$ZodIssue);
      throw new ScenarioError(file, toScenarioIssues(issues, data, scenarioJsonSchemaShared(), provenance).map((x) => ({ ...x, message: inVariant(x.message) })));
    }
    const budget = budgetIssues(result.data);
    if (budget.length > 0)
      throw new ScenarioError(file, budget.map((b) => withOrigin({ path: formatPath(place(b.path)), message: inVariant(b.message) }, place(b.path), provenance)));
    return { name: v.name, mode: v.mode, scenario: result.data, sequencingWritten };
  });
  return { variants, baseline: scenario.baseline ?? variants[0].name, named: true };
}

/** Which of two fields was written later in the chain of files and --set arguments; undefined when by the same one. */
function laterOf(a: PathSegment[], b: PathSegment[], provenance: Provenance): 'modes' | 'variants' | undefined {
  const rank = (path: PathSegment[]): number => {
    const origin = originOf(path, provenance);
    if (!origin) return -1;
    if ('set' in origin) return provenance.sources.length + provenance.overrides.findIndex((o) => o.arg === origin.set);
    return provenance.sources.indexOf(origin.source);
  };
  const [ra, rb] = [rank(a), rank(b)];
  return ra === rb ? undefined : ra > rb ? 'modes' : 'variants';
}
