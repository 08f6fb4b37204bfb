// Reads an Arrow IPC file with nodejs-polars: a second, independent Arrow implementation (Rust),
// so a test that passes here proves our files are standard, not just readable by apache-arrow JS.
import fs from 'node:fs';
import pl from 'nodejs-polars';

/** The file as a polars DataFrame (read from a Buffer: the path overload is unreliable in nodejs-polars). */
export function readArrowFrame(path: string): pl.DataFrame {
  return pl.readIPC(fs.readFileSync(path));
}

/** A column's polars dtype; nodejs-polars throws on reading a Binary dtype into JS, which names it. */
function dtypeOf(df: pl.DataFrame, name: string): string {
  try {
    return df.select(name).dtypes[0].variant;
  } catch (e) {
    if (/DataType Binary/.test(String(e))) return 'Binary';
    throw e;
  }
}

/**
 * The file's rows as plain objects keyed by column name (int64 arrives as number, null as null).
 * Binary columns are left out: nodejs-polars cannot hand bytes to JS (their dtype is still checked).
 */
export function readArrowRows(path: string): Record<string, unknown>[] {
  const df = readArrowFrame(path);
  const binary = df.columns.filter((name) => dtypeOf(df, name) === 'Binary');
  return (binary.length ? df.drop(binary) : df).toRecords() as Record<string, unknown>[];
}

/** Column names and polars dtypes, in file order, e.g. [['run_id', 'Int32'], …]. */
export function readArrowDtypes(path: string): [string, string][] {
  const df = readArrowFrame(path);
  return df.columns.map((name) => [name, dtypeOf(df, name)]);
}
