// analysis/notebook.ipynb: a valid nbformat-4 notebook whose headline queries, run through
// nodejs-polars (the engine of Python polars, nearly its API), give seqsim's own paired summary.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import pl from 'nodejs-polars';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { ROOT, seqsim, tempDir } from './util/cli.ts';
import type { PairedSummary } from '../analysis/summary.ts';

interface Cell {
  cell_type: string;
  id: string;
  metadata: object;
  source: string[];
  outputs?: unknown[];
  execution_count?: number | null;
}
const notebook = JSON.parse(fs.readFileSync(path.join(ROOT, 'analysis', 'notebook.ipynb'), 'utf8'));
const cells: Cell[] = notebook.cells;
const codeCells = cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join(''));

describe('analysis/notebook.ipynb', () => {
  it('is an nbformat 4 notebook of markdown and code cells, saved without outputs', () => {
    expect(notebook.nbformat).toBe(4);
    expect(notebook.nbformat_minor).toBeGreaterThanOrEqual(5); // cell ids from 4.5 on
    expect(notebook.metadata.kernelspec.language).toBe('python');
    expect(new Set(cells.map((c) => c.id)).size).toBe(cells.length);
    for (const c of cells) {
      expect(['markdown', 'code']).toContain(c.cell_type);
      expect(Array.isArray(c.source) && c.source.every((line) => typeof line === 'string')).toBe(true);
      expect(c.id).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      if (c.cell_type === 'code') expect([c.outputs, c.execution_count]).toEqual([[], null]);
    }
    expect(codeCells.length).toBeGreaterThanOrEqual(5);
  });

  it('has code cells that parse as Python, where python3 is installed', () => {
    const python = spawnSync('python3', ['-c', 'import ast, json, sys; [ast.parse(s) for s in json.load(sys.stdin)]; print("ok")'], { input: JSON.stringify(codeCells), encoding: 'utf8' });
    // CI has python3 (.ci/run installs python3-simpy3); a machine without it still checks the rest.
    if (python.error) expect((python.error as NodeJS.ErrnoException).code).toBe('ENOENT');
    else expect(python.stdout.trim(), python.stderr).toBe('ok');
  });

  describe('its headline queries', () => {
    let out: string;
    let paired: PairedSummary[];
    beforeAll(() => {
      out = path.join(tempDir('seqsim-notebook-'), 'out');
      const r = seqsim(['run', 'scenarios/default.yaml', '-o', out, '--set', 'runs=3', '--set', 'horizon=2m', '--json', '--quiet']);
      if (r.code !== 0) throw new Error(r.stderr);
      paired = JSON.parse(r.stdout).paired;
    });

    // The notebook's headline cell, line for line in nodejs-polars.
    const HEADLINE = ['latency.preconf_ms.p50', 'latency.inclusion_ms.p50', 'slippage.total_bps.mean', 'mev.victim_loss_usd'];
    const BASELINE = 'centralized';
    const queryFragments = [
      `HEADLINE = ${JSON.stringify(HEADLINE).replace(/,/g, ', ')}`,
      'metrics.join(runs.select("run_id", "seed"), on="run_id")',
      '.filter(pl.col("metric").is_in(HEADLINE) & pl.col("value").is_finite())',
      'base = long.filter(pl.col("mode") == BASELINE).select("metric", "rollup", "seed", pl.col("value").alias("base"))',
      '.join(base, on=["metric", "rollup", "seed"], nulls_equal=True)',
      '.with_columns((pl.col("value") - pl.col("base")).alias("diff"))',
      'paired.group_by("metric", "rollup", "mode")',
      '.agg(n=pl.len(), mean=pl.col("diff").mean(), sd=pl.col("diff").std())',
      'stats.t.ppf(0.975, n - 1)',
      'with_columns(t975=pl.Series(t975)).with_columns(ci95=pl.col("t975") * pl.col("sd") / pl.col("n").sqrt())',
    ];

    it('are the ones mirrored here', () => {
      const source = codeCells.join('\n');
      for (const f of queryFragments) expect(source).toContain(f);
    });

    it("give seqsim's paired summary: n, mean and 95% t half-width", () => {
      const read = (name: string) => pl.readIPC(fs.readFileSync(path.join(out, `${name}.arrow`)));
      const runs = read('runs');
      const metrics = read('metrics');
      const long = metrics.join(runs.select('run_id', 'seed'), { on: 'run_id' }).filter(pl.col('metric').isIn(HEADLINE).and(pl.col('value').isFinite()));
      const base = long.filter(pl.col('mode').eq(pl.lit(BASELINE))).select('metric', 'rollup', 'seed', pl.col('value').alias('base'));
      const pairedDf = long.filter(pl.col('mode').neq(pl.lit(BASELINE))).join(base, { on: ['metric', 'rollup', 'seed'], nullsEqual: true }).withColumns(pl.col('value').minus(pl.col('base')).alias('diff'));
      const headline = pairedDf
        .groupBy('metric', 'rollup', 'mode')
        .agg(pl.len().alias('n'), pl.col('diff').mean().alias('mean'), pl.col('diff').std().alias('sd'))
        .sort(['metric', 'rollup', 'mode']);
      const rows = headline.toRecords() as { metric: string; rollup: string | null; mode: string; n: number; mean: number; sd: number }[];
      const expected = paired.filter((p) => HEADLINE.includes(p.metric));
      expect(rows.length).toBe(expected.length);
      expect(rows.length).toBeGreaterThan(6);
      for (const r of rows) {
        const ci95 = r.n > 1 ? (tQuantile(0.975, r.n - 1) * r.sd) / Math.sqrt(r.n) : NaN;
        const s = expected.find((p) => p.metric === r.metric && p.rollup === r.rollup && p.mode === r.mode)!;
        expect(s, `${r.metric} ${r.rollup}`).toBeDefined();
        expect(Number(r.n)).toBe(s.difference.n);
        expect(r.mean).toBeCloseTo(s.difference.mean, 9);
        expect(ci95).toBeCloseTo(s.difference.ci95, 9);
      }
    });
  });
});
