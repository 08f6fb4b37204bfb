// Where an output came from, read back from its runs table and the provenance every file carries.
import type { Table } from 'apache-arrow';
import { numbers, strings, variantOrder } from './columns.ts';

export interface OutputProvenance {
  scenario: string;
  scenarioSha256: string;
  seqsimVersion: string;
  arrowVersion: string;
  seeds: string[];
  variants: string[];
  /** Input file → SHA-256. */
  files: Record<string, string>;
  runs: number;
  failed: number;
  events: number;
}

export function provenance(runs: Table): OutputProvenance {
  const meta = runs.schema.metadata;
  const status = strings(runs, 'status');
  return {
    scenario: strings(runs, 'scenario')[0] ?? '',
    scenarioSha256: meta.get('seqsim.scenario_sha256') ?? '',
    seqsimVersion: meta.get('seqsim.version') ?? 'unknown',
    arrowVersion: meta.get('seqsim.arrow_version') ?? 'unknown',
    // Seeds may exceed 2^53: keep their digits.
    seeds: (meta.get('seqsim.seeds') ?? '[]').replace(/^\[|\]$/g, '').split(',').filter(Boolean),
    variants: variantOrder(runs),
    files: JSON.parse(meta.get('seqsim.files') ?? '{}'),
    runs: runs.numRows,
    failed: status.filter((s) => s === 'failed').length,
    events: numbers(runs, 'events').reduce((a, b) => a + b, 0),
  };
}
