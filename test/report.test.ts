// seqsim report without a browser: the page is self-contained, panels degrade to a sentence when
// their table is absent, the sweep panel draws one band per variant, bad inputs exit 2 and write nothing.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { seqsim, tempDir } from './util/cli.ts';
import { relabelAsSweep, runForReport } from './util/reportFixture.ts';
import { PANELS } from '../analysis/report/panels.ts';
import { writeReport } from '../sim/experiment/report.ts';
import { OutputReadError } from '../sim/experiment/readOutput.ts';
import { OutputPathError } from '../sim/experiment/outputDir.ts';

let out: string;
let work: string;

beforeAll(() => {
  work = tempDir('seqsim-report-');
  out = path.join(work, 'out');
  runForReport(out);
});

const panelStates = (html: string) => {
  const { document } = parseHTML(html);
  return Object.fromEntries([...document.querySelectorAll('section[data-panel]')].map((s) => [s.getAttribute('data-panel'), s.getAttribute('data-state')]));
};

describe('seqsim report', () => {
  it('writes one self-contained page with every registered panel, in order', () => {
    const file = path.join(work, 'report.html');
    const r = seqsim(['report', out, '-o', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.panels.map((p: { id: string }) => p.id)).toEqual(PANELS.map((p) => p.id));
    const html = fs.readFileSync(file, 'utf8');
    expect(Buffer.byteLength(html)).toBe(result.bytes);
    // Nothing fetched: no script, stylesheet link, image, import or url() — only the SVG namespace.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|src=/i);
    expect(html.replace(/xmlns(:\w+)?="http:\/\/www\.w3\.org\/[^"]*"/g, '')).not.toMatch(/https?:\/\//);
    expect(panelStates(html)).toEqual({ headline: 'ok', latency: 'ok', slippage: 'ok', spread: 'ok', mev: 'ok', exotic: 'absent', contagion: 'ok', sweep: 'absent', provenance: 'ok' });
    // A run without a sweep block writes points.arrow with the point column alone: the panel says so.
    expect(html).toContain('names no swept parameter');
    expect(fs.readdirSync(work).filter((f) => f.startsWith('.seqsim-tmp-'))).toEqual([]);
    // The same tables give the same bytes.
    writeReport(out, path.join(work, 'again.html'));
    expect(fs.readFileSync(path.join(work, 'again.html'), 'utf8') === html).toBe(true);
  });

  it('says so for each panel whose table is missing, instead of breaking', () => {
    const thin = path.join(work, 'thin');
    fs.mkdirSync(thin);
    fs.copyFileSync(path.join(out, 'runs.arrow'), path.join(thin, 'runs.arrow'));
    const file = path.join(work, 'thin.html');
    writeReport(thin, file);
    const states = panelStates(fs.readFileSync(file, 'utf8'));
    expect(states).toEqual({ headline: 'absent', latency: 'absent', slippage: 'absent', spread: 'absent', mev: 'absent', exotic: 'absent', contagion: 'absent', sweep: 'absent', provenance: 'ok' });
  });

  it('draws sweep curves with a band per variant from points.arrow and runs.point', () => {
    const sweep = path.join(work, 'sweep');
    fs.cpSync(out, sweep, { recursive: true });
    relabelAsSweep(sweep);
    const file = path.join(work, 'sweep.html');
    writeReport(sweep, file);
    const { document } = parseHTML(fs.readFileSync(file, 'utf8'));
    const figures = [...document.querySelectorAll('section#sweep [data-figure]')];
    expect(figures.length).toBeGreaterThan(0);
    for (const f of figures) {
      // Per curve (a variant that measured this metric): one band (2 seeds a point), one line, a dot per point.
      const bySeries = (mark: string) => [...f.querySelectorAll(`g[aria-label="${mark}"] > *`)].reduce((m, e) => m.set(e.getAttribute('aria-label'), (m.get(e.getAttribute('aria-label')) ?? 0) + 1), new Map<string | null, number>());
      const lines = bySeries('line');
      expect(lines.size).toBeGreaterThan(0);
      for (const [series, n] of lines) {
        expect(n).toBe(1);
        expect(bySeries('area').get(series)).toBe(1);
        expect(bySeries('dot').get(series)).toBe(2);
      }
    }
  });

  it('refuses a missing or non-seqsim folder and a bad -o with exit 2, writing nothing', () => {
    const file = path.join(work, 'never.html');
    // Through the CLI: one line on stderr, exit 2.
    const cases: [string[], RegExp][] = [
      [['report', path.join(work, 'nope'), '-o', file], /cannot read .*nope: no such folder/],
      [['report', out, '-o', work], /cannot write to .*: it is a folder; -o names the HTML file to write/],
    ];
    for (const [args, message] of cases) {
      const r = seqsim(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    // The same error classes (mapped to exit 2 by the CLI) for the other cases, in process.
    expect(() => writeReport(work, file)).toThrow(OutputReadError);
    expect(() => writeReport(work, file)).toThrow(/cannot read .*runs\.arrow: no such file \(is this a seqsim output directory\?\)/);
    expect(() => writeReport(out, path.join(work, 'no-such-dir', 'r.html'))).toThrow(OutputPathError);
    expect(() => writeReport(out, path.join(work, 'no-such-dir', 'r.html'))).toThrow(/its folder .*no-such-dir does not exist/);
    fs.writeFileSync(path.join(work, 'runs.arrow'), 'not arrow');
    expect(() => writeReport(work, file)).toThrow(OutputReadError);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(work).filter((f) => f.startsWith('.seqsim-tmp-'))).toEqual([]);
  });
});
