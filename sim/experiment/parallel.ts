// `--workers K`: the runs of a plan on K worker processes (worker.ts, forked with Node's
// child_process and its structured-clone IPC), with the output written by this process in run-plan
// order. Processes, not threads: on a 2-core machine two worker threads of one process spent about
// 40% more CPU on the same runs than two processes (a shared V8 platform and allocator), and
// scaled 1.1–1.3× where processes scale 1.9× (`npm run bench`). Workers send each run's rows as Arrow
// batches at every drain; the batches of the run at the head of the plan go straight to the sinks
// (appended column by column: this process only copies buffers), those of later runs wait in
// memory until their turn. At most 2K runs are dispatched ahead of the head (back-pressure: memory
// holds at most that many runs' batches), and the row order of every table — hence every byte — is
// that of a single-process run, whichever worker finishes first.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import type { LoadedScenario } from '../scenario/load.ts';
import type { TableName } from '../metrics/tables.ts';
import { Interrupted, selectedRuns, type BatchSinks, type ExecuteOptions, type RunPlan, type RunSummary } from './run.ts';

export type WorkerSource = LoadedScenario['source'];

export type ToWorker = { type: 'load'; source: WorkerSource } | { type: 'run'; plan: RunPlan };
/** A table's rows as one Arrow IPC stream of batches. */
export type TableBatches = { table: TableName; ipc: Uint8Array };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'batches'; runId: number; tables: TableBatches[] }
  | { type: 'progress'; runId: number; fraction: number; events: number }
  | { type: 'done'; runId: number; summary: RunSummary }
  | { type: 'error'; message: string; stack?: string };

export const MAX_WORKERS = 64;

interface Slot {
  worker: ChildProcess;
  busy: boolean;
  /** The end of its stderr: said when it dies without a word (a crash of node itself, an out-of-memory). */
  stderr: string;
}

const ENTRY = fileURLToPath(new URL('./workerEntry.js', import.meta.url));

/** The heap and stack limits and heap policy node was started with hold for the workers too; loaders are the entry's own (tsx). */
const inheritedFlags = () => process.execArgv.filter((a) => /^--(max-old-space-size|max-semi-space-size|heap-growing-percent|stack-size)=/.test(a));

function startWorker(source: WorkerSource): Slot {
  const worker = fork(ENTRY, [], { serialization: 'advanced', execArgv: inheritedFlags(), stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const slot: Slot = { worker, busy: false, stderr: '' };
  worker.stderr!.on('data', (d) => (slot.stderr = (slot.stderr + String(d)).slice(-2000)));
  worker.send({ type: 'load', source } satisfies ToWorker);
  return slot;
}

/** Runs the plan on `workers` processes; same sinks, same order, same bytes as executeRuns. */
export async function executeRunsParallel(loaded: LoadedScenario, sinks: BatchSinks, workers: number, options: ExecuteOptions = {}): Promise<RunSummary[]> {
  const plans = selectedRuns(loaded, options);
  if (plans.length === 0) return []; // every point finished already (a resumed sweep): no worker to start
  const k = Math.min(workers, plans.length);
  const window = 2 * k;
  const summaries: RunSummary[] = [];
  // Keyed by the run's index in `plans` (a shard's or a resumed plan's run ids need not start at 0 or be contiguous).
  const indexOf = new Map(plans.map((p, i) => [p.runId, i]));
  const buffered = new Map<number, FromWorker[]>(); // messages of runs past the head, in arrival order
  const running = new Map<number, { fraction: number; events: number }>(); // by index, the runs the workers are on
  const finished = { runs: 0, events: 0 };
  let head = 0;
  let next = 0;
  const slots: Slot[] = [];

  return await new Promise<RunSummary[]>((resolve, reject) => {
    let settled = false;
    let writing = Promise.resolve();
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      for (const s of slots) s.worker.kill();
      reject(e);
    };
    const report = () => {
      let done = finished.runs;
      let events = finished.events;
      for (const r of running.values()) (done += r.fraction), (events += r.events);
      options.onProgress?.(Math.min(1, done / plans.length), { runsDone: finished.runs, runs: plans.length, events });
    };
    const dispatch = () => {
      for (const slot of slots) {
        if (settled || next >= plans.length || next >= head + window) return;
        if (slot.busy) continue;
        slot.busy = true;
        slot.worker.send({ type: 'run', plan: plans[next] } satisfies ToWorker);
        next++;
      }
    };
    /** Appends a head-run message to the sinks; true when it finished the run. */
    const apply = async (m: FromWorker): Promise<boolean> => {
      if (m.type === 'batches') {
        for (const { table, ipc } of m.tables) for (const batch of tableFromIPC(ipc).batches) sinks[table].appendBatch(batch);
        await Promise.all(Object.values(sinks).map((s) => s.drain()));
        return false;
      }
      if (m.type === 'done') {
        summaries.push(m.summary);
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
            for (const s of slots) s.worker.kill();
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
        running.set(index, { fraction: m.fraction, events: m.events });
        return report();
      }
      if (options.signal?.aborted) return fail(new Interrupted(String(options.signal.reason)));
      if (m.type === 'done') {
        slot.busy = false;
        running.delete(index);
        finished.runs++;
        finished.events += m.summary.events;
        report();
      }
      if (!buffered.has(index)) buffered.set(index, []);
      buffered.get(index)!.push(m);
      // One writer at a time: appends to the sinks happen in order.
      writing = writing.then(advance).catch(fail);
      if (m.type === 'done') dispatch();
    };
    report(); // the plan's size, while the workers start
    options.signal?.addEventListener('abort', () => fail(new Interrupted(String(options.signal!.reason))), { once: true });
    for (let i = 0; i < k; i++) {
      const slot = startWorker(loaded.source);
      slots.push(slot);
      slot.worker.on('message', onMessage(slot));
      slot.worker.on('error', fail);
      slot.worker.on('exit', (code, signal) => {
        if (!settled) fail(new Error(`a run worker stopped (${signal ?? `exit code ${code}`})${slot.stderr.trim() ? `: ${slot.stderr.trim()}` : ''}`));
      });
    }
  });
}
