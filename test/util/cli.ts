// Runs the real `seqsim` binary in a child process, as a user would.
import { spawnSync } from 'node:child_process';
import { vi } from 'vitest';
import { main } from '../../sim/cli.ts';
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

/** The CLI in this process (no start-up cost, for many cases): its exit code and stderr; stdout is dropped. */
export async function seqsimInProcess(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await main(args), stderr };
  } finally {
    err.mockRestore();
    out.mockRestore();
    process.exitCode = 0; // main sets it; the test runner must not inherit it
  }
}
