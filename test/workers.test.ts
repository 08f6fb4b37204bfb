// `seqsim run --workers K`: the runs go to K worker processes and the files come out byte for byte
// as a single-process run writes them, whichever worker finishes first.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { seqsim, seqsimHere, tempDir, ROOT } from './util/cli.ts';
import { TABLE_NAMES } from '../sim/metrics/tables.ts';

// Variants of very different cost (4 s slots make few blocks), so that runs finish out of order.
const SCENARIO = `
name: workers
seed: 11
runs: 3
horizon: 30s
warmup: 5s
assets: [{ id: eth, price: 3000, vol: 0.6, tick: 200ms }]
rollups:
  - id: fast
    block_time: 250ms
    users: [{ name: retail, rate: 10 }]
    pools: [{ id: eth-usd, asset: eth, liquidity_usd: 5000000, fee_bps: 5 }]
    traders: [{ name: noise, pool: eth-usd, rate: 2, size_usd: 2000 }]
    arbitrageurs: [{ name: arb, latency: 5ms }]
    searchers: [{ name: sand, latency: 5ms }]
  - { id: slow, block_time: 2s, users: [{ name: retail, rate: 2 }] }
sequencing:
  centralized: { policy: priority }
  shared: { preset: espresso, nodes: 4, policy: priority }
output: { batch_rows: 100 }
variants:
  - { name: central, mode: centralized }
  - { name: slow-slots, mode: shared, sequencing: { shared: { min_slot_time: 4s } } }
  - { name: espresso, mode: shared }
`;

const FILES = TABLE_NAMES.map((t) => `${t}.arrow`).sort();

/** seqsim with its stderr on a pseudo-terminal (util-linux `script`), stdout discarded: what a person sees. */
function onTerminal(args: string[]): { code: number | null; screen: string } {
  const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
  const command = `${[process.execPath, join(ROOT, 'bin/seqsim.js'), ...args].map(quote).join(' ')} >/dev/null`;
  const r = spawnSync('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  // Frames are redrawn in place: keep the text, drop the terminal's control sequences.
  return { code: r.status, screen: r.stdout.replace(/\x1b(\[[0-9;?]*[A-Za-z]|[78])/g, '') };
}

describe('--workers', () => {
  const file = join(tempDir(), 'workers.yaml');
  writeFileSync(file, SCENARIO);

  it('writes the same bytes with 1, 2 and 3 workers, a failed run included', () => {
    const outs = [1, 2, 3].map((k) => {
      const out = join(tempDir(), `w${k}`);
      const r = seqsim(['run', file, '-o', out, '--quiet', '--workers', String(k), '--set', 'debug.break_invariant={run: 4, at: 20s}']);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/run 4 \(slow-slots, seed 12\) failed: invariant broken/);
      expect(readdirSync(out).sort()).toEqual(FILES);
      return { out, stdout: r.stdout.replaceAll(out, '<out>') };
    });
    for (const f of FILES) {
      const bytes = readFileSync(join(outs[0].out, f));
      for (const o of outs.slice(1)) expect(readFileSync(join(o.out, f)).equals(bytes), `${f} with ${o.out}`).toBe(true);
    }
    expect(outs[1].stdout).toBe(outs[0].stdout);
    expect(outs[2].stdout).toBe(outs[0].stdout);
  });

  it('on a terminal, shows runs done of all, events/s and the ETA on stderr; --quiet silences it', () => {
    const shown = onTerminal(['run', file, '-o', join(tempDir(), 'tty'), '--workers', '2']);
    expect(shown.code, shown.screen).toBe(0);
    expect(shown.screen).toMatch(/seqsim .* 0% \| runs 0\/9 \| /); // the plan's size from the start, while the workers load
    expect(shown.screen).toMatch(/seqsim .* 100% \| runs 9\/9 \| \d+(\.\d)?[kMG]? events\/s \| ETA \d+s \| elapsed \d+s/);
    const frames = [...shown.screen.matchAll(/runs (\d)\/9 \| ([\d.]+)([kMG]?) events\/s/g)];
    expect(frames.some((f) => Number(f[1]) > 0 && Number(f[1]) < 9), 'a frame between the first run and the last').toBe(true);
    expect(frames.filter((f) => Number(f[1]) > 0).every((f) => Number(f[2]) > 0)).toBe(true); // the workers report their engines' events
    const quiet = onTerminal(['run', file, '-o', join(tempDir(), 'tty-quiet'), '--workers', '2', '--quiet']);
    expect(quiet.code, quiet.screen).toBe(0);
    expect(quiet.screen.trim()).toBe('');
  });

  it('refuses a bad worker count (exit 2, nothing written)', async () => {
    for (const bad of ['0', 'two', '1.5', '65']) {
      const out = join(tempDir(), 'bad');
      const r = await seqsimHere(['run', file, '-o', out, '--quiet', '--workers', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/expected a whole number of worker processes from 1 to 64/);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('SIGTERM stops the workers cleanly: exit 143, nothing left in a directory it created', async () => {
    const out = join(tempDir(), 'new-out');
    const child = spawn(process.execPath, [join(ROOT, 'bin/seqsim.js'), 'run', join(ROOT, 'scenarios/realistic.yaml'), '-o', out, '--quiet', '--workers', '2', '--set', 'horizon=2d'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait until the workers run (the tables' temporary files exist from the start), then a little more.
    for (let i = 0; i < 600 && !(existsSync(out) && readdirSync(out).some((f) => f.startsWith('.seqsim-tmp-') && !f.includes('-probe'))); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 4000));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(stderr).toBe('seqsim: interrupted by SIGTERM; stopped cleanly, no tables written and temporary files removed\n');
    expect(existsSync(out)).toBe(false);
  });

  it('workers do not outlive their command: killed with SIGKILL, its workers exit on their own', async () => {
    const out = join(tempDir(), 'killed');
    const child = spawn(process.execPath, [join(ROOT, 'bin/seqsim.js'), 'run', join(ROOT, 'scenarios/realistic.yaml'), '-o', out, '--quiet', '--workers', '2', '--set', 'horizon=2d'], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const workersOf = (pid: number) => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    let workers: number[] = [];
    for (let i = 0; i < 600 && workers.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      workers = workersOf(child.pid!);
    }
    expect(workers.length).toBe(2);
    await new Promise((r) => setTimeout(r, 3000)); // well into their runs
    child.kill('SIGKILL');
    await exited;
    const alive = () => workers.filter((pid) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')));
    for (let i = 0; i < 200 && alive().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toEqual([]);
  });
});
