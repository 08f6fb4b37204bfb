// The command line as a user runs it: outputs, determinism, exit codes, and bad input that
// writes nothing.
import { TABLE_NAMES } from '../sim/metrics/tables.ts';
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seqsim, tempDir, ROOT } from './util/cli.ts';
import { readArrowRows } from './util/polars.ts';

const DEFAULT = join(ROOT, 'scenarios/default.yaml');
const FAST = ['--set', 'horizon=2m', '--set', 'warmup=10s', '--quiet'];
const TABLE_FILES = TABLE_NAMES.map((t) => `${t}.arrow`).sort();

describe('seqsim run', () => {
  it('writes runs, metrics and txs that an independent reader (polars) reads', () => {
    const out = join(tempDir(), 'out');
    const r = seqsim(['run', DEFAULT, '-o', out, ...FAST, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.ok).toBe(true);
    expect(readdirSync(out).sort()).toEqual(TABLE_FILES);

    const runs = readArrowRows(join(out, 'runs.arrow'));
    expect(runs.length).toBe(summary.runs.length);
    expect(runs.every((row) => row.status === 'ok')).toBe(true);
    // Parameters as written and as resolved: durations in µs under keys that say so.
    const written = JSON.parse(runs[0].params_json as string);
    const resolved = JSON.parse(runs[0].resolved_json as string);
    expect(typeof written.horizon).toBe('string');
    expect(resolved.horizon_us).toBe(60_000_000 * Number(String(written.horizon).replace('m', '')));
    expect(resolved.rollups[0].block_time_us).toBe(250_000);
    expect(resolved.horizon).toBeUndefined();
    expect(summary.paired.length).toBeGreaterThan(0);
    const metrics = readArrowRows(join(out, 'metrics.arrow'));
    const p50 = metrics.filter((m) => m.metric === 'latency.inclusion_ms.p50');
    expect(p50.length).toBeGreaterThan(0);
    for (const m of p50) expect(m.value).toBeGreaterThan(0);
    const txs = readArrowRows(join(out, 'txs.arrow'));
    expect(txs.length).toBeGreaterThan(100);
    for (const t of txs.slice(0, 1000)) {
      if (t.status === 'included') expect(Number(t.include_us)).toBeGreaterThanOrEqual(Number(t.arrive_us));
    }
  });

  it('is deterministic: same seed → byte-identical files; another seed → different bytes', () => {
    const [a, b, c] = [tempDir(), tempDir(), tempDir()];
    expect(seqsim(['run', DEFAULT, '-o', a, ...FAST]).code).toBe(0);
    expect(seqsim(['run', DEFAULT, '-o', b, ...FAST]).code).toBe(0);
    expect(seqsim(['run', DEFAULT, '-o', c, ...FAST, '--set', 'seed=99']).code).toBe(0);
    for (const f of TABLE_FILES) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    }
    expect(readFileSync(join(a, 'txs.arrow')).equals(readFileSync(join(c, 'txs.arrow')))).toBe(false);
  });

  it('output.omit writes those event tables with their schema and no rows; every metric and sketch is unchanged', () => {
    const [all, some] = [tempDir(), tempDir()];
    expect(seqsim(['run', DEFAULT, '-o', all, ...FAST]).code).toBe(0);
    const r = seqsim(['run', DEFAULT, '-o', some, ...FAST.filter((a) => a !== '--quiet'), '--set', 'output.omit=[txs, trades, mev]']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/txs\.arrow \(0 rows, omitted by output\.omit\)/);
    expect(readdirSync(some).sort()).toEqual(TABLE_FILES);
    for (const t of ['txs', 'trades', 'mev']) {
      expect(readArrowRows(join(some, `${t}.arrow`)), t).toEqual([]);
      expect(readArrowRows(join(all, `${t}.arrow`)).length, t).toBeGreaterThan(0);
    }
    // Same rows, not bytes: the files' provenance names a different scenario.
    for (const t of ['metrics', 'sketches', 'comparison', 'quotes', 'option_trades']) expect(readArrowRows(join(some, `${t}.arrow`)), t).toEqual(readArrowRows(join(all, `${t}.arrow`)));
    const report = seqsim(['report', some, '-o', join(some, 'report.html')]);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/mev\.arrow in .* has no rows: the scenario omits them \(output\.omit\)/);
    const bad = seqsim(['run', DEFAULT, '-o', join(some, 'x'), ...FAST, '--set', 'output.omit=[metrics]']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/output\.omit\[0\]: expected one of the event tables txs, trades, mev/);
    expect(existsSync(join(some, 'x'))).toBe(false);
  });

  it('exits 3 when a run breaks an invariant, records it as failed, and still writes the others', () => {
    const out = tempDir();
    const r = seqsim(['run', DEFAULT, '-o', out, ...FAST, '--set', 'debug.break_invariant={run: 1, at: 30s}']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/run 1 .*failed: invariant broken/);
    const runs = readArrowRows(join(out, 'runs.arrow'));
    expect(runs.map((x) => x.status)).toEqual(runs.map((x) => (x.run_id === 1 ? 'failed' : 'ok')));
    expect(String(runs.find((x) => x.run_id === 1)!.error)).toMatch(/invariant broken/);
    const metrics = readArrowRows(join(out, 'metrics.arrow'));
    expect(new Set(metrics.map((m) => m.run_id))).not.toContain(1);
  });
});

describe('bad input: exit 2, a message naming file and field, nothing written', () => {
  const cases: { name: string; yaml?: string; args?: string[]; expect: RegExp[] }[] = [
    { name: 'syntax error', yaml: 'name: x\nhorizon: 10m\nrollups: [\n  - id: a\n', expect: [/bad\.yaml:\d+:\d+/] },
    { name: 'unknown key', yaml: 'name: x\nhorizn: 10m\nrollups: [{id: a, block_time: 1s}]\n', expect: [/horizn/, /did you mean "horizon"/] },
    { name: 'wrong type', yaml: 'name: x\nhorizon: 10m\nrollups: [{id: a, block_time: fast}]\n', expect: [/rollups\[0\]\.block_time/, /fast/] },
    { name: 'negative rate', yaml: 'name: x\nhorizon: 10m\nrollups: [{id: a, block_time: 1s, users: [{name: u, rate: -2}]}]\n', expect: [/rollups\[0\]\.users\[0\]\.rate/, /-2/] },
    { name: 'horizon past the limit', yaml: 'name: x\nhorizon: 400d\nrollups: [{id: a, block_time: 1s}]\n', expect: [/horizon/, /400d/] },
    { name: 'missing extends file', yaml: 'extends: nowhere.yaml\nname: x\n', expect: [/nowhere\.yaml/] },
    { name: 'bad --set', yaml: 'name: x\nhorizon: 10m\nrollups: [{id: a, block_time: 1s}]\n', args: ['--set', 'rollups[3].block_time=2s'], expect: [/rollups\[3\]/] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const dir = tempDir();
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, c.yaml!);
      const out = join(dir, 'out');
      const r = seqsim(['run', file, '-o', out, '--quiet', ...(c.args ?? [])]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('bad.yaml');
      for (const re of c.expect) expect(r.stderr).toMatch(re);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir)).toEqual(['bad.yaml']);
    });
  }

  it('a cycle of extends', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), 'extends: b.yaml\nname: a\n');
    writeFileSync(join(dir, 'b.yaml'), 'extends: a.yaml\nname: b\n');
    const r = seqsim(['validate', join(dir, 'a.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cycle/);
  });

  it('a bad replayed price file names the price file and its line', () => {
    const out = join(tempDir(), 'out');
    const r = seqsim(['run', join(ROOT, 'test/fixtures/scenarios/replay-bad.yaml'), '-o', out, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/replay-bad\.yaml:\d+:\d+: assets\[0\]\.file: .*bad-price-text\.csv:line 3/);
    expect(existsSync(out)).toBe(false);
  });

  it('a usage error (unknown command) exits 2', () => {
    expect(seqsim(['frobnicate']).code).toBe(2);
  });
});

describe('seqsim validate and schema', () => {
  it('validate accepts the bundled scenario', () => {
    const r = seqsim(['validate', DEFAULT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok/);
  });

  it('schema prints a JSON Schema that describes rollups and durations', () => {
    const r = seqsim(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(JSON.stringify(schema)).toContain('block_time');
  });

  it('--version and --help exit 0', () => {
    expect(seqsim(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = seqsim(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples');
  });
});
