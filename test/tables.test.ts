import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataType, tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import fc from 'fast-check';
import { METADATA_KEYS, TABLES, TABLE_NAMES, tableSchema, type ColumnSpec, type Row, type TableName, type TableSpec } from '../sim/metrics/tables.ts';
import { renderTablesDoc } from '../sim/metrics/docs.ts';
import { APACHE_ARROW_VERSION, openArrowFile, openArrowTable } from '../sim/output/arrow.ts';
import { provenanceMetadata } from '../sim/output/provenance.ts';
import { readArrowDtypes, readArrowRows } from './util/polars.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIG = 2 ** 40; // > 2^31: int64 times must survive beyond 32 bits
const METADATA = { 'seqsim.version': '0.1.0', 'seqsim.scenario_sha256': 'ab'.repeat(32), 'seqsim.modes': '["centralized","shared"]' };

// Five rows per table (batchRows 2 → three batches), nulls in every nullable column, big times.
const SAMPLE_ROWS: { [N in TableName]: Row<N>[] } = {
  runs: [0, 1, 2, 3, 4].map((i) => ({
    run_id: i, scenario: 'default', scenario_sha256: 'ab'.repeat(32), mode: i % 2 ? 'shared' : 'centralized',
    seed: 2 ** 33 + i, point: i >> 1, params_json: `{"n":${i},"name":"ü→✓"}`, resolved_json: `{"horizon_us":${i}}`, events: BIG * 3 + i,
    end_time_us: BIG + i, status: i === 3 ? 'failed' : 'ok', error: i === 3 ? 'invariant broken: reserves > 0' : null,
  })),
  metrics: [0, 1, 2, 3, 4].map((i) => ({
    run_id: i, mode: 'shared', metric: 'latency.inclusion_ms.p50', rollup: i % 2 ? 'rollup-a' : null,
    subject: i === 2 ? 'pool/eth-usdc' : undefined, value: i === 4 ? -0.125 : 1e12 + i / 3, unit: 'ms',
  })),
  txs: [0, 1, 2, 3, 4].map((i) => ({
    run_id: 1, mode: 'centralized', tx_id: BIG + i, rollup: 'rollup-b', sender: 'noise',
    submit_us: BIG * 100 + i, arrive_us: i === 0 ? null : BIG * 100 + i + 250,
    include_us: i < 3 ? BIG * 100 + 2_000_000 : null, block: i < 3 ? 2 ** 35 : null,
    position: i < 3 ? i : null, status: i < 3 ? 'included' : 'pending', reason: i === 4 ? 'slippage-limit' : null,
    policy: 'fcfs', fee_usd: i / 4, preconf_us: i < 4 ? BIG * 100 + i + 300 : null, final_us: i < 3 ? BIG * 101 : null, sequencer: i < 3 ? 'node-2' : null,
  })),
  trades: [0, 1, 2, 3, 4].map((i) => ({
    run_id: 2, mode: 'shared', rollup: 'rollup-a', pool: 'eth-usd', agent_kind: i % 2 ? 'arbitrageur' : 'noise', agent: 'a',
    tx_id: BIG + i, decided_us: BIG + i, executed_us: BIG + 2 * i, side: i % 2 ? 'buy' : 'sell', exact: i === 2 ? 'out' : 'in', amount_in: 1.5 * i,
    amount_out: i / 7, fee_usd: 0.003 * i, mid_seen: 3000, mid_before: 3001, mid_after: 3002 + i, ref_decided: 2999.5,
    ref_executed: 3000.25, pool_value_usd: 2e7, lvr_usd: -0.5 + i, profit_usd: i - 2, slippage_bps: i === 3 ? NaN : 31.5,
    fee_bps: 30, impact_bps: 1.25, execution_drift_bps: 0.25, ref_drift_bps: -3, status: i === 3 ? 'slippage-limit' : 'ok',
  })),
  mev: [0, 1, 2, 3, 4].map((i) => ({
    run_id: 3, mode: 'centralized', kind: 'sandwich', searcher: i % 2 ? 's1' : 'central', captured_by: i % 2 ? 'searcher' : 'sequencer',
    victim_tx: BIG + i, front_tx: i === 3 ? null : BIG + 10 + i, back_tx: BIG + 20 + i, rollups: 'rollup-a', pool: 'eth-usd',
    opened_us: BIG + i, closed_us: BIG + 2_000_000 + i, front_in: i === 3 ? null : 1000 + i, front_in_usd: i === 3 ? null : 1000.5 + i, gross_profit_usd: i * 1.5, fees_paid_usd: i * 0.5, gas_usd: 0.1,
    net_profit_usd: i - 0.1, victim_loss_usd: i === 3 ? null : i * 2.25, status: i === 3 ? 'failed' : 'ok', reason: i === 3 ? 'outbid' : null,
})),
  bids: [0, 1, 2, 3, 4].map((i) => ({
    run_id: 4, mode: 'shared', rollup: 'rollup-b', at_us: BIG + i, builder: i % 2, builder_name: `b-${i % 2}`, block_value_usd: 10 + i, bid_usd: 9 + i, won: i % 2 === 0,
})),
  quotes: [0, 1, 2, 3, 4].map((i) => ({
    run_id: i, mode: 'shared', at_us: BIG + i, decided_us: BIG + i - 5, venue: 'v', maker: 'mm', instrument: `v-C${3000 + i}-3600s#0`, kind: i % 2 ? 'put' : 'call',
    strike: 3000 + i, expiry_us: BIG * 2, spot: 3001.5, bid: 40 + i, ask: 42 + i, mid: 41 + i, vol_bid: 0.58, vol_ask: 0.62, half_spread_usd: 0.5,
    fee_usd: 0, adverse_selection_usd: 0.1, snipe_usd: 0.2, inventory_usd: 0.01, hedge_cost_usd: 0.1, leg_failure_usd: 0, capital_usd: 0.09, arrival_usd: 0, reservation_shift_usd: -0.01 * i, reason: 'timer',
  })),
  exotics: [0, 1, 2, 3, 4].map((i) => ({
    run_id: i, mode: i % 2 ? 'shared' : 'centralized', exotic: 'dd', listed_us: BIG + i, expiry_us: BIG * 2 + i, strike_0: 3000, strike_1: 60000, fair_usd: i === 2 ? null : 25,
    price_at_expiry_0: 3010, price_at_expiry_1: 60100, payout_at_expiry_usd: 100, read_us_0: i === 4 ? null : BIG * 2 + 10, read_us_1: i === 4 ? null : BIG * 2 + 20,
    price_read_0: i === 4 ? null : 3011, price_read_1: i === 4 ? null : 59990, read_gap_ms: i === 4 ? null : 0.01, payout_usd: i === 4 ? null : 0, settlement_error_usd: i === 4 ? null : -100,
    status: i === 4 ? 'unsettled' : 'settled',
  })),
  option_trades: [0, 1, 2, 3, 4].map((i) => ({
    run_id: i, mode: 'centralized', at_us: BIG + i, decided_us: BIG + i - 9, venue: 'v', instrument: 'v-P3000-3600s#0', taker: 't', taker_kind: 'sniper', strategy: i === 4 ? 'vertical' : 'snipe',
    strategy_order: i === 4 ? BIG + 7 : null, leg: i === 4 ? 1 : null, legs: i === 4 ? 2 : 1, maker: i === 3 ? null : 'mm', side: i % 2 ? 'sell' : 'buy', size: i === 3 ? 0 : 1, price: i === 3 ? null : 40.5, quote_mid: i === 3 ? null : 40.7, spot: 3000, fair_usd: i === 3 ? null : 41,
    taker_edge_usd: i === 3 ? null : 0.5, snipe: i !== 3, taker_fee_usd: i === 3 ? null : 0.9, markout_1s_usd: i === 3 ? null : 0.4, markout_10s_usd: i === 4 ? null : 0.3,
    markout_60s_usd: null, status: i === 3 ? 'no-quote-within-limit' : 'filled',
  })),
  liquidations: [0, 1, 2, 3, 4].map((i) => ({
    run_id: i, mode: 'shared', at_us: BIG + i, decided_us: BIG + i - 50, rollup: 'rollup-a', market: 'eth-lend', borrower: i, liquidator: 'liq', tx_id: BIG + i,
    repaid_usd: 1000 + i, seized: 0.35, seized_usd: 1050 + i, bonus_usd: 50, proceeds_usd: 1049, hf_before: 0.97, hf_after: i === 4 ? Infinity : 0.95, oracle_price: 3000,
    oracle_age_us: BIG + 7, deficit_usd: i === 4 ? 12.5 : 0, generation: i % 3, episode_id: i === 2 ? null : i,
  })),
  contagion: [0, 1, 2, 3, 4].map((i) => ({
    run_id: i, mode: 'centralized', episode_id: i, kind: 'outage', cause: i % 2 ? 'random' : 'scheduled', start_us: BIG + i, duration_us: BIG, machines: 1, of_machines: i + 1,
    rollups: 'fast,medium', rollups_affected: 2, txs_delayed: BIG + 1, txs_preconf_broken: 2, txs_reverted: 3, txs_dropped: 0, liquidations: 7 + i, liquidated_usd: 1e6, cascade_depth: i === 3 ? null : i,
    bad_debt_usd: 0.5 * i, recovery_s: i === 1 ? null : 3600.5, max_ref_dislocation_bps: 950, max_cross_dislocation_bps: i === 0 ? null : 12.25,
  })),
  sketches: [0, 1, 2, 3, 4].map((i) => ({
    run_id: i, mode: 'shared', metric: 'latency.inclusion_ms', rollup: i % 2 ? 'rollup-a' : null, subject: null, unit: 'ms',
    count: BIG + i, sum: 1.5 * i, relative_accuracy: 0.01, ddsketch: Uint8Array.from({ length: 3 + i }, (_, k) => (k * 37 + i) & 0xff),
  })),
  points: [0, 1, 2, 3, 4].map((i) => ({ point: i })),
  point_metrics: [0, 1, 2, 3, 4].map((i) => ({
    point: i, mode: 'shared', metric: 'latency.inclusion_ms.p99', rollup: i % 2 ? 'rollup-a' : null, subject: i === 2 ? 'eth' : null, value: i === 4 ? NaN : 190.5 * i, unit: 'ms', count: BIG + i, runs: 1 + i,
  })),
  comparison: [0, 1, 2, 3, 4].map((i) => ({
    point: i % 2, metric: 'latency.inclusion_ms.p50', rollup: i % 2 ? 'rollup-a' : null, subject: null, unit: 'ms', baseline: 'centralized', variant: 'espresso-global',
    n: 1 + 4 * i, baseline_mean: 190.5 + i, variant_mean: 1693 - i, diff_mean: 1502.5 - 2 * i,
    diff_t_low: i === 0 ? null : 1480, diff_t_high: i === 0 ? null : 1520, diff_boot_low: i < 3 ? null : 1485, diff_boot_high: i < 3 ? null : 1519.75,
  })),
};

/** What apache-arrow should read back: every column present, nulls as null, int64 as bigint. */
function expectedArrowRows(spec: TableSpec, rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) => Object.fromEntries(spec.columns.map((c) => {
    const v = row[c.name] ?? null;
    return [c.name, v !== null && c.type === 'int64' ? BigInt(v as number) : v];
  })));
}

/** What polars should read back: every column present, nulls as null, int64 as number. */
function expectedPolarsRows(spec: TableSpec, rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) => Object.fromEntries(spec.columns.filter((c) => c.type !== 'binary').map((c) => [c.name, row[c.name] ?? null])));
}

function arrowRows(table: Table): Record<string, unknown>[] {
  return table.toArray().map((r) => ({ ...r.toJSON() }));
}

const POLARS_DTYPE: Record<ColumnSpec['type'], string> = { utf8: 'String', int32: 'Int32', int64: 'Int64', float64: 'Float64', bool: 'Bool', binary: 'Binary' };

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqsim-tables-')); });
afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

async function writeFile(spec: TableSpec, rows: Record<string, unknown>[], file: string, batchRows = 2, metadata: Record<string, string> = METADATA): Promise<string> {
  const target = path.join(dir, file);
  const sink = openArrowFile(spec, target, { batchRows, metadata });
  for (const row of rows) sink.append(row);
  await sink.close();
  return target;
}

describe('table specs', () => {
  it('have unique column names and a description for every table and column', async () => {
    for (const name of TABLE_NAMES) {
      const spec: TableSpec = TABLES[name];
      expect(spec.name).toBe(name);
      expect(spec.description.length).toBeGreaterThan(10);
      const names = spec.columns.map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
      for (const c of spec.columns) expect(c.description.length, `${name}.${c.name}`).toBeGreaterThan(5);
    }
  });

  it('build an explicit schema: names, types, nullability, field units and sorted metadata', async () => {
    const schema = tableSchema(TABLES.txs, { 'z.last': '1', 'a.first': '2' });
    expect(schema.fields.map((f) => f.name)).toEqual(TABLES.txs.columns.map((c) => c.name));
    const arrive = schema.fields.find((f) => f.name === 'arrive_us')!;
    expect(DataType.isInt(arrive.type) && arrive.type.bitWidth === 64).toBe(true);
    expect(arrive.nullable).toBe(true);
    expect(arrive.metadata.get('unit')).toBe('µs');
    expect(schema.fields.find((f) => f.name === 'status')!.nullable).toBe(false);
    expect([...schema.metadata.keys()]).toEqual(['a.first', 'seqsim.table', 'z.last']);
    expect(schema.metadata.get('seqsim.table')).toBe('txs');
  });
});

describe('streaming Arrow file writer', () => {
  for (const name of TABLE_NAMES) {
    it(`writes ${name} in several batches that apache-arrow and polars read back identically`, async () => {
      const spec: TableSpec = TABLES[name];
      const rows = SAMPLE_ROWS[name];
      const file = await writeFile(spec, rows, `${name}.arrow`);

      const table = tableFromIPC(fs.readFileSync(file));
      expect(table.batches.length).toBe(3);
      expect(table.numRows).toBe(rows.length);
      expect(table.schema.fields.map((f) => [f.name, f.nullable])).toEqual(spec.columns.map((c) => [c.name, c.nullable]));
      expect(arrowRows(table)).toEqual(expectedArrowRows(spec, rows));
      expect(table.schema.metadata.get('seqsim.table')).toBe(name);
      for (const [key, value] of Object.entries(METADATA)) expect(table.schema.metadata.get(key)).toBe(value);

      expect(readArrowDtypes(file)).toEqual(spec.columns.map((c) => [c.name, POLARS_DTYPE[c.type]]));
      expect(readArrowRows(file)).toEqual(expectedPolarsRows(spec, rows));
    });
  }

  it('handles every column type, including bool and nulls in each, across batch boundaries', async () => {
    const spec: TableSpec = {
      name: 'every_type',
      description: 'test table',
      columns: (['utf8', 'int32', 'int64', 'float64', 'bool'] as const).flatMap((type) => [
        { name: `${type}_req`, type, nullable: false, unit: '', description: 'required' },
        { name: `${type}_opt`, type, nullable: true, unit: '', description: 'optional' },
      ]),
    };
    const rows = Array.from({ length: 11 }, (_, i) => ({
      utf8_req: i < 5 ? 'x'.repeat(i) + 'é' : i < 8 ? 'ü→✓' : 'y'.repeat(40), utf8_opt: i % 3 ? `s${i}` : null,
      int32_req: -(2 ** 31) + i, int32_opt: i % 2 ? 2 ** 31 - 1 - i : null,
      int64_req: -(2 ** 53 - 1) + i, int64_opt: i % 4 ? 2 ** 53 - 1 - i : null,
      float64_req: i / 7, float64_opt: i % 5 ? -i * 1e-300 : null,
      bool_req: i % 3 === 0, bool_opt: i % 2 ? i % 4 === 1 : null,
    }));
    const file = await writeFile(spec, rows, 'every.arrow', 4);
    expect(tableFromIPC(fs.readFileSync(file)).batches.length).toBe(3);
    expect(arrowRows(tableFromIPC(fs.readFileSync(file)))).toEqual(expectedArrowRows(spec, rows));
    expect(readArrowRows(file)).toEqual(expectedPolarsRows(spec, rows));
  });

  it('accepts bigints for int64 beyond 2^53', async () => {
    const spec: TableSpec = { name: 't', description: 'test', columns: [{ name: 'v', type: 'int64', nullable: false, unit: '', description: 'value' }] };
    const values = [2n ** 63n - 1n, -(2n ** 63n), 123n];
    const file = await writeFile(spec, values.map((v) => ({ v })), 'big.arrow');
    expect(arrowRows(tableFromIPC(fs.readFileSync(file))).map((r) => r.v)).toEqual(values);
  });

  it('repeats strings of every short length word by word, with nulls between them and across batches and buffer growth', async () => {
    const spec: TableSpec = {
      name: 'repeats',
      description: 'test table',
      columns: [
        { name: 's', type: 'utf8', nullable: true, unit: '', description: 'repeated strings' },
        { name: 't', type: 'utf8', nullable: false, unit: '', description: 'changing strings' },
      ],
    };
    const rows: Record<string, unknown>[] = [];
    for (let len = 0; len <= 40; len++) {
      const s = len % 3 === 2 ? 'é'.repeat(len) : 'abcdefghij'.repeat(4).slice(0, len);
      // The same string several times (the repeat branch), a null in between, then the next length.
      for (let k = 0; k < 5; k++) rows.push({ s: k === 2 ? null : s, t: `${len}-${k}` });
    }
    const file = await writeFile(spec, rows, 'repeats.arrow', 7);
    expect(arrowRows(tableFromIPC(fs.readFileSync(file)))).toEqual(expectedArrowRows(spec, rows));
    // One batch holding everything: the byte buffer grows while strings repeat.
    const whole = await writeFile(spec, rows, 'repeats-one.arrow', rows.length);
    expect(arrowRows(tableFromIPC(fs.readFileSync(whole)))).toEqual(expectedArrowRows(spec, rows));
  });

  it('writes byte-identical files for identical input, whatever the metadata key order', async () => {
    const rows = SAMPLE_ROWS.txs;
    const reversed = Object.fromEntries(Object.entries(METADATA).reverse());
    const a = fs.readFileSync(await writeFile(TABLES.txs, rows, 'a.arrow'));
    const b = fs.readFileSync(await writeFile(TABLES.txs, rows, 'b.arrow', 2, reversed));
    expect(a.length).toBeGreaterThan(0);
    expect(a.equals(b)).toBe(true);
    // …and the bytes do depend on the data.
    const c = fs.readFileSync(await writeFile(TABLES.txs, [...rows.slice(0, 4), { ...rows[4], sender: 'other' }], 'c.arrow'));
    expect(a.equals(c)).toBe(false);
  });

  it('cuts batches at a byte bound as well as a row count, at the same rows whether rows come one by one or in batches of any size', async () => {
    const spec: TableSpec = {
      name: 'wide',
      description: 'test table',
      columns: [
        { name: 'id', type: 'int64', nullable: false, unit: '', description: 'row' },
        { name: 'text', type: 'utf8', nullable: true, unit: '', description: 'wide text' },
        { name: 'blob', type: 'binary', nullable: true, unit: '', description: 'wide bytes' },
      ],
    };
    const row = fc.record({ len: fc.nat(300), blob: fc.option(fc.nat(200)), nullText: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 64, max: 2000 }), async (specRows, chunks, batchBytes) => {
        const rows = specRows.map((r, i) => ({ id: i, text: r.nullText ? null : 'é'.repeat(r.len >> 1) + 'x'.repeat(r.len & 1), blob: r.blob === null ? null : new Uint8Array(r.blob).fill(i & 255) }));
        const options = { batchRows: 16, batchBytes };
        const oneByOne = openArrowTable(spec, options);
        for (const r of rows) oneByOne.append(r);
        const expected = oneByOne.table();
        // The same rows as batches of other sizes (a worker's, a part file's), appended to a sink with the same bounds.
        const pieces: Table[] = [];
        let at = 0;
        for (let k = 0; at < rows.length; k++) {
          const n = chunks[k % chunks.length];
          const piece = openArrowTable(spec, { batchRows: n, batchBytes: 2 ** 40 });
          for (const r of rows.slice(at, at + n)) piece.append(r);
          pieces.push(piece.table());
          at += n;
        }
        const rebatched = openArrowTable(spec, options);
        for (const t of pieces) for (const b of t.batches) rebatched.appendBatch(b);
        const got = rebatched.table();
        expect(got.batches.map((b) => b.numRows)).toEqual(expected.batches.map((b) => b.numRows));
        expect(Buffer.from(tableToIPC(got, 'file')).equals(Buffer.from(tableToIPC(expected, 'file')))).toBe(true);
        // Every batch but the last is full by rows or by bytes, and none passes the byte bound by more than its last row.
        for (const b of expected.batches.slice(0, -1)) {
          const bytes = (n: number) => n * 16 + (b.getChild('text')!.data[0].valueOffsets[n] as number) + (b.getChild('blob')!.data[0].valueOffsets[n] as number);
          expect(b.numRows === 16 || bytes(b.numRows) >= batchBytes).toBe(true);
          expect(bytes(b.numRows - 1)).toBeLessThan(batchBytes);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('streams batches to a temporary file and renames it into place on close', async () => {
    const target = path.join(dir, 'txs.arrow');
    const sink = openArrowFile(TABLES.txs, target, { batchRows: 2, metadata: METADATA });
    const temp = sink.tempPath;
    expect(path.dirname(temp)).toBe(dir);
    const sizes: number[] = [];
    for (const row of SAMPLE_ROWS.txs) {
      sink.append(row);
      await sink.drain();
      sizes.push(fs.statSync(temp).size);
    }
    // A full batch reaches the disk at the next drain; the partial one waits for close.
    expect(sizes[1]).toBeGreaterThan(sizes[0]);
    expect(sizes[3]).toBeGreaterThan(sizes[2]);
    expect(sizes[4]).toBe(sizes[3]);
    expect(fs.existsSync(target)).toBe(false);
    await sink.close();
    expect(fs.existsSync(temp)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(['txs.arrow']);
    expect(tableFromIPC(fs.readFileSync(target)).numRows).toBe(5);
    sink.abort(); // after close: a no-op that must not delete the finished file
    expect(fs.existsSync(target)).toBe(true);
  });

  it('abort leaves no file behind', async () => {
    const sink = openArrowFile(TABLES.txs, path.join(dir, 'txs.arrow'), { batchRows: 2 });
    for (const row of SAMPLE_ROWS.txs) sink.append(row);
    sink.abort();
    sink.abort();
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(() => sink.append(SAMPLE_ROWS.txs[0])).toThrow(/after aborted/);
  });

  it('writes a readable file with the full schema for a table with zero rows', async () => {
    const file = await writeFile(TABLES.runs, [], 'runs.arrow');
    const table = tableFromIPC(fs.readFileSync(file));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(TABLES.runs.columns.map((c) => c.name));
    expect(table.schema.metadata.get('seqsim.version')).toBe('0.1.0');
    expect(readArrowDtypes(file)).toEqual(TABLES.runs.columns.map((c) => [c.name, POLARS_DTYPE[c.type]]));
    expect(readArrowRows(file)).toEqual([]);
  });

  it('does not create a missing output directory', async () => {
    const missing = path.join(dir, 'not-there');
    expect(() => openArrowFile(TABLES.runs, path.join(missing, 'runs.arrow'))).toThrow(/ENOENT/);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('rejects unknown columns, nulls in required columns and values of the wrong type', async () => {
    const sink = openArrowFile(TABLES.metrics, path.join(dir, 'metrics.arrow'));
    // @ts-expect-error: rows are typed from the spec, so a misspelt column is a compile error too
    expect(() => sink.append({ ...SAMPLE_ROWS.metrics[0], vlaue: 1 })).toThrow(/no column "vlaue"/);
    sink.abort();

    const nullRequired = openArrowTable(TABLES.metrics);
    expect(() => nullRequired.append({ ...SAMPLE_ROWS.metrics[0], metric: null } as never)).toThrow(/row 0: column metric is not nullable/);
    // The failed row left its columns out of step: the sink refuses further rows rather than misalign them.
    expect(() => nullRequired.append(SAMPLE_ROWS.metrics[1] as never)).toThrow(/unusable/);

    const tooBig = openArrowTable(TABLES.txs);
    expect(() => tooBig.append({ ...SAMPLE_ROWS.txs[0], submit_us: 2 ** 53 } as never)).toThrow(/exact integer/);
    const fractional = openArrowTable(TABLES.txs);
    expect(() => fractional.append({ ...SAMPLE_ROWS.txs[0], position: 1.5 } as never)).toThrow(/32-bit integer/);
    const text = openArrowTable(TABLES.runs);
    expect(() => text.append({ ...SAMPLE_ROWS.runs[0], events: '12' } as never)).toThrow(/expects an integer/);
  });
});

describe('in-memory table writer', () => {
  it('produces the same schema and rows as the file writer', async () => {
    const sink = openArrowTable(TABLES.txs, { batchRows: 2, metadata: METADATA });
    for (const row of SAMPLE_ROWS.txs) sink.append(row);
    const table = sink.table();
    const fromFile = tableFromIPC(fs.readFileSync(await writeFile(TABLES.txs, SAMPLE_ROWS.txs, 'txs.arrow')));
    expect(table.batches.length).toBe(3);
    expect(arrowRows(table)).toEqual(arrowRows(fromFile));
    expect(table.schema.fields.map(String)).toEqual(fromFile.schema.fields.map(String));
    expect([...table.schema.metadata]).toEqual([...fromFile.schema.metadata]);
  });

  it('gives an empty table with the schema when no rows were appended', async () => {
    const table = openArrowTable(TABLES.metrics).table();
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(TABLES.metrics.columns.map((c) => c.name));
  });
});

describe('provenance metadata', () => {
  it('fills every documented key but the table name, with no wall clock', async () => {
    const metadata = provenanceMetadata({
      seqsimVersion: '0.1.0', scenarioSha256: 'cd'.repeat(32),
      files: { 'scenarios/z.yaml': '1', 'scenarios/a.yaml': '2' }, seeds: [1, 2n ** 60n], modes: ['centralized', 'shared'],
    });
    // seqsim.variants is written only for scenarios that name variants (so `modes:` outputs keep
    // their bytes); seqsim.comparison only into comparison.arrow (test/comparison.test.ts).
    const notAlways = ['seqsim.table', 'seqsim.variants', 'seqsim.comparison'];
    expect(Object.keys(metadata).sort()).toEqual(METADATA_KEYS.map((m) => m.key).filter((k) => !notAlways.includes(k)).sort());
    const named = provenanceMetadata({
      seqsimVersion: '0.1.0', scenarioSha256: 'cd'.repeat(32), files: {}, seeds: [1], modes: ['c', 's'],
      variants: [{ name: 'c', mode: 'centralized', baseline: true }, { name: 's', mode: 'shared', baseline: false }],
    });
    expect(Object.keys(named).sort()).toEqual(METADATA_KEYS.map((m) => m.key).filter((k) => k !== 'seqsim.table' && k !== 'seqsim.comparison').sort());
    expect(JSON.parse(named['seqsim.variants'])[1]).toEqual({ name: 's', mode: 'shared', baseline: false });
    expect(metadata['seqsim.arrow_version']).toBe(APACHE_ARROW_VERSION);
    expect(APACHE_ARROW_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(metadata['seqsim.files']).toBe('{"scenarios/a.yaml":"2","scenarios/z.yaml":"1"}');
    expect(metadata['seqsim.seeds']).toBe('[1,1152921504606846976]');
    expect(JSON.parse(metadata['seqsim.modes'])).toEqual(['centralized', 'shared']);
  });
});

describe('docs', () => {
  it('documents every table and column', async () => {
    const doc = renderTablesDoc();
    for (const name of TABLE_NAMES) {
      expect(doc).toContain(`## \`${name}\``);
      for (const c of TABLES[name].columns as readonly ColumnSpec[]) expect(doc).toContain(`| \`${c.name}\` | ${c.type} |`);
    }
    expect(doc).toContain('<area>.<quantity>[.<statistic>]');
  });

  it('docs/tables.md is up to date', async () => {
    const committed = fs.readFileSync(path.join(ROOT, 'docs', 'tables.md'), 'utf8');
    expect(committed === renderTablesDoc(), 'docs/tables.md is stale: run npm run docs').toBe(true);
  });
});
