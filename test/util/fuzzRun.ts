// The fuzzer's properties, shared by `npm test` (a few hundred cases) and the long suite.
import fc from 'fast-check';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parseScenarioText } from '../../sim/scenario/load.ts';
import { ScenarioError, formatPath } from '../../sim/scenario/errors.ts';
import { runToMemory } from '../../sim/experiment/outputs.ts';
import { applyBreakage, breakage, extremeScenario } from './fuzz.ts';
import { seqsimHere, tempDir } from './cli.ts';

/** FUZZ_SEED to replay; otherwise a fresh seed each time (printed in the test name and on failure). */
export function fuzzSeed(): number {
  const given = process.env.FUZZ_SEED;
  return given !== undefined ? Number(given) : Math.floor(Math.random() * 2 ** 31);
}

type Row = Record<string, unknown>;
const rows = (t: { toArray(): { toJSON(): Row }[] }) => t.toArray().map((r) => r.toJSON());
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Invariants over the tables of one fuzz run, beyond those the model checks as it runs. */
function checkTables(tables: Awaited<ReturnType<typeof runToMemory>>['tables'], horizonUs: number): void {
  const seen = new Set<string>();
  const slots = new Set<string>();
  for (const t of rows(tables.txs)) {
    const id = `${t.run_id}/${t.tx_id}`;
    expect(seen.has(id), `tx ${id} appears once`).toBe(false);
    seen.add(id);
    const submit = num(t.submit_us)!;
    const arrive = num(t.arrive_us);
    const include = num(t.include_us);
    expect(submit).toBeGreaterThanOrEqual(0);
    if (arrive !== null) expect(arrive, `tx ${id} arrives after submission`).toBeGreaterThanOrEqual(submit);
    if (t.status === 'included' || t.status === 'reverted') {
      expect(include, `tx ${id} has an inclusion time`).not.toBeNull();
      expect(include!).toBeLessThanOrEqual(horizonUs);
      if (arrive !== null && t.sequencer !== 'l1') expect(include!, `tx ${id} included after it arrived`).toBeGreaterThanOrEqual(arrive);
      const slot = `${t.run_id}/${t.rollup}/${t.block}/${t.position}`;
      expect(slots.has(slot), `one tx per block position (${slot})`).toBe(false);
      slots.add(slot);
    } else expect(include, `tx ${id} (${t.status}) has no inclusion time`).toBeNull();
    expect(Number.isFinite(t.fee_usd)).toBe(true);
  }
  // NaN means "nothing to measure" (documented per column); an infinity is always a bug.
  for (const m of rows(tables.metrics)) expect(Math.abs(m.value as number), `metric ${m.metric} (${m.mode}) = ${m.value}`).not.toBe(Infinity);
  for (const tr of rows(tables.trades))
    for (const [k, v] of Object.entries(tr)) {
      if (typeof v !== 'number') continue;
      const documentedNaN = k.endsWith('_bps') && tr.status !== 'ok';
      if (!(documentedNaN && Number.isNaN(v))) expect(Number.isFinite(v), `trades.${k} = ${v} (${tr.status}, exact-${tr.exact})`).toBe(true);
    }
}

export async function fuzzValid(seed: number, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(extremeScenario, async (s) => {
      const loaded = parseScenarioText(JSON.stringify(s), 'fuzz.json');
      const { tables, runs } = await runToMemory(loaded);
      for (const r of runs) expect(r.status, `${r.mode}: ${r.error}\n${JSON.stringify(s)}`).toBe('ok');
      expect(runs.every((r) => r.endTimeUs === loaded.scenario.horizon)).toBe(true);
      checkTables(tables, loaded.scenario.horizon);
    }),
    { seed, numRuns, endOnFailure: true },
  );
}

export async function fuzzInvalid(seed: number, numRuns: number): Promise<void> {
  const dir = tempDir('seqsim-fuzz-');
  let k = 0;
  await fc.assert(
    fc.asyncProperty(extremeScenario, breakage, async (valid, b) => {
      const broken = applyBreakage(valid, b);
      const field = b.key === undefined ? formatPath(b.path) : formatPath([...b.path, b.key]);
      let error: unknown;
      try {
        parseScenarioText(JSON.stringify(broken), 'fuzz.json');
      } catch (e) {
        error = e;
      }
      expect(error, `refused: ${field} = ${JSON.stringify(b.value)}`).toBeInstanceOf(ScenarioError);
      const issues = (error as ScenarioError).issues;
      expect(issues.some((i) => (b.key === undefined ? i.path === field || i.path.startsWith(field) : i.message.includes(b.key!))), `${(error as Error).message} names ${field}`).toBe(true);

      const file = join(dir, `case-${k}.json`);
      const out = join(dir, `out-${k++}`);
      writeFileSync(file, JSON.stringify(broken));
      const r = await seqsimHere(['run', file, '-o', out, '--quiet']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^seqsim: (invalid scenario )?${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      // One line, or one line per problem after a header when a break trips several checks.
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(1 + issues.length);
      expect(existsSync(out)).toBe(false);
    }),
    { seed, numRuns, endOnFailure: true },
  );
}
