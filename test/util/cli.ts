// Runs the real `seqsim` binary in a child process, as a user would.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'seqsim.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function seqsim(args: string[], cwd = ROOT): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'seqsim-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The same command line in this process (no child: tens of milliseconds instead of seconds), with
 * stdout and stderr captured; for tests that run many quick commands on outputs already written.
 */
export async function seqsimHere(args: string[]): Promise<CliResult> {
  const { main } = await import('../../sim/cli.ts');
  const out: string[] = [];
  const err: string[] = [];
  const write = { stdout: process.stdout.write, stderr: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  const listeners = process.stdout.listenerCount('error');
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.stdout;
    process.stderr.write = write.stderr;
    process.exitCode = 0;
    // main() adds an EPIPE guard to stdout each call: keep one.
    for (const l of process.stdout.listeners('error').slice(listeners)) process.stdout.removeListener('error', l as (...a: unknown[]) => void);
  }
}

