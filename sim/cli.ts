// The `seqsim` command line: parse, call the experiment layer, map outcomes to exit codes.
// Exit codes (a contract): 0 ok, 1 a check/regression failed, 2 bad input or usage,
// 3 a run broke an invariant (recorded as failed; the other runs are still written), 70 internal error,
// 130 / 143 interrupted by SIGINT / SIGTERM (nothing of the interrupted invocation is kept).
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { MAX_WORKERS } from './experiment/parallel.ts';
import { loadScenario } from './scenario/load.ts';
import { ScenarioError } from './scenario/errors.ts';
import { scenarioJsonSchema } from './scenario/schema.ts';
import { runResumable } from './experiment/resume.ts';
import { OutputPathError } from './experiment/outputDir.ts';
import { Interrupted, planRuns } from './experiment/run.ts';
import { parseShard, shardFromEnvironment, ShardError, type Shard } from './experiment/shards.ts';
import { OutputReadError } from './experiment/readOutput.ts';
import { compareDirectories } from './experiment/compare.ts';
import { mergeShards } from './experiment/merge.ts';
import { formatComparison } from '../analysis/comparison.ts';
import { runCheck } from './experiment/check.ts';
import { formatVerdicts } from '../analysis/gate.ts';
import { progressReporter } from './experiment/progress.ts';
import { SEQSIM_VERSION } from './version.ts';
import { formatDuration } from './engine/time.ts';
import { limitHeapGrowth } from './experiment/heap.ts';
import { formatSummary, HEADLINE_METRICS, pairedDifferences, summarize } from '../analysis/summary.ts';

export const ExitCode = { ok: 0, checkFailed: 1, badInput: 2, invariantBroken: 3, internal: 70, sigint: 130, sigterm: 143 } as const;

/** Stops the runs at the next chunk on SIGINT or SIGTERM (a second signal kills at once, as usual). */
function interruptOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = () => {
      process.removeListener(name, handler);
      controller.abort(name);
    };
    process.on(name, handler);
    return () => process.removeListener(name, handler);
  });
  return { signal: controller.signal, dispose: () => handlers.forEach((h) => h()) };
}

const collect = (value: string, previous: string[]) => [...previous, value];

function workerCount(value: string): number {
  const k = Number(value);
  if (!/^\d+$/.test(value.trim()) || k < 1 || k > MAX_WORKERS) throw new InvalidArgumentError(`expected a whole number of worker processes from 1 to ${MAX_WORKERS}, found ${JSON.stringify(value)}`);
  return k;
}

interface RunOptions {
  out: string;
  set: string[];
  json?: boolean;
  quiet?: boolean;
  workers: number;
  shard?: string;
  shards?: string;
}

function shardOf(opts: RunOptions): Shard | undefined {
  if (opts.shard !== undefined) {
    if (opts.shards !== undefined) throw new ShardError('--shard and --shards: give one (--shards is for an index from the environment)');
    return parseShard(opts.shard);
  }
  const shards = opts.shards === undefined ? undefined : /^\s*\d+\s*$/.test(opts.shards) ? Number(opts.shards) : NaN;
  if (Number.isNaN(shards)) throw new ShardError(`--shards: expected a whole number of shards, found ${JSON.stringify(opts.shards)}`);
  return shardFromEnvironment(process.env, shards);
}

async function runCommand(file: string, opts: RunOptions, requireSweep: boolean): Promise<void> {
  const loaded = loadScenario(file, { set: opts.set });
  if (requireSweep && !loaded.sweep) throw new ScenarioError(file, [{ path: 'sweep', file, message: 'expected a sweep block (grid or latin_hypercube) for seqsim sweep, found nothing (the field is missing); seqsim run runs a scenario without one' }]);
  const shard = shardOf(opts);
  const progress = opts.quiet ? undefined : progressReporter(process.stderr);
  const interrupt = interruptOnSignals();
  let result;
  try {
    result = await runResumable(loaded, opts.out, { onProgress: progress?.update, signal: interrupt.signal, workers: opts.workers, shard });
  } finally {
    progress?.stop();
    interrupt.dispose();
  }
  if (result.sweep.removed.length > 0)
    process.stderr.write(`seqsim: removed ${result.sweep.removed.length} temporary file${result.sweep.removed.length === 1 ? '' : 's'} left in ${opts.out} by an interrupted run\n`);
  for (const k of result.sweep.kept) process.stderr.write(`seqsim: left ${k.file} in place: ${k.why}\n`);
  if (result.resumedPoints > 0) process.stderr.write(`seqsim: resumed: ${result.resumedPoints} of ${shard ? `the shard's ${result.resumablePoints}` : loaded.pointCount} points were finished by an interrupted invocation and kept\n`);
  const failed = result.runs.filter((r) => r.status === 'failed');
  // The printed summary pairs seeds of one point: with a sweep or a shard, read comparison.arrow (or merge first).
  const summarized = !loaded.sweep && !shard;
  const headline = summarized ? summarize(result.metrics, HEADLINE_METRICS) : [];
  const paired = summarized ? pairedDifferences(result.metrics, HEADLINE_METRICS, loaded.baseline) : [];
  const variantNames = loaded.variants.map((v) => v.name);
  if (opts.json) {
    const { metrics: _metrics, ...rest } = result;
    process.stdout.write(JSON.stringify({ ok: failed.length === 0, ...rest, shard: shard ?? null, points: loaded.pointCount, headline, paired }, null, 2) + '\n');
  } else {
    const s = loaded.scenario;
    const points = loaded.sweep ? `${loaded.pointCount} points × ` : '';
    process.stdout.write(
      `${s.name}: ${result.runs.length} runs${shard ? ` (shard ${shard.index}/${shard.count} of ${planRuns(loaded).length})` : ''} (${points}${variantNames.join(', ')} × ${s.runs} seeds, horizon ${formatDuration(s.horizon)}), ` +
        `${result.runs.reduce((n, r) => n + r.events, 0).toLocaleString('en-US')} events\n`,
    );
    const omitted = new Set<string>(s.output.omit);
    for (const f of result.files) process.stdout.write(`  wrote ${f.path} (${f.rows} rows${omitted.has(f.table) ? ', omitted by output.omit' : ''})\n`);
    if (headline.length) process.stdout.write(`\nmean over ${s.runs} seed${s.runs === 1 ? '' : 's'} (±95% Student-t interval); paired: each seed's difference on the same world:\n${formatSummary(headline, paired, variantNames)}\n`);
    else if (shard) process.stdout.write(`\none shard of the plan: join the shards with seqsim merge for the comparison\n`);
    else process.stdout.write(`\neach point's paired comparison is in comparison.arrow (column point), its pooled quantiles in point_metrics.arrow\n`);
    for (const r of failed) process.stderr.write(`run ${r.runId} (${r.variant}, seed ${r.seed}${loaded.sweep ? `, point ${r.point}` : ''}) failed: ${r.error}\n`);
  }
  process.exitCode = failed.length > 0 ? ExitCode.invariantBroken : ExitCode.ok;
}

function buildProgram(): Command {
  const program = new Command('seqsim')
    .description('Deterministic discrete-event simulator of rollups under centralized vs shared sequencing.')
    .version(SEQSIM_VERSION, '-V, --version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .addHelpText(
      'after',
      `
Examples:
  $ seqsim run scenarios/default.yaml -o out/
  $ seqsim run scenarios/default.yaml -o out/ --set runs=10 --set horizon=1h
  $ seqsim validate scenarios/default.yaml
  $ seqsim compare out/a out/b -o out/a-vs-b
  $ seqsim check out/ --baseline scenarios/baselines/default.json
  $ seqsim report out/ -o report.html
  $ seqsim schema > scenario.schema.json

Exit codes: 0 ok, 1 a check failed, 2 bad input or usage, 3 a run broke an invariant, 70 internal error,
130/143 interrupted (SIGINT/SIGTERM).`,
    );

  const runOptions = (command: Command) =>
    command
      .option('-o, --out <dir>', 'output directory (created if missing; its parent must exist)', 'out')
      .option('--set <path=value>', 'override a scenario field, e.g. --set rollups[0].block_time=2s (repeatable)', collect, [])
      .option('--json', 'print a machine-readable summary on stdout')
      .option('-w, --workers <k>', 'run the runs on k worker processes (same output bytes for any k)', workerCount, 1)
      .option('--shard <i/n>', 'run only the i-th (0-based) of n slices of the run plan; join the outputs with seqsim merge')
      .option('--shards <n>', 'number of shards of a Kubernetes Indexed Job (its completions), with the index from JOB_COMPLETION_INDEX')
      .addOption(new Option('-q, --quiet', 'no progress bar'));

  runOptions(
    program
      .command('run')
      .description('Run a scenario: every seed under every variant (at every sweep point); write the tables as Arrow files.')
      .argument('<scenario>', 'scenario file (.yaml, .yml or .json)'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ seqsim run scenarios/default.yaml -o out/
  $ seqsim run scenarios/default.yaml -o out/seeds --set runs=20 --json
  $ seqsim run scenarios/variants.yaml -o out/variants --workers 2
  $ seqsim run scenarios/sweep.yaml -o out/shard-0 --shard 0/3     # then: seqsim merge out/shard-* -o out/all
Without --shard, a Slurm array task (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job
pod (JOB_COMPLETION_INDEX, with --shards N or SEQSIM_SHARDS) runs its own shard.
Files written to <dir>: every table of docs/tables.md (.arrow).`,
    )
    .action((file: string, opts: RunOptions) => runCommand(file, opts, false));

  runOptions(
    program
      .command('sweep')
      .description('Run a scenario with a sweep block: every point × seed × variant; as run, but refuses a scenario without a sweep.')
      .argument('<scenario>', 'scenario file with a sweep block'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ seqsim sweep scenarios/sweep.yaml -o out/sweep --workers 2
  $ seqsim sweep scenarios/sweep.yaml -o out/shard-1 --shard 1/3
points.arrow has one row per point and a column per swept parameter; runs.point joins it to every run.`,
    )
    .action((file: string, opts: RunOptions) => runCommand(file, opts, true));

  program
    .command('merge')
    .description('Join the output folders of every shard of one plan (--shard I/N, or a job array) into the files an unsharded run writes, byte for byte.')
    .argument('<shards...>', 'the shard folders, in any order (every shard exactly once)')
    .requiredOption('-o, --out <dir>', 'output directory (created if missing; its parent must exist)')
    .option('--json', 'print a machine-readable summary on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ seqsim sweep scenarios/sweep.yaml -o out/shard-0 --shard 0/3   # … and 1/3, 2/3, anywhere
  $ seqsim merge out/shard-0 out/shard-1 out/shard-2 -o out/all
Refused (exit 2, nothing written): a folder that is not a shard, shards of another scenario or seqsim version,
a shard missing or given twice.`,
    )
    .action(async (dirs: string[], opts: { out: string; json?: boolean }) => {
      const result = await mergeShards(dirs, opts.out);
      if (opts.json) process.stdout.write(JSON.stringify({ ok: result.failed === 0, ...result }, null, 2) + '\n');
      else {
        process.stdout.write(`seqsim merge: ${result.shards} shards, ${result.runs} runs${result.failed ? ` (${result.failed} failed)` : ''}\n`);
        for (const f of result.files) process.stdout.write(`  wrote ${f.path} (${f.rows} rows)\n`);
      }
      process.exitCode = result.failed > 0 ? ExitCode.invariantBroken : ExitCode.ok;
    });

  program
    .command('compare')
    .description('Compare two output directories of the same scenario and seeds, seed by seed: each variant of <after> against the same variant of <before>.')
    .argument('<before>', 'output directory of the baseline side (e.g. the released version)')
    .argument('<after>', 'output directory of the compared side (e.g. this version, or other parameters)')
    .option('-o, --out <dir>', 'write <dir>/comparison.arrow (created if missing; its parent must exist)')
    .option('--all', 'print every metric (default: the headline metrics; the file always has all)')
    .option('--json', 'print the comparison rows as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ seqsim run scenarios/default.yaml -o out/a
  $ seqsim run scenarios/default.yaml -o out/b --set sequencing.shared.nodes=7
  $ seqsim compare out/a out/b -o out/a-vs-b
The directories must hold the same scenario (by name), seeds and variants; runs pair by seed and variant.
Columns are those of comparison.arrow (docs/tables.md).`,
    )
    .action(async (before: string, after: string, opts: { out?: string; all?: boolean; json?: boolean }) => {
      const result = await compareDirectories(before, after, opts.out);
      const shown = opts.all ? result.rows : result.rows.filter((r) => (HEADLINE_METRICS as readonly string[]).includes(r.metric));
      if (opts.json) {
        process.stdout.write(JSON.stringify({ ok: true, before, after, file: result.file ?? null, rows: result.rows }, null, 2) + '\n');
        return;
      }
      process.stdout.write(`${result.after.scenario}: ${after} against ${before}, ${result.before.seeds.length} seeds × ${result.before.variants.length} variants, paired by seed and variant\n`);
      if (result.file) process.stdout.write(`  wrote ${result.file} (${result.rows.length} rows)\n`);
      const points = result.before.points;
      for (const point of points) {
        const here = shown.filter((r) => r.point === point);
        process.stdout.write(`\n${points.length > 1 ? `point ${point}\n` : ''}${formatComparison(here, { baseline: before, variant: after })}\n`);
      }
      if (!opts.all && shown.length < result.rows.length) process.stdout.write(`(${result.rows.length - shown.length} more rows: --all, or read comparison.arrow)\n`);
    });

  program
    .command('check')
    .description('Regression gate: compare an output directory with a committed baseline, metric by metric, within per-metric tolerances; exit 1 on a regression.')
    .argument('<out>', 'output directory of seqsim run')
    .requiredOption('--baseline <file>', 'baseline JSON (figures and tolerance rules), e.g. scenarios/baselines/default.json')
    .option('--update', 'rewrite the baseline from this output (keeping its tolerance rules) instead of checking')
    .option('--all', 'print every figure (default: only regressions, missing and new ones)')
    .option('--json', 'print the verdicts as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ seqsim run scenarios/default.yaml -o out/ --quiet
  $ seqsim check out/ --baseline scenarios/baselines/default.json
  $ seqsim check out/ --baseline scenarios/baselines/default.json --update   # accept the new figures
Figures: each variant's mean of every metric (and rollup, subject) and each paired difference against the
baseline variant. Tolerances: the first rule of the baseline's "tolerances" that matches; abs (in the
metric's unit), rel (fraction of |baseline|), interval (k × the baseline's 95% t half-width); the widest applies.
Exit codes: 0 no regression, 1 a regression or a missing figure, 2 bad input.`,
    )
    .action((out: string, opts: { baseline: string; update?: boolean; all?: boolean; json?: boolean }) => {
      const result = runCheck(out, opts.baseline, { update: opts.update });
      const ok = result.failures.length === 0;
      if (opts.json) {
        process.stdout.write(JSON.stringify({ ok, updated: result.updated ?? null, verdicts: opts.all ? result.verdicts : result.verdicts.filter((v) => v.verdict !== 'ok') }, null, 2) + '\n');
        process.exitCode = ok ? ExitCode.ok : ExitCode.checkFailed;
        return;
      }
      if (result.updated) {
        const u = result.updated;
        process.stdout.write(`seqsim check: wrote ${u.file}: ${u.figures} figures from ${out} (${u.changed} differ from the previous baseline)\n`);
        if (opts.all && result.verdicts.length) process.stdout.write(`\n${formatVerdicts(result.verdicts.filter((v) => v.verdict !== 'ok'))}\n`);
        return;
      }
      const count = (k: string) => result.verdicts.filter((v) => v.verdict === k).length;
      const o = result.out;
      process.stdout.write(
        `seqsim check: ${out} against ${opts.baseline} (${o.scenario}, ${o.seeds.length} seeds, variants ${o.variants.join(', ')}): ` +
          `${result.verdicts.length} figures, ${count('ok')} ok, ${count('regression')} regressions, ${count('missing')} missing, ${count('new')} new\n`,
      );
      if (result.scenarioChanged) process.stdout.write(`note: the scenario differs from the one the baseline was made from (scenario_sha256)\n`);
      const shown = opts.all ? result.verdicts : result.verdicts.filter((v) => v.verdict !== 'ok');
      if (shown.length) process.stdout.write(`\n${formatVerdicts(shown)}\n`);
      process.stdout.write(ok ? '\nPASS\n' : `\nFAIL: ${result.failures.length} figure${result.failures.length === 1 ? '' : 's'} outside tolerance (if intended: --update, and commit the baseline)\n`);
      process.exitCode = ok ? ExitCode.ok : ExitCode.checkFailed;
    });

  program
    .command('report')
    .description('Write one self-contained HTML page of plots (no network, no script) from an output directory.')
    .argument('<out>', 'output directory of seqsim run (or seqsim sweep)')
    .option('-o, --output <file>', 'HTML file to write (its folder must exist)', 'report.html')
    .option('--json', 'print what was written, panel by panel, as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ seqsim run scenarios/default.yaml -o out/
  $ seqsim report out/ -o report.html
Panels: paired headline, latency CDFs, slippage decomposition, options spread components, MEV capture,
contagion around faults, sweep curves, provenance; a panel whose table is absent or empty says so.`,
    )
    .action(async (out: string, opts: { output: string; json?: boolean }) => {
      // Loaded here, not with the CLI: its DOM and plotting libraries were a third of every command's start.
      const { writeReport } = await import('./experiment/report.ts');
      const result = writeReport(out, opts.output);
      if (opts.json) {
        process.stdout.write(JSON.stringify({ ok: true, ...result }, null, 2) + '\n');
        return;
      }
      const drawn = result.panels.filter((p) => p.state === 'ok').map((p) => p.id);
      process.stdout.write(`wrote ${result.file} (${Math.round(result.bytes / 1024)} KiB): ${drawn.length} panels drawn (${drawn.join(', ')})\n`);
      for (const p of result.panels.filter((x) => x.state !== 'ok')) process.stdout.write(`  ${p.id}: ${p.note}\n`);
      for (const p of result.panels.filter((x) => x.state === 'error')) process.stderr.write(`seqsim: report panel ${p.id} could not be drawn: ${p.note}\n`);
    });

  program
    .command('validate')
    .description('Check a scenario file without running it; print the resolved scenario summary.')
    .argument('<scenario>', 'scenario file (.yaml, .yml or .json)')
    .option('--set <path=value>', 'override a scenario field (repeatable)', collect, [])
    .option('--json', 'print the resolved scenario (defaults filled, durations in µs) as JSON')
    .addHelpText('after', '\nExamples:\n  $ seqsim validate scenarios/default.yaml\n  $ seqsim validate scenarios/default.yaml --set horizon=6h --json')
    .action((file: string, opts: { set: string[]; json?: boolean }) => {
      const loaded = loadScenario(file, { set: opts.set });
      if (opts.json) {
        process.stdout.write(JSON.stringify({ ok: true, file: loaded.file, sha256: loaded.sha256, scenario: loaded.scenario }, null, 2) + '\n');
      } else {
        const s = loaded.scenario;
        process.stdout.write(
          `${loaded.file}: ok — ${s.name}, ${s.rollups.length} rollups, ${loaded.namedVariants ? 'variants' : 'modes'} ${loaded.variants.map((v) => (loaded.namedVariants ? `${v.name} (${v.mode})` : v.name)).join(', ')}, baseline ${loaded.baseline}, ${loaded.sweep ? `${loaded.pointCount} sweep points × ` : ''}${s.runs} seeds, horizon ${formatDuration(s.horizon)}, sha256 ${loaded.sha256.slice(0, 12)}\n`,
        );
      }
    });

  program
    .command('schema')
    .description('Print the JSON Schema of scenario files (for editor autocomplete and validation).')
    .addHelpText('after', '\nExample:\n  $ seqsim schema > scenario.schema.json')
    .action(() => {
      process.stdout.write(JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  process.exitCode = 0;
  limitHeapGrowth();
  // `seqsim … | head`: a closed pipe is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every usage error is "bad input".
      return e.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    if (e instanceof OutputPathError || e instanceof OutputReadError || e instanceof ShardError) {
      process.stderr.write(`seqsim: ${e.message}\n`);
      return ExitCode.badInput;
    }
    if (e instanceof Interrupted) {
      const kept = e.partsKept ? `the points it finished are kept in ${e.partsKept} (the same command finishes the rest)` : 'no tables written';
      process.stderr.write(`seqsim: ${e.message}; stopped cleanly, ${kept} and temporary files removed\n`);
      return e.reason === 'SIGTERM' ? ExitCode.sigterm : ExitCode.sigint;
    }
    if (e instanceof ScenarioError) {
      const json = argv.includes('--json');
      if (json) process.stdout.write(JSON.stringify({ ok: false, error: e.message, file: e.file, issues: e.issues }, null, 2) + '\n');
      process.stderr.write(`seqsim: ${e.message}\n`);
      return ExitCode.badInput;
    }
    process.stderr.write(`seqsim: internal error (please report): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return ExitCode.internal;
  }
}

