// The `sweep` block: parameter points every seed and variant run at. A grid lists values per field
// path (every combination); a Latin hypercube samples continuous ranges (seeded), crossed with the
// grid. The shape is checked here; what the paths and values mean is checked by sweep.ts, which
// writes each point's values into the scenario and validates it whole.
import { z } from 'zod';
import { list, onlyTypeError } from './fields.ts';
import { LIMITS } from './limits.ts';

const value = z.union([z.number(), z.string(), z.boolean()], { error: 'expected a number, a duration or other string, or true/false' });
const bound = z.union([z.number(), z.string()], { error: 'expected a number or a duration like "10ms"' });

const RangeSchema = z.union(
  [
    z.tuple([bound, bound]),
    z.strictObject({ min: bound, max: bound, integer: z.boolean().default(false).describe('Sample whole numbers (min … max inclusive)') }),
  ],
  { error: 'expected [min, max] or { min, max, integer }' },
);

export const SweepSchema = z
  .strictObject({
    grid: z
      .record(z.string(), list(value).min(1, { error: 'expected at least one value' }))
      .optional()
      .describe('Field path (as for --set: "sequencing.shared.nodes", "rollups[0].block_time") → the values it takes; points are every combination, the first path outermost'),
    latin_hypercube: z
      .strictObject({
        samples: z.number({ error: onlyTypeError('expected a whole number of samples') }).int({ error: 'expected a whole number of samples' }).min(1).max(LIMITS.runs).describe('Points sampled (each range is cut in this many strata, each stratum used once)'),
        seed: z.number({ error: onlyTypeError('expected a whole number') }).int().min(0).max(2 ** 32 - 1).optional().describe('Seed of the sample (default: the scenario seed)'),
        ranges: z.record(z.string(), RangeSchema).describe('Field path → [min, max] (numbers or durations), or { min, max, integer: true }'),
      })
      .optional()
      .describe('A seeded Latin hypercube sample of continuous ranges, crossed with the grid (each grid combination runs every sample)'),
  })
  .describe('Parameter sweep: every point runs every seed (seed … seed + runs − 1) under every variant; see README "Sweeps"');

export type Sweep = z.output<typeof SweepSchema>;
