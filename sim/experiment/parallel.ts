// `--workers K`: the runs of a plan on K worker threads (worker.ts), with the output written by
// this thread in run-plan order. Workers stream each run's rows as they are appended; the rows of
// the run at the head of the plan go straight to the sinks, those of later runs wait in memory
// until their turn. At most 2K runs are dispatched ahead of the head (back-pressure: memory holds
// at most that many runs' rows), and the row order of every table — hence every byte — is that
// of a single-threaded run, whichever worker finishes first.
import { Worker } from 'node:worker_threads';
import type { LoadedScenario } from '../scenario/load.ts';
import type { TableName } from '../metrics/tables.ts';
import { Interrupted, selectedRuns, type ExecuteOptions, type RunPlan, type RunSinks, type RunSummary } from './run.ts';

export type WorkerSource = LoadedScenario['source'];

export type ToWorker = { type: 'run'; plan: RunPlan };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'rows'; runId: number; table: TableName; rows: [Record<string, unknown>, Record<string, unknown> | null][] }
  | { type: 'progress'; runId: number; fraction: number }
  | { type: 'done'; runId: number; summary: RunSummary }
  | { type: 'error'; message: string; stack?: string };

export const MAX_WORKERS = 64;

interface Slot {
  worker: Worker;
  busy: boolean;
}

/** Runs the plan on `workers` threads; same sinks, same order, same bytes as executeRuns. */
export async function executeRunsParallel(loaded: LoadedScenario, sinks: RunSinks, workers: number, options: ExecuteOptions = {}): Promise<RunSummary[]> {
  const plans = selectedRuns(loaded, options);
  const k = Math.max(1, Math.min(workers, plans.length));
  const window = 2 * k;
  const summaries: RunSummary[] = [];
  // Keyed by the run's index in `plans` (a shard's or a resumed plan's run ids need not start at 0 or be contiguous).
  const indexOf = new Map(plans.map((p, i) => [p.runId, i]));
  const buffered = new Map<number, FromWorker[]>(); // messages of runs past the head, in arrival order
  const progress = new Map<number, number>();
  let head = 0;
  let next = 0;
  const slots: Slot[] = [];

  return await new Promise<RunSummary[]>((resolve, reject) => {
    let settled = false;
    let writing = Promise.resolve();
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      for (const s of slots) void s.worker.terminate();
      reject(e);
    };
    const report = () => {
      let done = head;
      for (const [id, f] of progress) if (id >= head) done += f;
      options.onProgress?.(Math.min(1, done / plans.length));
    };
    const dispatch = () => {
      for (const slot of slots) {
        if (settled || next >= plans.length || next >= head + window) return;
        if (slot.busy) continue;
        slot.busy = true;
        slot.worker.postMessage({ type: 'run', plan: plans[next] } satisfies ToWorker);
        next++;
      }
    };
    /** Appends a head-run message to the sinks; true when it finished the run. */
    const apply = async (m: FromWorker): Promise<boolean> => {
      if (m.type === 'rows') {
        const sink = sinks[m.table];
        for (const [row, constants] of m.rows) sink.append(row, constants);
        await Promise.all(Object.values(sinks).map((s) => s.drain()));
        return false;
      }
      if (m.type === 'done') {
        summaries.push(m.summary);
        progress.delete(head);
        head++;
        return true;
      }
      return false;
    };
    /** Writes what can be written now: the head run's messages, then the next runs' buffered ones. */
    const advance = async () => {
      for (;;) {
        const queue = buffered.get(head);
        if (!queue || queue.length === 0) return;
        const m = queue.shift()!;
        if (await apply(m)) {
          buffered.delete(head - 1);
          if (head === plans.length) {
            settled = true;
            for (const s of slots) void s.worker.terminate();
            options.onProgress?.(1);
            resolve(summaries);
            return;
          }
          dispatch();
        }
      }
    };
    const onMessage = (slot: Slot) => (m: FromWorker) => {
      if (settled) return;
      if (m.type === 'error') return fail(new Error(`a run worker failed: ${m.message}${m.stack ? `\n${m.stack}` : ''}`));
      if (m.type === 'ready') return dispatch();
      const index = indexOf.get(m.runId)!;
      if (m.type === 'progress') {
        progress.set(index, m.fraction);
        return report();
      }
      if (options.signal?.aborted) return fail(new Interrupted(String(options.signal.reason)));
      if (m.type === 'done') slot.busy = false;
      if (!buffered.has(index)) buffered.set(index, []);
      buffered.get(index)!.push(m);
      // One writer at a time: appends to the sinks happen in order.
      writing = writing.then(advance).catch(fail);
      if (m.type === 'done') dispatch();
    };
    options.signal?.addEventListener('abort', () => fail(new Interrupted(String(options.signal!.reason))), { once: true });
    for (let i = 0; i < k; i++) {
      const worker = new Worker(new URL('./workerEntry.js', import.meta.url), { workerData: loaded.source });
      const slot: Slot = { worker, busy: false };
      slots.push(slot);
      worker.on('message', onMessage(slot));
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (!settled && code !== 0) fail(new Error(`a run worker exited with code ${code}`));
      });
    }
  });
}
