// A run worker (`seqsim run --workers K`): loads the scenario the way the main thread did, then
// runs the (seed, variant) runs it is sent, one at a time, and streams each run's rows back to the
// main thread exactly as the run appended them (row and constants, per table, at every drain).
// The main thread appends them to the real sinks in run-plan order, so the files are the bytes a
// single-threaded run writes.
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenario, parseScenarioText, type LoadedScenario } from '../scenario/load.ts';
import { TABLE_NAMES, type TableName } from '../metrics/tables.ts';
import { executeRun, type RunPlan, type RunSink, type RunSinks } from './run.ts';
import type { FromWorker, ToWorker, WorkerSource } from './parallel.ts';

const port = parentPort!;
const source = workerData as WorkerSource;
const post = (m: FromWorker) => port.postMessage(m);

function load(): LoadedScenario {
  const opts = { set: source.set };
  return source.text !== undefined ? parseScenarioText(source.text, source.file, opts) : loadScenario(source.file, opts);
}

let loaded: LoadedScenario;
try {
  loaded = load();
} catch (e) {
  post({ type: 'error', message: `the worker could not load the scenario: ${(e as Error).message}` });
  throw e;
}

async function run(plan: RunPlan): Promise<void> {
  const pending = new Map<TableName, [Record<string, unknown>, Record<string, unknown> | null][]>();
  const flush = () => {
    for (const [table, rows] of pending) if (rows.length) post({ type: 'rows', runId: plan.runId, table, rows });
    pending.clear();
  };
  const sinks = {} as RunSinks;
  for (const table of TABLE_NAMES) {
    const sink: RunSink = {
      append(row, constants) {
        let rows = pending.get(table);
        if (!rows) pending.set(table, (rows = []));
        rows.push([row, constants ?? null]);
      },
      drain: async () => flush(),
    };
    sinks[table] = sink;
  }
  const summary = await executeRun(loaded, plan, sinks, (fraction) => post({ type: 'progress', runId: plan.runId, fraction }));
  flush();
  post({ type: 'done', runId: plan.runId, summary });
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'run')
    run(m.plan).catch((e: Error) => post({ type: 'error', message: e.message, stack: e.stack }));
});
post({ type: 'ready' });
