// Deterministic crash points (issue 13 §6): a small sweep is killed (SIGKILL, no cleanup) right
// after its k-th rename of a finished file into place, for every k until the sweep completes
// (SEQSIM_TEST_CRASH_AFTER_RENAMES, sim/output/crashPoints.ts). After each crash the same command
// into the same folder must finish and leave exactly the bytes of an uninterrupted sweep, with no
// part or temporary left behind: every state a crash can leave is resumable.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, tempDir } from '../util/cli.ts';
import { TABLE_NAMES } from '../../sim/metrics/tables.ts';
import { smallWorld } from '../util/smallWorld.ts';

const SCENARIO = `${smallWorld({ name: 'crash-points', seed: 3, runs: 1, horizon: '5s', users: 20, traders: 4 })}sweep:
  grid: { sequencing.shared.nodes: [4, 7] }
`;

const BIN = join(ROOT, 'bin', 'seqsim.js');
const FILES = TABLE_NAMES.map((t) => `${t}.arrow`).sort();

function sweep(file: string, out: string, crashAfter?: number) {
  const env = { ...process.env, SEQSIM_TEST_CRASH_AFTER_RENAMES: crashAfter === undefined ? '' : String(crashAfter) };
  return spawnSync(process.execPath, [BIN, 'sweep', file, '-o', out, '--quiet'], { cwd: ROOT, env, encoding: 'utf8' });
}

describe('a sweep killed after every commit point resumes to the uninterrupted bytes', () => {
  it('for every k: SIGKILL after the k-th rename, then the same command', () => {
    const dir = tempDir();
    const file = join(dir, 'crash.yaml');
    writeFileSync(file, SCENARIO);
    const whole = join(dir, 'whole');
    const ref = sweep(file, whole);
    expect(ref.status, ref.stderr).toBe(0);
    const reference = new Map(FILES.map((f) => [f, readFileSync(join(whole, f))]));
    let crashes = 0;
    for (let k = 1; ; k++) {
      const out = join(dir, `k${k}`);
      const first = sweep(file, out, k);
      if (first.status === 0) break; // past the last commit point: it ran to the end
      expect(first.signal, `k=${k}: ${first.stderr}`).toBe('SIGKILL');
      crashes++;
      const again = sweep(file, out);
      expect(again.status, `k=${k}: ${again.stderr}`).toBe(0);
      expect(readdirSync(out).sort(), `k=${k}`).toEqual(FILES);
      for (const f of FILES) expect(readFileSync(join(out, f)).equals(reference.get(f)!), `k=${k}: ${f}`).toBe(true);
    }
    // Two points' parts (every table and a marker each), then the merged tables.
    expect(crashes).toBe(2 * (FILES.length + 1) + FILES.length);
  }, 1_500_000);
});
