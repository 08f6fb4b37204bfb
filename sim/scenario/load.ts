// Loading a scenario: read the file (YAML or JSON), resolve `extends` (deep merge, ancestors
// first), apply `--set` overrides, then validate once and fill defaults. Loading only reads:
// it never writes, so a bad scenario leaves no trace but its error.
import path from 'node:path';
import { ScenarioError, formatPath, type PathSegment, type ScenarioIssue } from './errors.ts';
import { canonicalJson, deepMerge, type PlainObject } from './data.ts';
import { applyOverride, parseOverride, type Override } from './overrides.ts';
import { toScenarioIssues, withOrigin } from './issues.ts';
import { budgetIssues } from './budget.ts';
import { LIMITS } from './limits.ts';
import { ScenarioSchema, scenarioJsonSchemaShared, type Scenario } from './schema.ts';
import { resolveVariants, type Variant } from './variants.ts';
import { planSweep, resolvePoint, type ScenarioPoint, type SweepPlan } from './sweep.ts';
import { PriceFileError, ReplayPath, type PriceSeries } from '../model/market/price.ts';
import { describeReadError, FileTooLarge, formatOf, parseSource, readFileBytes, readScenarioBytes, sha256Hex, type ScenarioSource } from './source.ts';

export interface LoadOptions {
  /** `path=value` overrides, applied in order after `extends`, before validation. */
  set?: readonly string[];
}

export interface LoadedFile {
  path: string;
  sha256: string;
}

export interface LoadedScenario {
  /** Validated, defaults filled, durations in integer µs. */
  scenario: Scenario;
  /** The merged plain data after `extends` and `--set`, before defaults: what the hash covers. */
  resolved: unknown;
  file: string;
  /** SHA-256 of the canonical JSON (keys sorted at every depth) of `resolved`. */
  sha256: string;
  /** Every file read: the scenario first, then each `extends` ancestor in the order first read. */
  files: LoadedFile[];
  /** Replayed price paths by asset id, read and validated once here for every run. */
  priceSeries: Map<string, PriceSeries>;
  /** The sequencing variants every seed runs under, in scenario order (`modes` give one per mode). */
  variants: Variant[];
  /** The variant the others are compared against. */
  baseline: string;
  /** True when the scenario names `variants` rather than `modes`. */
  namedVariants: boolean;
  /** The sweep's parameters and points; undefined without a `sweep` block (then there is one point, 0). */
  sweep?: SweepPlan;
  /** Number of points (1 without a sweep). */
  pointCount: number;
  /** The scenario of a point (the scenario itself without a sweep); every point was validated at load. */
  point(index: number): ScenarioPoint;
  /** How it was loaded, so that a worker process can load the same scenario again (`--workers`). */
  source: { file: string; set: readonly string[]; text?: string };
}

/** Reads, resolves and validates a scenario file. Throws ScenarioError on any bad input. */
export function loadScenario(file: string, opts: LoadOptions = {}): LoadedScenario {
  let bytes: Buffer;
  try {
    bytes = readScenarioBytes(path.resolve(file));
  } catch (e) {
    throw new ScenarioError(file, [{ path: '', file, message: `cannot read the scenario file: ${describeReadError(e)}` }]);
  }
  return { ...loadFromText(bytes.toString('utf8'), sha256Hex(bytes), file, opts), source: { file, set: [...(opts.set ?? [])] } };
}

/**
 * As `loadScenario`, for text already in hand. `file` names it in messages, picks the format by
 * its extension and anchors relative `extends` paths; it need not exist.
 */
export function parseScenarioText(text: string, file: string, opts: LoadOptions = {}): LoadedScenario {
  if (Buffer.byteLength(text) > LIMITS.fileBytes)
    throw new ScenarioError(file, [{ path: '', file, message: `cannot read the scenario: ${new FileTooLarge(Buffer.byteLength(text)).message}` }]);
  return { ...loadFromText(text, sha256Hex(text), file, opts), source: { file, set: [...(opts.set ?? [])], text } };
}

/** Validates data already merged (no files, no positions): for callers that build scenarios in code. */
export function validateScenario(data: unknown, name = '<scenario>'): Scenario {
  const result = ScenarioSchema.safeParse(data);
  if (result.success) {
    const budget = budgetIssues(result.data);
    if (budget.length > 0) throw new ScenarioError(name, budget.map((b) => ({ path: formatPath(b.path), file: name, message: b.message })));
    return result.data;
  }
  throw new ScenarioError(name, toScenarioIssues(result.error.issues, data, scenarioJsonSchemaShared(), { sources: [], overrides: [] }));
}

function loadFromText(text: string, sha256: string, file: string, opts: LoadOptions): Omit<LoadedScenario, 'source'> {
  const sources: ScenarioSource[] = [];
  const files = new Map<string, LoadedFile>(); // by absolute path: a diamond of extends reads a file once
  collectSources(parseSource(text, file, sha256), path.resolve(file), [], sources, files);

  let resolved = {} as PlainObject;
  for (const source of sources) resolved = deepMerge(resolved, source.data) as PlainObject;

  const overrides: Override[] = (opts.set ?? []).map((arg) => parseOverride(arg, file));
  for (const override of overrides) applyOverride(resolved, override, file);

  const result = ScenarioSchema.safeParse(resolved);
  if (!result.success) throw new ScenarioError(file, toScenarioIssues(result.error.issues, resolved, scenarioJsonSchemaShared(), { sources, overrides }));

  const scenario = result.data;
  const budget = budgetIssues(scenario);
  if (budget.length > 0) throw new ScenarioError(file, budget.map((b) => withOrigin({ path: formatPath(b.path), message: b.message }, b.path, { sources, overrides })));
  const { variants, baseline, named } = resolveVariants(scenario, resolved, file, { sources, overrides });
  const priceSeries = readPriceFiles(scenario, file, files, sources);
  // Price files are read once, from the scenario's own assets: every run's scenario points at them.
  const sharePriceFiles = (vs: Variant[]) => {
    for (const v of vs) if (v.scenario !== scenario) v.scenario.assets.forEach((a, i) => (a.file = scenario.assets[i]?.file));
  };
  sharePriceFiles(variants);
  let sweep: SweepPlan | undefined;
  let point = (index: number): ScenarioPoint => ({ index, scenario, resolved, variants });
  if (scenario.sweep) {
    const { sweep: _sweep, ...base } = resolved;
    const provenance = { sources, overrides };
    const plan = planSweep(scenario.sweep, scenario.seed, variants.length, scenario.runs, file, provenance);
    const names = variants.map((v) => v.name);
    const resolveAt = (index: number) => {
      const p = resolvePoint(plan, index, base, file, provenance, names);
      sharePriceFiles(p.variants);
      return p;
    };
    // Every point is checked now, so a bad value is bad input before anything runs; each is
    // resolved again when its runs start (points are not held: a sweep may have thousands).
    for (let i = 0; i < plan.points.length; i++) resolveAt(i);
    let last: ScenarioPoint | undefined;
    point = (index) => (last?.index === index ? last : (last = resolveAt(index)));
    sweep = plan;
  }
  return {
    sweep,
    pointCount: sweep?.points.length ?? 1,
    point,
    variants,
    baseline,
    namedVariants: named,
    scenario,
    resolved,
    file,
    sha256: sha256Hex(canonicalJson(resolved)),
    files: [...files.values()],
    priceSeries,
  };
}

/**
 * Replayed price files: resolved relative to the scenario file, read, parsed and checked now (so a
 * bad file is bad input, exit 2, before anything runs), hashed for provenance, and handed to every
 * run as parsed series.
 */
function readPriceFiles(scenario: Scenario, file: string, files: Map<string, LoadedFile>, sources: ScenarioSource[]): Map<string, PriceSeries> {
  const series = new Map<string, PriceSeries>();
  scenario.assets.forEach((asset, i) => {
    if (asset.file === undefined) return;
    const at: PathSegment[] = ['assets', i, 'file'];
    const where = sources.map((src) => src.locate(at)).find((loc) => loc !== undefined) ?? {};
    const fail = (message: string) => new ScenarioError(file, [{ path: `assets[${i}].file`, file, message, ...where }]);
    const display = path.isAbsolute(asset.file) ? asset.file : path.normalize(path.join(path.dirname(file), asset.file));
    const abs = path.resolve(path.dirname(path.resolve(file)), asset.file);
    let bytes: Buffer;
    try {
      bytes = readFileBytes(abs);
    } catch (e) {
      throw fail(`cannot read the price file ${JSON.stringify(asset.file)} (${display}): ${describeReadError(e)}`);
    }
    try {
      series.set(asset.id, ReplayPath.fromFileBytes(display, bytes).series);
    } catch (e) {
      if (e instanceof PriceFileError) throw fail(`bad price file: ${e.message}`);
      throw e;
    }
    if (!files.has(abs)) files.set(abs, { path: display, sha256: sha256Hex(bytes) });
    asset.file = abs;
  });
  return series;
}

/**
 * Depth-first over `extends`: each ancestor's sources land before the file that extends it, so
 * folding `sources` with deepMerge in order gives "later overrides earlier". `chain` holds the
 * absolute paths of the files currently being resolved, to catch cycles.
 */
function collectSources(source: ScenarioSource, absPath: string, chain: readonly string[], sources: ScenarioSource[], files: Map<string, LoadedFile>): void {
  if (!files.has(absPath)) files.set(absPath, { path: source.file, sha256: source.sha256 });
  const refs = extendsRefs(source);
  const { extends: _removed, ...data } = source.data;
  const here = [...chain, absPath];

  for (const { ref, at } of refs) {
    const issue = (message: string): ScenarioError =>
      new ScenarioError(source.file, [{ path: formatRefPath(at), file: source.file, message, ...source.locate(at) } satisfies ScenarioIssue]);
    const parentFile = path.isAbsolute(ref) ? ref : path.normalize(path.join(path.dirname(source.file), ref));
    const parentAbs = path.resolve(path.dirname(absPath), ref);
    if (here.includes(parentAbs)) {
      const cycle = [...here.slice(here.indexOf(parentAbs)), parentAbs].map((p) => displayFor(p, absPath, source.file));
      throw issue(`extends forms a cycle: ${cycle.join(' → ')}`);
    }
    if (formatOf(ref) === undefined) throw issue(`expected a .yaml, .yml or .json file to extend, found ${JSON.stringify(ref)}`);
    let bytes: Buffer;
    try {
      bytes = readScenarioBytes(parentAbs);
    } catch (e) {
      throw issue(`cannot read extended file ${JSON.stringify(ref)} (${parentFile}): ${describeReadError(e)}`);
    }
    collectSources(parseSource(bytes.toString('utf8'), parentFile, sha256Hex(bytes)), parentAbs, here, sources, files);
  }
  sources.push({ ...source, data });
}

/** `extends: a.yaml` or `extends: [a.yaml, b.yaml]`, with the path of each entry for messages. */
function extendsRefs(source: ScenarioSource): { ref: string; at: PathSegment[] }[] {
  const value = source.data.extends;
  if (value === undefined) return [];
  const bad = (at: PathSegment[], found: unknown): never => {
    const message = `expected a file name or a list of file names to extend, found ${JSON.stringify(found)}`;
    throw new ScenarioError(source.file, [{ path: formatRefPath(at), file: source.file, message, ...source.locate(at) }]);
  };
  if (typeof value === 'string') return value.trim() === '' ? bad(['extends'], value) : [{ ref: value, at: ['extends'] }];
  if (!Array.isArray(value)) return bad(['extends'], value);
  return value.map((ref, i) => (typeof ref === 'string' && ref.trim() !== '' ? { ref, at: ['extends', i] } : bad(['extends', i], ref)));
}

function formatRefPath(at: PathSegment[]): string {
  return at.length === 1 ? 'extends' : `extends[${at[1]}]`;
}

/** Cycle members shown relative to the including file's displayed directory, like the files themselves. */
function displayFor(absTarget: string, absIncluding: string, displayIncluding: string): string {
  const relative = path.relative(path.dirname(absIncluding), absTarget);
  return path.normalize(path.join(path.dirname(displayIncluding), relative));
}
