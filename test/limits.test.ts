// Hostile input and crashes (README "Limits" and "Exit codes"): every field bounded, the work of a
// run estimated and refused before it starts, bad output paths refused without creating anything,
// and no debris after a kill or a signal.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../sim/scenario/schema.ts';
import { loadScenario } from '../sim/scenario/load.ts';
import { estimateRun } from '../sim/scenario/budget.ts';
import { LIMITS } from '../sim/scenario/limits.ts';
import { runToMemory } from '../sim/experiment/outputs.ts';
import { tempPathFor } from '../sim/output/tempFiles.ts';
import { ROOT, seqsim, seqsimHere, tempDir } from './util/cli.ts';

const DEFAULT = join(ROOT, 'scenarios/default.yaml');
const REALISTIC = join(ROOT, 'scenarios/realistic.yaml');
const BIN = join(ROOT, 'bin', 'seqsim.js');

afterEach(() => {
  process.exitCode = 0;
});

/** One line on stderr naming the file and the field, exit 2, and no output directory. */
async function refused(args: string[], field: RegExp, out: string) {
  const r = await seqsimHere(['run', ...args, '-o', out, '--quiet']);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(field);
  expect(r.stderr).not.toMatch(/internal error|    at /);
  expect(existsSync(out)).toBe(false);
  return r.stderr;
}

describe('every field has a stated range', () => {
  it('every number in the JSON Schema has a lower and an upper bound, and every list a maximum length', () => {
    const unbounded: string[] = [];
    const walk = (node: Record<string, unknown>, at: string) => {
      if ((node.type === 'number' || node.type === 'integer') && node.const === undefined) {
        const lo = node.minimum ?? node.exclusiveMinimum;
        const hi = node.maximum ?? node.exclusiveMaximum;
        if (lo === undefined || hi === undefined || (hi as number) > 1e15) unbounded.push(at);
      }
      if (node.type === 'array' && node.items && node.maxItems === undefined) unbounded.push(`${at}[]`);
      const props = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [k, v] of Object.entries(props)) walk(v, `${at}.${k}`);
      if (node.items && typeof node.items === 'object') walk(node.items as Record<string, unknown>, `${at}[]`);
      for (const k of ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const) for (const v of (node[k] ?? []) as Record<string, unknown>[]) walk(v, at);
      if (node.additionalProperties && typeof node.additionalProperties === 'object') walk(node.additionalProperties as Record<string, unknown>, `${at}.*`);
    };
    walk(scenarioJsonSchema(), '');
    expect(unbounded).toEqual([]);
  });

  it('refuses the reproducers of issue 15 with one line naming file and field', async () => {
    const dir = tempDir();
    await refused([DEFAULT, '--set', 'rollups[0].users[0].rate=1e9'], /default\.yaml.*rollups\[0\]\.users\[0\]\.rate: expected a rate of at most 10,000/, join(dir, 'a'));
    await refused([DEFAULT, '--set', 'rollups[0].pools[0].liquidity_usd=1e308'], /rollups\[0\]\.pools\[0\]\.liquidity_usd: expected a pool value in USD of at most/, join(dir, 'b'));

    // 50 MB of comments: refused by its size before a byte is parsed.
    const padded = join(dir, 'padded.yaml');
    writeFileSync(padded, readFileSync(DEFAULT, 'utf8') + ('# ' + 'x'.repeat(78) + '\n').repeat(650_000));
    const t0 = performance.now();
    await refused([padded], /padded\.yaml: cannot read the scenario file: the file is 50\.\d MiB; scenario files are limited to 2 MiB/, join(dir, 'c'));
    expect(performance.now() - t0).toBeLessThan(5000);

    const deep = join(dir, 'deep.yaml');
    writeFileSync(deep, `name: deep\ndescription: ${'['.repeat(40)}${']'.repeat(40)}\n`);
    await refused([deep], /deep\.yaml.*description(\[0\])+: expected data nested at most 32 levels deep/, join(dir, 'd'));
    // Nested so deep the parser itself would overflow its stack: the same message, not a crash.
    const deeper = join(dir, 'deeper.yaml');
    writeFileSync(deeper, `name: deep\ndescription: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    await refused([deeper], /deeper\.yaml:\d+:\d+: expected data nested at most 32 levels deep \(the file nests too deeply to parse\)/, join(dir, 'e'));
  });
});

describe('the work of a run is estimated before it starts', () => {
  it('the estimate bounds the events the bundled scenarios actually process, within 3×', async () => {
    for (const file of [DEFAULT, REALISTIC]) {
      const loaded = loadScenario(file, { set: ['horizon=10m', 'warmup=0s', 'runs=1'] });
      const estimate = estimateRun(loaded.scenario).events;
      const { runs } = await runToMemory(loaded);
      for (const r of runs) {
        expect(r.events, `${file} ${r.mode}`).toBeLessThanOrEqual(estimate);
        expect(estimate / r.events, `${file} ${r.mode}`).toBeLessThan(3);
      }
    }
  });

  it('refuses a run past the event limit or one whose mempool would outgrow memory, naming the field and the estimate', async () => {
    const dir = tempDir();
    const events = await refused([DEFAULT, '--set', 'rollups[2].users[0].rate=5000', '--set', 'horizon=1d', '--set', 'rollups[2].capacity=100000'], /rollups\[2\]\.users\[0\]\.rate: a run would process about 1\.\de9 events \(limit 1\.0e9, consensus messages counted as 100 per event\)/, join(dir, 'a'));
    expect(events).toMatch(/user transactions/);
    const backlog = await seqsimHere(['validate', DEFAULT, '--set', 'rollups[2].users[0].rate=5000', '--set', 'horizon=6h']);
    expect(backlog.code).toBe(2);
    expect(backlog.stderr).toMatch(/base\.yaml:\d+:\d+: rollups\[2\]: transactions arrive at 5,\d{3}\/s but blocks hold 417\/s .* would wait in the mempool/);
    // The limit is on the estimate, so a run just inside it is accepted.
    expect(LIMITS.eventsPerRun).toBe(1e9);
    expect((await seqsimHere(['validate', DEFAULT, '--set', 'rollups[2].users[0].rate=100', '--set', 'horizon=1d'])).code).toBe(0);
  });

  it('refuses a shared set whose slots would take no time (the clock would never advance)', async () => {
    const r = await seqsimHere(['validate', DEFAULT, '--set', 'sequencing.shared.min_slot_time=0s', '--set', 'sequencing.shared.node_latency=0s', '--set', 'sequencing.shared.node_jitter=0s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sequencing\.shared\.min_slot_time: expected slots that take time/);
  });
});

describe('output paths', () => {
  it('a file, a missing parent or an unwritable place: exit 2, one line, nothing created', async () => {
    const dir = tempDir();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'mine');
    await seqsimHere(['run', DEFAULT, '-o', file, '--quiet']).then((r) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`seqsim: cannot write to ${file}: it is a file, not a folder (name a folder for the tables)\n`);
    });
    expect(readFileSync(file, 'utf8')).toBe('mine');
    await refused([DEFAULT], /cannot write to .*missing\/out: its parent folder .*missing does not exist/, join(dir, 'missing', 'out'));
    // /sys refuses new entries even to root, where a chmod would not.
    const r = await seqsimHere(['run', DEFAULT, '-o', '/sys/seqsim-out', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('seqsim: cannot write to /sys/seqsim-out: permission denied\n');
    expect(readdirSync(dir).sort()).toEqual(['a-file']);
  });
});

/** Starts a long run in a child process and resolves once its temporary files exist. */
function startLongRun(out: string): Promise<{ child: ReturnType<typeof spawn>; exited: Promise<{ code: number | null; stderr: string }> }> {
  const child = spawn(process.execPath, [BIN, 'run', REALISTIC, '-o', out, '--quiet', '--set', 'horizon=2d'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (existsSync(out) && readdirSync(out).some((f) => f.startsWith('.seqsim-tmp-') && !f.includes('-probe'))) {
        clearInterval(poll);
        // Let it write a little into them.
        setTimeout(() => resolve({ child, exited }), 500);
      }
      if (child.exitCode !== null) (clearInterval(poll), reject(new Error(`exited early: ${stderr}`)));
    }, 50);
  });
}

const temps = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('.seqsim-tmp-'));

describe('crashes and signals leave nothing behind', () => {
  it('after kill -9 the next run into the directory removes the dead run’s temporaries, reports them, and keeps everything else', async () => {
    const out = join(tempDir(), 'out');
    const { child, exited } = await startLongRun(out);
    child.kill('SIGKILL');
    await exited;
    const left = temps(out);
    expect(left.length).toBeGreaterThan(0);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    // A live process's temporary file, and one written from another host, are not ours to remove.
    const live = tempPathFor(join(out, 'x.arrow'));
    writeFileSync(live, 'live');
    const foreign = join(out, '.seqsim-tmp-1-0-00000000-y.arrow');
    writeFileSync(foreign, 'other host');

    const r = seqsim(['run', DEFAULT, '-o', out, '--quiet', '--set', 'horizon=1m', '--set', 'warmup=0s', '--set', 'runs=1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`seqsim: removed ${left.length} temporary files left in ${out} by an interrupted run`);
    expect(r.stderr).toContain(`left ${live} in place: process ${process.pid} is still running`);
    expect(r.stderr).toContain(`left ${foreign} in place: written from another host`);
    expect(temps(out).sort()).toEqual([live, foreign].map((f) => f.slice(out.length + 1)).sort());
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(out)).toContain('txs.arrow');
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s stops a run cleanly: a message, exit %i, no temporaries, earlier tables untouched', async (signal, code) => {
    const out = join(tempDir(), 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'runs.arrow'), 'an earlier result');
    const { child, exited } = await startLongRun(out);
    child.kill(signal);
    const r = await exited;
    expect(r.code).toBe(code);
    expect(r.stderr).toBe(`seqsim: interrupted by ${signal}; stopped cleanly, no tables written and temporary files removed\n`);
    expect(readdirSync(out)).toEqual(['runs.arrow']);
    expect(readFileSync(join(out, 'runs.arrow'), 'utf8')).toBe('an earlier result');
  });

  it('a directory the interrupted run created is removed again', async () => {
    const out = join(tempDir(), 'new-out');
    const { child, exited } = await startLongRun(out);
    child.kill('SIGTERM');
    expect((await exited).code).toBe(143);
    expect(existsSync(out)).toBe(false);
  });
});
