// Provenance written into every output file's schema metadata, under the keys documented in
// tables.ts (METADATA_KEYS). Only inputs go in — never a clock — so the same inputs give the same bytes.

import { APACHE_ARROW_VERSION } from './arrow.ts';

export interface Provenance {
  seqsimVersion: string;
  scenarioSha256: string;
  /** Every input file read (path as given, relative where possible) → its SHA-256 hex. */
  files: Readonly<Record<string, string>>;
  seeds: readonly (number | bigint)[];
  /** The values of the mode column: variant names (the modes themselves for `modes:` scenarios). */
  modes: readonly string[];
  /** Named variants only (`variants:` scenarios): each one's mechanism and which is the baseline. */
  variants?: readonly { name: string; mode: string; baseline: boolean }[];
}

export function provenanceMetadata(p: Provenance): Record<string, string> {
  const files: Record<string, string> = {};
  for (const key of Object.keys(p.files).sort()) files[key] = p.files[key];
  return {
    'seqsim.version': p.seqsimVersion,
    'seqsim.arrow_version': APACHE_ARROW_VERSION,
    'seqsim.scenario_sha256': p.scenarioSha256,
    'seqsim.files': JSON.stringify(files),
    // Seeds are written as bare JSON integers even beyond 2^53 (a bigint keeps every digit).
    'seqsim.seeds': `[${p.seeds.map((s) => s.toString()).join(',')}]`,
    'seqsim.modes': JSON.stringify(p.modes),
    // Written only for named variants, so `modes:` scenarios keep their bytes.
    ...(p.variants ? { 'seqsim.variants': JSON.stringify(p.variants) } : {}),
  };
}
