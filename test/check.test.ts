// The regression gate as CI runs it: `seqsim check out/ --baseline file.json` passes on the output
// its baseline was made from, fails (exit 1, a readable diff) when a metric moved, and refuses
// (exit 2) a baseline or an output it cannot compare.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { seqsim, seqsimHere, tempDir, ROOT } from './util/cli.ts';

const DEFAULT = join(ROOT, 'scenarios/default.yaml');
const SHORT = ['--set', 'runs=3', '--set', 'horizon=90s', '--set', 'warmup=10s', '--quiet'];

describe('seqsim check', () => {
  const dir = tempDir();
  const out = join(dir, 'out');
  const baseline = join(dir, 'baseline.json');
  let made = false;
  const prepare = () => {
    if (made) return;
    expect(seqsim(['run', DEFAULT, '-o', out, ...SHORT]).code).toBe(0);
    const u = seqsim(['check', out, '--baseline', baseline, '--update']);
    expect(u.stderr).toBe('');
    expect(u.code).toBe(0);
    expect(u.stdout).toMatch(/wrote .*baseline\.json: \d+ figures/);
    made = true;
  };
  const edit = (f: (b: Record<string, any>) => void) => {
    const b = JSON.parse(readFileSync(baseline, 'utf8'));
    f(b);
    const file = join(tempDir(), 'edited.json');
    writeFileSync(file, JSON.stringify(b));
    return file;
  };

  it('passes on the output its baseline was made from', () => {
    prepare();
    const r = seqsim(['check', out, '--baseline', baseline]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+ figures, \d+ ok, 0 regressions, 0 missing, 0 new/);
    expect(r.stdout.trim().endsWith('PASS')).toBe(true);
    const b = JSON.parse(readFileSync(baseline, 'utf8'));
    expect(b).toMatchObject({ scenario: 'default', seeds: [1, 2, 3], variants: ['centralized', 'shared'] });
    expect(b.figures.some((f: { against: string | null }) => f.against === 'centralized')).toBe(true);
  });

  it('fails with exit 1 and a readable diff on a perturbed metric', () => {
    prepare();
    const file = edit((b) => {
      const f = b.figures.find((x: any) => x.metric === 'latency.inclusion_ms.p50' && x.rollup === 'fast' && x.variant === 'shared' && x.against === null);
      f.mean *= 1.1;
    });
    const r = seqsim(['check', out, '--baseline', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/1 regressions/);
    expect(r.stdout).toMatch(/^metric\s+where\s+variant\s+baseline\s+now\s+tolerance\s+verdict$/m);
    expect(r.stdout).toMatch(/^latency\.inclusion_ms\.p50\s+fast\s+shared\s+\d+\.\d ±\S+ ms\s+\d+\.\d ±\S+ ms\s+±\S+ \(abs 1e-9, rel 1e-7%\)\s+REGRESSION \(-\d+/m);
    expect(r.stdout).toMatch(/FAIL: 1 figure outside tolerance/);
  });

  it('applies per-metric tolerances: relative, absolute and within the interval', async () => {
    prepare();
    const perturb = (rule: Record<string, unknown>, factor: number) =>
      edit((b) => {
        b.tolerances.unshift({ metric: 'slippage.total_bps.mean', ...rule });
        for (const f of b.figures) if (f.metric === 'slippage.total_bps.mean' && f.against === null) f.mean = f.mean * factor + (factor === 1 ? 0 : 1e-6);
      });
    expect((await seqsimHere(['check', out, '--baseline', perturb({ rel: 0.05 }, 1.02)])).code).toBe(0);
    expect((await seqsimHere(['check', out, '--baseline', perturb({ rel: 0.01 }, 1.02)])).code).toBe(1);
    expect((await seqsimHere(['check', out, '--baseline', perturb({ abs: 100 }, 1.5)])).code).toBe(0);
    // Interval: moved by a tenth of the interval passes at 1×; by 3× of it fails.
    const byInterval = (k: number, interval: number) =>
      edit((b) => {
        b.tolerances.unshift({ metric: 'slippage.total_bps.mean', interval });
        for (const f of b.figures) if (f.metric === 'slippage.total_bps.mean' && f.against === null && f.ci95) f.mean += k * f.ci95;
      });
    expect((await seqsimHere(['check', out, '--baseline', byInterval(0.1, 1)])).code).toBe(0);
    const r = await seqsimHere(['check', out, '--baseline', byInterval(3, 1)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/slippage\.total_bps\.mean .*\(1× 95% CI\)\s+REGRESSION/);
  });

  it('reports missing figures as failures and new ones as notes; --update keeps the rules', async () => {
    prepare();
    const missing = edit((b) => b.figures.push({ ...b.figures[0], metric: 'zzz.gone' }));
    const r = await seqsimHere(['check', out, '--baseline', missing]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/zzz\.gone .*MISSING/);
    const fresh = edit((b) => b.figures.splice(0, 1));
    const n = await seqsimHere(['check', out, '--baseline', fresh]);
    expect(n.code).toBe(0);
    expect(n.stdout).toMatch(/1 new/);
    expect(n.stdout).toMatch(/NEW \(not in the baseline: --update to add it\)/);
    const ruled = edit((b) => b.tolerances.unshift({ metric: 'mev.*', interval: 2, why: 'ours' }));
    expect((await seqsimHere(['check', out, '--baseline', ruled, '--update'])).code).toBe(0);
    const after = JSON.parse(readFileSync(ruled, 'utf8'));
    expect(after.tolerances[0]).toEqual({ metric: 'mev.*', interval: 2, why: 'ours' });
    expect(after.figures.length).toBe(JSON.parse(readFileSync(baseline, 'utf8')).figures.length);
    expect(readdirSync(join(ruled, '..')).filter((f) => f.startsWith('.seqsim-tmp'))).toEqual([]);
  });

  it('refuses, with exit 2 and one line, a bad baseline or an output of other seeds', async () => {
    prepare();
    const bad = edit((b) => (b.tolerances[0] = { metric: '*' }));
    const r = await seqsimHere(['check', out, '--baseline', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad baseline .*edited\.json: tolerances\[0\]: expected a tolerance: at least one of abs, rel, interval/);
    const seeds = edit((b) => (b.seeds = [1, 2, 3, 4]));
    expect((await seqsimHere(['check', out, '--baseline', seeds])).stderr).toMatch(/cannot check .* seeds 1, 2, 3, baseline 1, 2, 3, 4/);
    const none = await seqsimHere(['check', out, '--baseline', join(dir, 'nowhere.json')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no such file \(create it with --update\)/);
    expect(existsSync(join(dir, 'nowhere.json'))).toBe(false);
    expect((await seqsimHere(['check', out])).code).toBe(2); // --baseline is required
  });
});
