// `seqsim compare A/ B/`: the paired comparison table between two output directories of the same
// scenario and seeds (two versions of seqsim, or two parameter sets): each variant of B against
// the same variant of A, seed by seed — point by point for two sweeps of the same points. Both directories are read and checked before anything is
// written; the table goes to <out>/comparison.arrow through a temporary file renamed into place.
import path from 'node:path';
import { compareOutputs, type ComparisonRow } from '../../analysis/comparison.ts';
import { TABLES } from '../metrics/tables.ts';
import { APACHE_ARROW_VERSION, openArrowFile } from '../output/arrow.ts';
import { SEQSIM_VERSION } from '../version.ts';
import { OutputPathError, prepareOutputDirectory } from './outputDir.ts';
import { checkPairable, readOutputDirectory, type OutputDirectory } from './readOutput.ts';

export interface CompareResult {
  before: OutputDirectory;
  after: OutputDirectory;
  /** In point order, then metric order. */
  rows: (ComparisonRow & { point: number })[];
  /** The file written, when an output directory was given. */
  file?: string;
}

const side = (o: OutputDirectory) => ({ dir: o.dir, scenario: o.scenario, scenario_sha256: o.scenarioSha256, seqsim_version: o.seqsimVersion });

export async function compareDirectories(beforeDir: string, afterDir: string, out?: string): Promise<CompareResult> {
  const before = readOutputDirectory(beforeDir, { sweeps: true });
  const after = readOutputDirectory(afterDir, { sweeps: true });
  checkPairable(before, after);
  const rows = before.points.flatMap((point) =>
    compareOutputs(before.metrics.filter((m) => m.point === point), after.metrics.filter((m) => m.point === point), before.variants).map((r) => ({ point, ...r })),
  );
  if (out === undefined) return { before, after, rows };
  for (const d of [beforeDir, afterDir])
    if (path.resolve(out) === path.resolve(d)) throw new OutputPathError(out, `it is one of the compared directories (its own comparison.arrow would be replaced): name another folder`);
  prepareOutputDirectory(out);
  const file = path.join(out, 'comparison.arrow');
  const metadata = {
    'seqsim.version': SEQSIM_VERSION,
    'seqsim.arrow_version': APACHE_ARROW_VERSION,
    'seqsim.seeds': `[${before.seeds.join(',')}]`,
    'seqsim.modes': JSON.stringify(before.variants),
    'seqsim.comparison': JSON.stringify({ kind: 'outputs', baseline: side(before), variant: side(after) }),
  };
  const sink = openArrowFile(TABLES.comparison, file, { metadata });
  try {
    for (const r of rows) sink.append(r);
    await sink.close();
  } catch (e) {
    sink.abort();
    throw e;
  }
  return { before, after, rows, file };
}
