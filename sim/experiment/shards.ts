// Shards: the I-th of N disjoint, contiguous slices of the run plan (`--shard I/N`, or a job
// array's index from the environment), so that a scheduler's tasks each run one slice into their
// own folder and `seqsim merge` concatenates them, in shard order, into the unsharded bytes.
// Slice I holds runs floor(I·R/N) … floor((I+1)·R/N) − 1 of the R runs: sizes differ by at most one.

export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

/** What a shard's files say about it (schema metadata `seqsim.shard`); absent from unsharded files. */
export interface ShardInfo extends Shard {
  /** The plan's run ids this shard holds: from ≤ run_id < to. */
  from: number;
  to: number;
  /** Runs in the whole plan. */
  runs: number;
  /** The scenario's output.batch_rows, so the merge batches rows as an unsharded run does. */
  batch_rows: number;
}

export const SHARD_KEY = 'seqsim.shard';
/** Shards of one plan at most (a job array of this many tasks is already a large cluster). */
export const MAX_SHARDS = 100_000;

/** A bad shard specification: usage error (exit 2), one line. */
export class ShardError extends Error {}

export function shardRange(shard: Shard, runs: number): { from: number; to: number } {
  return { from: Math.floor((shard.index * runs) / shard.count), to: Math.floor(((shard.index + 1) * runs) / shard.count) };
}

export function shardInfo(shard: Shard, runs: number, batchRows: number): ShardInfo {
  return { ...shard, ...shardRange(shard, runs), runs, batch_rows: batchRows };
}

const wholeNumber = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : NaN);

function checked(index: number, count: number, source: string): Shard {
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_SHARDS) throw new ShardError(`${source}: expected a shard count from 1 to ${MAX_SHARDS.toLocaleString('en-US')}, found ${count}`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) throw new ShardError(`${source}: expected a shard index from 0 to ${count - 1}, found ${index}`);
  return { index, count };
}

/** `--shard I/N` (0-based I). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ShardError(`--shard: expected I/N with 0 ≤ I < N (e.g. 0/3), found ${JSON.stringify(text)}`);
  return checked(Number(m[1]), Number(m[2]), `--shard ${text}`);
}

/**
 * The shard a job array's task runs when --shard is not given:
 * - Slurm (`sbatch --array`): SLURM_ARRAY_TASK_ID less SLURM_ARRAY_TASK_MIN (so --array=1-3 works
 *   too) of SLURM_ARRAY_TASK_COUNT;
 * - a Kubernetes Indexed Job: JOB_COMPLETION_INDEX of the count given by `--shards N` or, failing
 *   that, SEQSIM_SHARDS (the Job's spec.completions: Kubernetes does not pass it to the pod).
 * `--shards N` alone (no index in the environment) is an error: the index would be a guess.
 */
export function shardFromEnvironment(env: NodeJS.ProcessEnv, shards: number | undefined): Shard | undefined {
  if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_COUNT !== undefined) {
    const id = wholeNumber(env.SLURM_ARRAY_TASK_ID);
    const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : wholeNumber(env.SLURM_ARRAY_TASK_MIN);
    const count = wholeNumber(env.SLURM_ARRAY_TASK_COUNT);
    if (shards !== undefined && shards !== count) throw new ShardError(`--shards ${shards}: the Slurm array has SLURM_ARRAY_TASK_COUNT=${env.SLURM_ARRAY_TASK_COUNT} tasks`);
    return checked(id - min, count, `SLURM_ARRAY_TASK_ID=${env.SLURM_ARRAY_TASK_ID} (SLURM_ARRAY_TASK_MIN=${env.SLURM_ARRAY_TASK_MIN ?? 'unset'}, SLURM_ARRAY_TASK_COUNT=${env.SLURM_ARRAY_TASK_COUNT})`);
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    const count = shards ?? (env.SEQSIM_SHARDS === undefined ? NaN : wholeNumber(env.SEQSIM_SHARDS));
    if (Number.isNaN(count)) throw new ShardError(`JOB_COMPLETION_INDEX=${env.JOB_COMPLETION_INDEX} is set but not the number of shards: pass --shards N or set SEQSIM_SHARDS to the Job's completions`);
    return checked(wholeNumber(env.JOB_COMPLETION_INDEX), count, `JOB_COMPLETION_INDEX=${env.JOB_COMPLETION_INDEX} of ${count} shards`);
  }
  if (shards !== undefined) throw new ShardError(`--shards ${shards}: no shard index in the environment (JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID); give --shard I/N`);
  return undefined;
}
