// A record batch back as plain rows, for the few consumers that need values rather than columns
// (the derived tables read the metrics and sketches rows of a merge or of a worker's run).
import type { RecordBatch } from 'apache-arrow';

/** Each row as a plain object, read column by column (twice as fast as StructRow.toJSON); with `only`, just those columns. */
export function* rowsOf(batch: RecordBatch, only?: readonly string[]): Generator<Record<string, unknown>> {
  const names = only ?? batch.schema.fields.map((f) => f.name);
  const columns = names.map((n) => batch.getChild(n)!);
  for (let i = 0; i < batch.numRows; i++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) row[names[c]] = columns[c].get(i);
    yield row;
  }
}
