// A run worker (`seqsim run --workers K`): loads the scenario the way the main thread did, then
// runs the (seed, variant) runs it is sent, one at a time. It batches each run's rows into Arrow
// columns itself (the same specs and batch size as the files) and, at every drain, sends each
// table's batches as one Arrow IPC stream whose memory is transferred, not copied. The main thread
// appends those batches to the real sinks in run-plan order, column by column (parallel.ts), so
// the files are the bytes a single-threaded run writes, and its own share of the work is copying
// buffers: building rows and columns, the bulk of the output's cost, happens here, in parallel.
import { parentPort, workerData } from 'node:worker_threads';
import { tableToIPC, Table, type RecordBatch } from 'apache-arrow';
import { loadScenario, parseScenarioText, type LoadedScenario } from '../scenario/load.ts';
import { TABLES, TABLE_NAMES, tableSchema, type TableName } from '../metrics/tables.ts';
import { RowBatcher } from '../output/batches.ts';
import { executeRun, type RunPlan, type RunSinks } from './run.ts';
import type { FromWorker, TableBatches, ToWorker, WorkerSource } from './parallel.ts';

const port = parentPort!;
const source = workerData as WorkerSource;
const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

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

/** One batcher per table for the worker's life (its buffers are reused run after run), and the batches it filled since the last send. */
const tables = TABLE_NAMES.map((table) => {
  const spec = TABLES[table];
  return { table, batcher: new RowBatcher(spec, tableSchema(spec), loaded.scenario.output.batch_rows), full: [] as RecordBatch[] };
});

/** Sends every row appended since the last send, as one IPC stream per table that has any. */
function send(runId: number): void {
  const sent: TableBatches[] = [];
  for (const t of tables) {
    if (t.batcher.length > 0) t.full.push(t.batcher.take(true));
    if (t.full.length === 0) continue;
    const ipc = tableToIPC(new Table(t.full), 'stream');
    t.full.length = 0;
    // A buffer of its own, so that transferring it takes nothing else along.
    sent.push({ table: t.table, ipc: ipc.byteOffset === 0 && ipc.byteLength === ipc.buffer.byteLength ? ipc : ipc.slice() });
  }
  if (sent.length) post({ type: 'batches', runId, tables: sent }, sent.map((s) => s.ipc.buffer as ArrayBuffer));
}

async function run(plan: RunPlan): Promise<void> {
  const sinks = {} as RunSinks;
  for (const t of tables)
    sinks[t.table as TableName] = {
      append(row, constants) {
        t.batcher.append(row, constants);
        if (t.batcher.full) t.full.push(t.batcher.take(true));
      },
      drain: async () => send(plan.runId),
    };
  const summary = await executeRun(loaded, plan, sinks, (fraction, events) => post({ type: 'progress', runId: plan.runId, fraction, events }));
  send(plan.runId);
  post({ type: 'done', runId: plan.runId, summary });
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'run')
    run(m.plan).catch((e: Error) => post({ type: 'error', message: e.message, stack: e.stack }));
});
post({ type: 'ready' });
