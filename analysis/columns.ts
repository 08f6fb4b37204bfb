// Reading Arrow columns for analysis: numbers (int64 as Number, null as NaN) and strings (null kept),
// so the functions below work on plain arrays whatever the integer width.
import type { Table } from 'apache-arrow';

function vector(table: Table, name: string) {
  const v = table.getChild(name);
  if (!v) throw new Error(`table ${table.schema.metadata.get('seqsim.table') ?? ''} has no column ${name}`);
  return v;
}

export function numbers(table: Table, name: string): Float64Array {
  const out = new Float64Array(table.numRows);
  let i = 0;
  for (const x of vector(table, name)) out[i++] = x === null || x === undefined ? NaN : Number(x);
  return out;
}

export function strings(table: Table, name: string): (string | null)[] {
  return Array.from(vector(table, name), (x) => (x === null || x === undefined ? null : String(x)));
}

export function hasColumn(table: Table | undefined, name: string): boolean {
  return table?.getChild(name) != null;
}

/** The variants in run order (seqsim.modes), falling back to first appearance in a mode column. */
export function variantOrder(table: Table): string[] {
  const meta = table.schema.metadata.get('seqsim.modes');
  if (meta) return JSON.parse(meta) as string[];
  return [...new Set(strings(table, 'mode').filter((m): m is string => m !== null))];
}
