// A run worker process (`seqsim run --workers K`): loads the scenario it is sent the way the
// command did, then runs the (seed, variant) runs it is sent, one at a time. It batches each run's
// rows into Arrow columns itself (the same specs and batch size as the files) and, at every drain,
// sends each table's batches as one Arrow IPC stream. The command's process appends those batches
// to the real sinks in run-plan order, column by column (parallel.ts), so the files are the bytes a
// single-process run writes, and its own share of the work is copying buffers: building rows and
// columns, the bulk of the output's cost, happens here, in parallel.
import { tableToIPC, Table, type RecordBatch } from 'apache-arrow';
import { loadScenario, parseScenarioText, type LoadedScenario } from '../scenario/load.ts';
import { TABLES, TABLE_NAMES, tableSchema, type TableName } from '../metrics/tables.ts';
import { RowBatcher } from '../output/batches.ts';
import { executeRun, type RunPlan, type RunSinks } from './run.ts';
import type { FromWorker, TableBatches, ToWorker, WorkerSource } from './parallel.ts';
import { limitHeapGrowth } from './heap.ts';

limitHeapGrowth();

const post = (m: FromWorker) => {
  if (process.connected) process.send!(m);
};
// The command decides when its workers stop: a terminal's Ctrl-C reaches the whole process group,
// and the command answers it by stopping them (parallel.ts). Without the command, nothing is kept:
// a worker whose command is gone (even killed with SIGKILL) exits at its next drain.
process.on('SIGINT', () => {});
process.on('disconnect', () => process.exit(0));

function load(source: WorkerSource): LoadedScenario {
  const opts = { set: source.set };
  return source.text !== undefined ? parseScenarioText(source.text, source.file, opts) : loadScenario(source.file, opts);
}

let loaded: LoadedScenario;
/** One batcher per table for the worker's life (its buffers are reused run after run), and the batches it filled since the last send. */
let tables: { table: TableName; batcher: RowBatcher; full: RecordBatch[] }[];

function start(source: WorkerSource): void {
  try {
    loaded = load(source);
  } catch (e) {
    post({ type: 'error', message: `the worker could not load the scenario: ${(e as Error).message}` });
    return;
  }
  tables = TABLE_NAMES.map((table) => {
    const spec = TABLES[table];
    return { table, batcher: new RowBatcher(spec, tableSchema(spec), loaded.scenario.output.batch_rows), full: [] };
  });
  post({ type: 'ready' });
}

/** Sends every row appended since the last send, as one IPC stream per table that has any. */
function send(runId: number): void {
  const sent: TableBatches[] = [];
  for (const t of tables) {
    if (t.batcher.length > 0) t.full.push(t.batcher.take(true));
    if (t.full.length === 0) continue;
    sent.push({ table: t.table, ipc: tableToIPC(new Table(t.full), 'stream') });
    t.full.length = 0;
  }
  if (sent.length) post({ type: 'batches', runId, tables: sent });
}

async function run(plan: RunPlan): Promise<void> {
  const sinks = {} as RunSinks;
  for (const t of tables)
    sinks[t.table as TableName] = {
      append(row, constants) {
        t.batcher.append(row, constants);
        if (t.batcher.full) t.full.push(t.batcher.take(true));
      },
      // Sent, then a turn of the event loop: a command that is gone ('disconnect') is seen between chunks.
      drain: () => {
        send(plan.runId);
        return new Promise<void>((resolve) => setImmediate(resolve));
      },
    };
  const summary = await executeRun(loaded, plan, sinks, (fraction, events) => post({ type: 'progress', runId: plan.runId, fraction, events }));
  send(plan.runId);
  post({ type: 'done', runId: plan.runId, summary });
}

process.on('message', (m: ToWorker) => {
  if (m.type === 'load') start(m.source);
  else run(m.plan).catch((e: Error) => post({ type: 'error', message: e.message, stack: e.stack }));
});
