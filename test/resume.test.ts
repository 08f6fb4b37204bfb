// Crash-safe sweeps: a sweep killed for real (kill -9, SIGTERM) keeps the points it finished; the
// same command into the same folder runs only the rest, and the files are the bytes of one
// uninterrupted run. Another scenario's unfinished sweep in the folder is refused, not mixed.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { ROOT, seqsim, seqsimHere, tempDir } from './util/cli.ts';
import { TABLE_NAMES } from '../sim/metrics/tables.ts';
import { smallWorld } from './util/smallWorld.ts';

const SCENARIO = `${smallWorld({ name: 'resume', seed: 9, runs: 2, horizon: '20s', users: 20, traders: 4, searcher: true, priority: true })}output: { batch_rows: 50 }
sweep:
  grid: { sequencing.shared.nodes: [4, 6, 8, 10, 12, 14] }
`;

const FILES = TABLE_NAMES.map((t) => `${t}.arrow`).sort();
const BIN = join(ROOT, 'bin', 'seqsim.js');
const PARTS = '.seqsim-parts';

/** Starts the sweep in a child and sends `signal` once `point` is finished (its marker is in place). */
function interrupted(file: string, out: string, point: number, signal: NodeJS.Signals, extra: string[] = []): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'sweep', file, '-o', out, '--quiet', ...extra], { cwd: ROOT, stdio: 'ignore' });
    const marker = join(out, PARTS, `point-${point}`, 'complete.json');
    const poll = setInterval(() => {
      if (existsSync(marker)) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 5);
    child.on('exit', (code, sig) => {
      clearInterval(poll);
      if (code === 0) reject(new Error(`the sweep finished before point ${point}'s marker was seen`));
      else resolve(sig === 'SIGKILL' ? null : code);
    });
  });
}

describe('resuming an interrupted sweep', () => {
  const dir = tempDir();
  const file = join(dir, 'resume.yaml');
  writeFileSync(file, SCENARIO);
  const whole = join(dir, 'whole');

  const same = (out: string) => {
    expect(readdirSync(out).sort()).toEqual(FILES); // the parts are gone
    for (const f of FILES) expect(readFileSync(join(out, f)).equals(readFileSync(join(whole, f))), f).toBe(true);
  };

  it('after kill -9, the same command keeps the finished points and writes the uninterrupted bytes', async () => {
    const r = await seqsimHere(['sweep', file, '-o', whole, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const out = join(dir, 'killed');
    expect(await interrupted(file, out, 1, 'SIGKILL')).toBeNull();
    const finished = readdirSync(join(out, PARTS)).filter((p) => existsSync(join(out, PARTS, p, 'complete.json')));
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(finished.length).toBeLessThan(6);
    expect(readdirSync(out).filter((f) => f.endsWith('.arrow'))).toEqual([]); // no table under its final name yet
    // Only the plan's first part holds the points table (the join copies it): a row per point in every part would be quadratic in the points.
    const pointRows = finished.map((p) => tableFromIPC(readFileSync(join(out, PARTS, p, 'points.arrow'))).numRows);
    expect(pointRows).toEqual(finished.map((p) => (p === 'point-0' ? 6 : 0)));
    const again = await seqsimHere(['sweep', file, '-o', out, '--quiet']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`seqsim: resumed: ${finished.length} of 6 points were finished by an interrupted invocation and kept`));
    same(out);
  }, 180_000);

  it("inside a shard: after kill -9, the same --shard command finishes only its missing point and writes the shard's bytes", async () => {
    // 24 runs, 4 a point: shard 2/5 holds runs 9–13, the last three of point 2 and half of point 3.
    const shard = ['--shard', '2/5'];
    const wholeShard = join(dir, 'whole-shard');
    const r = await seqsimHere(['sweep', file, '-o', wholeShard, '--quiet', ...shard]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(wholeShard).sort()).toEqual(FILES);
    const out = join(dir, 'killed-shard');
    expect(await interrupted(file, out, 2, 'SIGKILL', shard)).toBeNull();
    expect(readdirSync(join(out, PARTS)).filter((p) => existsSync(join(out, PARTS, p, 'complete.json')))).toEqual(['point-2']);
    expect(JSON.parse(readFileSync(join(out, PARTS, 'point-2', 'complete.json'), 'utf8'))).toMatchObject({ point: 2, from: 9, to: 12 });
    // Another shard into this folder would mix slices: refused, nothing touched.
    const other = await seqsimHere(['sweep', file, '-o', out, '--quiet', '--shard', '3/5']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^seqsim: cannot write to .*killed-shard: it holds finished points of another shard of this sweep \(\.seqsim-parts\/point-2: runs 9–11; this invocation runs 14–18\): rerun that shard into it to finish it, or remove .*\.seqsim-parts\n$/);
    const again = await seqsimHere(['sweep', file, '-o', out, '--quiet', ...shard]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe("seqsim: resumed: 1 of the shard's 2 points were finished by an interrupted invocation and kept\n");
    expect(readdirSync(out).sort()).toEqual(FILES);
    for (const f of FILES) expect(readFileSync(join(out, f)).equals(readFileSync(join(wholeShard, f))), f).toBe(true);
  }, 180_000);

  it('after SIGTERM (exit 143), and refuses another scenario in the folder until then', async () => {
    const out = join(dir, 'terminated');
    expect(await interrupted(file, out, 0, 'SIGTERM')).toBe(143);
    expect(existsSync(join(out, PARTS, 'point-0', 'complete.json'))).toBe(true);
    const other = await seqsimHere(['sweep', file, '-o', out, '--quiet', '--set', 'runs=3']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^seqsim: cannot write to .*terminated: it holds finished points of another sweep \(\.seqsim-parts\/point-0: scenario_sha256 [0-9a-f]{12}… of seqsim .*; this is [0-9a-f]{12}… of seqsim .*\): rerun that sweep to finish it, or remove .*\.seqsim-parts\n$/);
    const again = seqsim(['sweep', file, '-o', out, '--quiet']);
    expect(again.code, again.stderr).toBe(0);
    same(out);
  }, 180_000);
});
