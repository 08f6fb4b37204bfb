// Rows of the output tables as tests read them back: plain objects, int64 columns as numbers.

/** A row of `txs` (the columns tests use). */
export interface TxRow {
  run_id: number;
  mode: string;
  rollup: string;
  tx_id: number;
  sender: string;
  submit_us: number;
  arrive_us: number | null;
  preconf_us: number | null;
  include_us: number | null;
  block: number | null;
  position: number | null;
  sequencer: string | null;
  policy: string;
  fee_usd: number;
  status: string;
}

/** An Arrow row as a plain object, bigints (int64 columns) turned into numbers. */
export const plain = (row: { toJSON(): Record<string, unknown> }): Record<string, unknown> => {
  const o = row.toJSON();
  for (const k of Object.keys(o)) if (typeof o[k] === 'bigint') o[k] = Number(o[k]);
  return o;
};
