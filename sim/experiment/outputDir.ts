// The output directory, checked before any run starts: it must be a directory we can write, or a
// new one whose parent exists (a missing parent is more often a typo than a wish). Nothing is
// created when a check fails. Debris of crashed runs into it is swept first, and reported.
import fs from 'node:fs';
import path from 'node:path';
import { sweepStaleTemps, tempPathFor, type StaleSweep } from '../output/tempFiles.ts';

/** A bad output path: bad input (exit 2), reported in one line. */
export class OutputPathError extends Error {
  constructor(readonly out: string, why: string) {
    super(`cannot write to ${out}: ${why}`);
  }
}

export interface PreparedDirectory {
  /** True when this call created the directory (so a failed run can leave no trace of it). */
  created: boolean;
  sweep: StaleSweep;
}

function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a folder';
  return (e as Error)?.message ?? String(e);
}

export function prepareOutputDirectory(out: string): PreparedDirectory {
  let created = false;
  const stat = fs.statSync(out, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw new OutputPathError(out, 'it is a file, not a folder (name a folder for the tables)');
  if (!stat) {
    const parent = path.dirname(path.resolve(out));
    const parentStat = fs.statSync(parent, { throwIfNoEntry: false });
    if (!parentStat) throw new OutputPathError(out, `its parent folder ${path.dirname(out)} does not exist (create it first)`);
    if (!parentStat.isDirectory()) throw new OutputPathError(out, `${path.dirname(out)} is a file, not a folder`);
    try {
      fs.mkdirSync(out);
      created = true;
    } catch (e) {
      throw new OutputPathError(out, why(e));
    }
  }
  // Root passes every permission check, so try a write for real (a probe named as our temporaries are).
  const probe = tempPathFor(path.join(out, 'probe'));
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (e) {
    if (created) fs.rmSync(out, { recursive: true, force: true });
    throw new OutputPathError(out, why(e));
  }
  return { created, sweep: sweepStaleTemps(out) };
}

/** Removes a folder this invocation created when a failure left it empty (anything inside keeps it). */
export function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir); // fails, and keeps it, when anything is inside
  } catch {
    /* not empty: leave it */
  }
}
