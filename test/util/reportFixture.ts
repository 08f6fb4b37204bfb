// Output folders for the report tests: a short real run of the default scenario with an outage
// (so every table-driven panel has rows), optionally relabelled as a sweep of two points.
import fs from 'node:fs';
import path from 'node:path';
import { Table, makeVector, tableFromIPC, tableFromJSON, tableToIPC } from 'apache-arrow';
import { seqsim } from './cli.ts';

export const REPORT_RUN_ARGS = ['--set', 'runs=4', '--set', 'horizon=3m', '--set', 'faults.outages=[{rollup: slow, at: 1m, duration: 1m}]', '--quiet'];

export function runForReport(dir: string): void {
  const r = seqsim(['run', 'scenarios/default.yaml', '-o', dir, ...REPORT_RUN_ARGS]);
  if (r.code !== 0) throw new Error(`seqsim run failed (${r.code}): ${r.stderr}`);
}

/** A seqsim-tagged Arrow file, as the readers expect (seqsim.table and the runs' provenance). */
export function writeTable(dir: string, name: string, table: Table, metadata: Map<string, string> = new Map()): void {
  for (const [k, v] of metadata) table.schema.metadata.set(k, v);
  table.schema.metadata.set('seqsim.table', name);
  fs.writeFileSync(path.join(dir, `${name}.arrow`), tableToIPC(table, 'file'));
}

/**
 * Turns a run of 2k seeds into a sweep fixture: the seeds' runs alternate between sweep points 0 and
 * 1 (so each point has k seeds per variant), and points.arrow gives them a parameter `nodes`. This
 * exercises the sweep panel's rendering on real metrics; the values are not a real sweep's.
 */
export function relabelAsSweep(dir: string, values: readonly number[] = [4, 8]): void {
  const runs = tableFromIPC(fs.readFileSync(path.join(dir, 'runs.arrow')));
  const seeds = Array.from(runs.getChild('seed')!, Number);
  const order = [...new Set(seeds)];
  const point = Int32Array.from(seeds, (s) => order.indexOf(s) % values.length);
  const relabelled = runs.assign(new Table({ point: makeVector(point) }));
  writeTable(dir, 'runs', relabelled, runs.schema.metadata);
  writeTable(dir, 'points', tableFromJSON(values.map((nodes, p) => ({ point: p, nodes }))), runs.schema.metadata);
}
