// `seqsim check out/ --baseline file.json`: the regression gate. The baseline file holds the
// figures of a reference output (each variant's mean of every metric, and every paired
// difference against the baseline variant) and the tolerance rules they are checked with
// (analysis/gate.ts). `--update` rewrites the figures from the output, keeping the rules, through
// a temporary file renamed into place. A baseline file that is unreadable or malformed, or an
// output of another scenario, seeds or variants, is bad input (exit 2), reported in one line.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { evaluate, failed, figuresOf, type Figure, type ToleranceRule, type Verdict } from '../../analysis/gate.ts';
import { tempPathFor } from '../output/tempFiles.ts';
import { OutputReadError, readComparison, readOutputDirectory, type OutputDirectory } from './readOutput.ts';

/** The rules a new baseline file starts with: the simulator is deterministic, so any move beyond rounding is a change in behaviour. */
export const DEFAULT_TOLERANCES: ToleranceRule[] = [
  { metric: '*', rel: 1e-9, abs: 1e-9, why: 'The simulator is deterministic: the same code and scenario give the same figures, so anything beyond floating-point rounding moved because behaviour changed. Loosen per metric with rules above this one (abs, rel, or interval: k × the baseline 95% half-width).' },
];

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const nonNegative = finite.refine((x) => x >= 0, 'expected a number ≥ 0');
const RuleSchema = z
  .strictObject({
    metric: z.string().min(1),
    kind: z.enum(['mean', 'difference']).optional(),
    variant: z.string().min(1).optional(),
    abs: nonNegative.optional(),
    rel: nonNegative.optional(),
    interval: nonNegative.optional(),
    why: z.string().optional(),
  })
  .refine((r) => r.abs !== undefined || r.rel !== undefined || r.interval !== undefined, 'expected a tolerance: at least one of abs, rel, interval');
const FigureSchema = z.strictObject({
  metric: z.string(),
  rollup: z.string().nullable(),
  subject: z.string().nullable(),
  variant: z.string(),
  against: z.string().nullable(),
  unit: z.string(),
  n: z.number().int().min(0),
  mean: finite,
  ci95: nonNegative.nullable(),
});
const BaselineSchema = z.strictObject({
  about: z.string().optional(),
  scenario: z.string(),
  scenario_sha256: z.string(),
  seeds: z.array(z.number().int()),
  variants: z.array(z.string()),
  tolerances: z.array(RuleSchema),
  figures: z.array(FigureSchema),
});
export type BaselineFile = z.infer<typeof BaselineSchema>;

const ABOUT =
  'Regression baseline of seqsim check (README, "Regression gate in CI"): each variant\'s mean of every metric and every paired difference against the baseline variant, from one output. ' +
  'Rules in tolerances apply first match first. Regenerate the figures (keeping the rules) with: seqsim check <out> --baseline <this file> --update.';

export function readBaseline(file: string): BaselineFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OutputReadError(`cannot read the baseline ${file}: ${code === 'ENOENT' ? 'no such file (create it with --update)' : (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new OutputReadError(`cannot read the baseline ${file}: not JSON (${(e as Error).message})`);
  }
  const result = BaselineSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new OutputReadError(`bad baseline ${file}: ${where ? `${where}: ` : ''}${issue.message}`);
  }
  return result.data;
}

/** JSON with one figure per line: stable bytes, and a readable git diff when figures move. */
export function formatBaseline(b: BaselineFile): string {
  const { figures, tolerances, ...head } = b;
  const lines = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  lines.push(`  "tolerances": [\n${tolerances.map((t) => `    ${JSON.stringify(t)}`).join(',\n')}\n  ]`);
  lines.push(`  "figures": [\n${figures.map((f) => `    ${JSON.stringify(f)}`).join(',\n')}\n  ]`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

function writeAtomically(file: string, text: string): void {
  const temp = tempPathFor(file);
  try {
    const fd = fs.openSync(temp, 'w');
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw new OutputReadError(`cannot write the baseline ${file}: ${(e as Error).message}`);
  }
}

const listOf = (xs: readonly (string | number)[]) => xs.map((x) => (typeof x === 'string' ? `"${x}"` : String(x))).join(', ');

/** The output must be of the baseline's scenario, seeds and variants; otherwise the comparison means nothing. */
function checkMatches(out: OutputDirectory, b: BaselineFile, file: string): void {
  const diffs: string[] = [];
  if (out.scenario !== b.scenario) diffs.push(`scenario "${out.scenario}", baseline "${b.scenario}"`);
  if (listOf(out.seeds) !== listOf(b.seeds)) diffs.push(`seeds ${listOf(out.seeds)}, baseline ${listOf(b.seeds)}`);
  if (listOf(out.variants) !== listOf(b.variants)) diffs.push(`variants ${listOf(out.variants)}, baseline ${listOf(b.variants)}`);
  if (diffs.length) throw new OutputReadError(`cannot check ${out.dir} against ${file}: ${diffs.join('; ')} (run what the baseline was made from, or --update)`);
}

export interface CheckResult {
  out: OutputDirectory;
  baseline: BaselineFile | null;
  verdicts: Verdict[];
  failures: Verdict[];
  /** Set when --update wrote the file. */
  updated?: { file: string; figures: number; changed: number };
  /** The output's scenario file differs from the baseline's (its figures may still match). */
  scenarioChanged: boolean;
}

export function runCheck(dir: string, baselineFile: string, options: { update?: boolean } = {}): CheckResult {
  const out = readOutputDirectory(dir);
  const now: Figure[] = figuresOf(out.metrics, readComparison(dir));
  if (options.update) {
    const existing = fs.existsSync(baselineFile) ? readBaseline(baselineFile) : null;
    const tolerances = existing?.tolerances ?? DEFAULT_TOLERANCES;
    const verdicts = existing ? evaluate(existing.figures, now, tolerances) : [];
    const next: BaselineFile = { about: existing?.about ?? ABOUT, scenario: out.scenario, scenario_sha256: out.scenarioSha256, seeds: out.seeds, variants: out.variants, tolerances, figures: now };
    if (!fs.existsSync(path.dirname(path.resolve(baselineFile)))) throw new OutputReadError(`cannot write the baseline ${baselineFile}: its folder does not exist`);
    writeAtomically(baselineFile, formatBaseline(next));
    const changed = existing ? verdicts.filter((v) => v.verdict !== 'ok').length : now.length;
    return { out, baseline: next, verdicts, failures: [], updated: { file: baselineFile, figures: now.length, changed }, scenarioChanged: false };
  }
  const baseline = readBaseline(baselineFile);
  checkMatches(out, baseline, baselineFile);
  const verdicts = evaluate(baseline.figures, now, baseline.tolerances);
  return { out, baseline, verdicts, failures: verdicts.filter(failed), scenarioChanged: baseline.scenario_sha256 !== out.scenarioSha256 };
}
