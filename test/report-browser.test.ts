// The report in a real browser (Debian's chromium through puppeteer-core): every figure rendered
// with the expected marks per series, no console error, no request beyond the file itself, and
// screenshots in light and dark (test-output/). Under CI a missing browser fails; elsewhere it skips.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC, type Table } from 'apache-arrow';
import puppeteer, { type Browser } from 'puppeteer-core';
import { ROOT, seqsim, tempDir } from './util/cli.ts';
import { relabelAsSweep, runForReport } from './util/reportFixture.ts';
import { HEADLINE_METRICS } from '../analysis/summary.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = fs.existsSync(CHROMIUM);
const SHOTS = path.join(ROOT, 'test-output');
if (!haveBrowser && !process.env.CI) console.warn(`report-browser.test.ts: skipped, no browser at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

/** Per figure, per mark type, per series (the elements' aria-label): how many elements. */
type Marks = Record<string, Record<string, Record<string, number>>>;

let work: string;
let file: string;
let browser: Browser | undefined;
const table = (name: string): Table => tableFromIPC(fs.readFileSync(path.join(work, 'out', `${name}.arrow`)));
const distinct = (t: Table, column: string, keep: (i: number) => boolean = () => true) => new Set(Array.from(t.getChild(column)!, String).filter((_, i) => keep(i)));

describe('seqsim report in headless Chromium', () => {
  it('has a browser under CI', () => {
    // Locally a missing browser skips the rendering checks (with the warning above); under CI it fails.
    expect(haveBrowser || !process.env.CI, `no browser at ${CHROMIUM}: .ci/run installs Debian's chromium`).toBe(true);
  });

  describe.runIf(haveBrowser)('rendered', () => {
    let marks: Marks;
    let errors: string[];
    let requests: string[];
    let states: Record<string, string>;

    beforeAll(async () => {
      work = tempDir('seqsim-report-browser-');
      runForReport(path.join(work, 'out'));
      relabelAsSweep(path.join(work, 'out'));
      file = path.join(work, 'report.html');
      const r = seqsim(['report', path.join(work, 'out'), '-o', file]);
      if (r.code !== 0) throw new Error(r.stderr);
      browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
      const page = await browser.newPage();
      errors = [];
      requests = [];
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      page.on('pageerror', (e) => void errors.push(String(e)));
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        if (req.url() !== `file://${file}`) requests.push(req.url());
        void (req.url() === `file://${file}` ? req.continue() : req.abort());
      });
      await page.setViewport({ width: 1000, height: 900 });
      await page.goto(`file://${file}`, { waitUntil: 'load' });
      ({ marks, states } = await page.evaluate(() => {
        const marks: Marks = {};
        for (const f of document.querySelectorAll('[data-figure]')) {
          const svg = f.querySelector('svg[viewBox]'); // the plot, not a legend swatch
          const box = svg?.getBoundingClientRect();
          const byMark: Record<string, Record<string, number>> = {};
          // Only figures with a drawn area count as rendered.
          if (box && box.width > 100 && box.height > 50)
            // Data marks only: axes, grids and decorations (zero lines, bands) are aria-hidden.
            for (const g of svg!.querySelectorAll('g[aria-label]:not([aria-hidden="true"])')) {
              const kind = g.getAttribute('aria-label')!;
              if (/axis/.test(kind)) continue;
              // A faceted mark nests one <g> per facet: count the shapes, wherever they sit.
              for (const e of g.querySelectorAll(':scope > :not(g), :scope > g > :not(g)')) {
                const series = e.getAttribute('aria-label') ?? '';
                (byMark[kind] ??= {})[series] = ((byMark[kind] ??= {})[series] ?? 0) + 1;
              }
            }
          marks[f.getAttribute('data-figure')!] = byMark;
        }
        const states = Object.fromEntries([...document.querySelectorAll('section[data-panel]')].map((s) => [s.id, s.getAttribute('data-state')!]));
        return { marks, states };
      }));
      fs.mkdirSync(SHOTS, { recursive: true });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
        await page.screenshot({ path: path.join(SHOTS, `report-${scheme}.png`) as `${string}.png`, fullPage: true });
      }
    });

    afterAll(async () => {
      await browser?.close();
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it('loads with no console error and no request beyond the file', () => {
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(states).toEqual({ headline: 'ok', latency: 'ok', slippage: 'ok', spread: 'ok', mev: 'ok', exotic: 'absent', contagion: 'ok', sweep: 'ok', provenance: 'ok' });
    });

    it('draws one CDF per variant, rollup and stage', () => {
      const txs = table('txs');
      const rollups = distinct(txs, 'rollup');
      expect(marks.latency.line).toEqual({ centralized: rollups.size * 3, shared: rollups.size * 3 });
    });

    it('stacks one bar per variant and rollup for each slippage part, with a net tick', () => {
      const trades = table('trades');
      const kind = Array.from(trades.getChild('agent_kind')!, String);
      const status = Array.from(trades.getChild('status')!, String);
      const cells = distinct(trades, 'rollup', (i) => kind[i] === 'noise' && status[i] === 'ok').size * 2;
      const parts = ['pool fee', 'own price impact', 'other users first', 'arbitrage while in flight', 'front-runs (MEV)', 'unreplayed rest'];
      expect(marks.slippage.bar).toEqual(Object.fromEntries(parts.map((p) => [p, cells])));
      expect(marks.slippage.tick).toEqual({ net: cells });
    });

    it('stacks the spread components and the MEV parts, one bar per variant each', () => {
      expect(Object.values(marks.spread.bar)).toEqual(Array(7).fill(2));
      const metrics = table('metrics');
      const metric = Array.from(metrics.getChild('metric')!, String);
      const value = Array.from(metrics.getChild('value')!, Number);
      const atm = (mode: string) => distinct(metrics, 'subject', (i) => metric[i] === 'spread.option_atm_bps.mean' && Number.isFinite(value[i]) && String(metrics.getChild('mode')!.get(i)) === mode).size;
      expect(atm('centralized')).toBeGreaterThan(0);
      expect(marks['spread-atm'].dot).toEqual({ centralized: atm('centralized'), shared: atm('shared') });
      expect(Object.values(marks.mev.bar)).toEqual(Array(4).fill(2));
      expect(marks['mev-victims'].bar).toEqual({ centralized: 1, shared: 1 });
    });

    it('plots a dot for each headline comparison and an interval for each with n ≥ 2', () => {
      const c = table('comparison');
      const metric = Array.from(c.getChild('metric')!, String);
      const base = Array.from(c.getChild('baseline_mean')!, Number);
      const diff = Array.from(c.getChild('diff_mean')!, Number);
      const low = Array.from(c.getChild('diff_t_low')!);
      const plotted = metric.map((m, i) => (HEADLINE_METRICS as readonly string[]).includes(m) && Number.isFinite(diff[i]) && base[i] !== 0);
      expect(marks.headline.dot).toEqual({ shared: plotted.filter(Boolean).length });
      expect(marks.headline.rule).toEqual({ shared: plotted.filter((p, i) => p && low[i] !== null).length });
    });

    it('draws the contagion timeline for each variant around the outage', () => {
      expect(marks['contagion-dislocation'].line).toEqual({ centralized: 1, shared: 1 });
      expect(marks['contagion-spread'].line).toEqual({ centralized: 1, shared: 1 });
    });

    it('draws a band, a line and a dot per point for each sweep curve', () => {
      const sweeps = Object.keys(marks).filter((k) => k.startsWith('sweep-'));
      expect(sweeps.length).toBeGreaterThan(3);
      for (const k of sweeps) {
        const series = Object.keys(marks[k].line);
        expect(series.length).toBeGreaterThan(0);
        for (const s of series) expect([marks[k].line[s], marks[k].area[s], marks[k].dot[s]]).toEqual([1, 1, 2]);
      }
    });

    it('saved light and dark screenshots', () => {
      for (const scheme of ['light', 'dark']) expect(fs.statSync(path.join(SHOTS, `report-${scheme}.png`)).size).toBeGreaterThan(50_000);
    });
  });
});
