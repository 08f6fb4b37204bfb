// `seqsim report`: read an output folder (runs.arrow must be seqsim's; other tables on demand),
// render the report (analysis/report/), write one HTML file atomically: a hidden temporary beside
// it, renamed into place when complete.
import fs from 'node:fs';
import path from 'node:path';
import type { Table } from 'apache-arrow';
import { OutputReadError, readTable } from './readOutput.ts';
import { OutputPathError } from './outputDir.ts';
import { tempPathFor } from '../output/tempFiles.ts';
import { strings, variantOrder } from '../../analysis/columns.ts';
import type { ReportInput } from '../../analysis/report/panel.ts';
import { renderReport, type PanelState } from '../../analysis/report/render.ts';

/** The folder, checked to be a seqsim output (runs.arrow readable), with tables read on demand. */
export function openOutput(dir: string): ReportInput {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new OutputReadError(`cannot read ${dir}: no such folder`);
  if (!stat.isDirectory()) throw new OutputReadError(`cannot read ${dir}: it is a file, not an output folder`);
  const runs = readTable(dir, 'runs');
  if (runs.numRows === 0) throw new OutputReadError(`cannot read ${path.join(dir, 'runs.arrow')}: it has no runs`);
  const cache = new Map<string, Table | undefined>([['runs', runs]]);
  const table = (name: string) => {
    if (!cache.has(name)) cache.set(name, fs.existsSync(path.join(dir, `${name}.arrow`)) ? readTable(dir, name) : undefined);
    return cache.get(name);
  };
  const [mode, status] = [strings(runs, 'mode'), strings(runs, 'status')];
  const variants = variantOrder(runs);
  const runsPerVariant = new Map(variants.map((v) => [v, mode.filter((m, i) => m === v && status[i] === 'ok').length]));
  // Every run of a folder shares the scenario's output section: the first run's says what it omitted.
  const resolved = JSON.parse(strings(runs, 'resolved_json')[0] ?? '{}') as { output?: { omit?: string[] } };
  return { dir, table, variants, runsPerVariant, omitted: new Set(resolved.output?.omit ?? []) };
}

/** The -o path: a file (not a folder) in an existing folder. Checked before anything is read. */
function checkTarget(file: string): void {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory()) throw new OutputPathError(file, 'it is a folder; -o names the HTML file to write');
  const parent = fs.statSync(path.dirname(path.resolve(file)), { throwIfNoEntry: false });
  if (!parent) throw new OutputPathError(file, `its folder ${path.dirname(file)} does not exist`);
  if (!parent.isDirectory()) throw new OutputPathError(file, `${path.dirname(file)} is a file, not a folder`);
}

export interface ReportResult {
  file: string;
  bytes: number;
  panels: PanelState[];
}

export function writeReport(dir: string, file: string): ReportResult {
  checkTarget(file);
  const { html, panels } = renderReport(openOutput(dir));
  const tmp = tempPathFor(file);
  try {
    fs.writeFileSync(tmp, html);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new OutputPathError(file, (e as Error).message);
  }
  return { file, bytes: Buffer.byteLength(html), panels };
}
