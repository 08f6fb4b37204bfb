// Hidden temporary files, beside the final file they become: `.seqsim-tmp-<pid>-<thread>-<host>-<name>`.
// The name says who writes it, so the next run into a directory can tell a crashed run's debris
// (its process is gone) from a live writer's file, and never touches a file seqsim did not write.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

const PREFIX = '.seqsim-tmp-';
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const PATTERN = /^\.seqsim-tmp-(\d+)-(\d+)-([0-9a-f]{8})-(.+)$/;

export function tempPathFor(finalPath: string): string {
  return path.join(path.dirname(finalPath), `${PREFIX}${process.pid}-${threadId}-${HOST}-${path.basename(finalPath)}`);
}

export interface StaleSweep {
  /** Temporary files of processes that no longer run on this host: removed. */
  removed: string[];
  /** Temporary files of a live process, or written from another host: left in place. */
  kept: { file: string; why: string }[];
}

/** Removes the temporary files that crashed runs left in `dir` (a missing directory has none). */
export function sweepStaleTemps(dir: string): StaleSweep {
  const sweep: StaleSweep = { removed: [], kept: [] };
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return sweep;
  }
  for (const name of names) {
    const m = PATTERN.exec(name);
    if (!m) continue;
    const file = path.join(dir, name);
    const pid = Number(m[1]);
    if (m[3] !== HOST) sweep.kept.push({ file, why: 'written from another host, which may still be running' });
    else if (pid !== process.pid && isAlive(pid)) sweep.kept.push({ file, why: `process ${pid} is still running` });
    else if (pid !== process.pid) {
      fs.rmSync(file, { force: true });
      sweep.removed.push(file);
    }
  }
  return sweep;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
