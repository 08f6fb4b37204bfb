// docs/scenario.md is generated from the scenario schema and must be current; it lists every field.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './util/cli.ts';
import { scenarioDoc } from '../scripts/scenarioDoc.ts';
import { collectExamples, fieldRows } from '../sim/scenario/docs.ts';
import { scenarioJsonSchema } from '../sim/scenario/schema.ts';

const schema = scenarioJsonSchema() as Parameters<typeof fieldRows>[0];

describe('docs/scenario.md', () => {
  it('is up to date', () => {
    const committed = fs.readFileSync(path.join(ROOT, 'docs', 'scenario.md'), 'utf8');
    expect(committed === scenarioDoc(ROOT), 'docs/scenario.md is stale: run npm run docs').toBe(true);
  });

  it('has a row for every top-level field and every field of sequencing, with type, default and unit', () => {
    const rows = new Map(fieldRows(schema).map((r) => [r.path, r]));
    for (const key of Object.keys(schema.properties!)) expect(rows.has(key), key).toBe(true);
    expect(rows.get('runs')).toMatchObject({ type: 'integer', default: '`1`', unit: 'count', constraints: '≥ 1, ≤ 100000' });
    expect(rows.get('horizon')).toMatchObject({ type: 'duration', required: true });
    expect(rows.get('rollups[].pools[].fee_bps')).toMatchObject({ unit: 'bps' });
    expect(rows.get('sequencing.centralized.bridge.fee_usd')).toMatchObject({ unit: 'USD', default: '`0`' });
    // variants[].sequencing repeats sequencing: its sections refer to it instead of listing it twice.
    expect(rows.get('variants[].sequencing.shared')!.description).toContain('Its fields are those of `sequencing.shared`.');
    expect([...rows.keys()].some((p) => p.startsWith('variants[].sequencing.shared.'))).toBe(false);
    expect([...rows.keys()].filter((p) => p.startsWith('sequencing.shared.')).length).toBeGreaterThan(20);
  });

  it('takes examples from scenario files by field path, lists as []', () => {
    const examples = collectExamples([
      { file: 'a.yaml', scenario: { horizon: '1h', rollups: [{ name: 'x', pools: [{ fee_bps: 30 }] }], modes: ['shared'] } },
      { file: 'b.yaml', scenario: { horizon: '2h', seed: 3 } },
    ]);
    expect(Object.fromEntries(examples)).toEqual({
      horizon: { value: '1h', file: 'a.yaml' },
      'rollups[].name': { value: 'x', file: 'a.yaml' },
      'rollups[].pools[].fee_bps': { value: 30, file: 'a.yaml' },
      modes: { value: ['shared'], file: 'a.yaml' },
      seed: { value: 3, file: 'b.yaml' },
    });
  });
});
