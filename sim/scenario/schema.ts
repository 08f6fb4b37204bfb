// The scenario schema: one zod definition gives validation, the TypeScript types and the JSON
// Schema that editors and `seqsim schema` use. File keys are snake_case; unknown keys are
// rejected everywhere; defaults are filled here, at the boundary, so nothing downstream guesses.
// Durations are human strings in files ("250ms", "12s") and integer µs in the resolved scenario.
// Each section is its own exported schema so later sections (markets, sequencing, agents, faults)
// slot in beside these without touching the others.
import { z } from 'zod';
import { DAY, formatDuration, parseDuration, type Micros } from '../engine/time.ts';

/** The same grammar as `parseDuration`, kept as a pattern so the JSON Schema can check it too. */
const DURATION_PATTERN = /^\s*\d+(?:\.\d+)?\s*(?:us|µs|ms|s|min|m|h|d)\s*$/;
const DURATION_EXAMPLES = 'a duration like "250ms", "2s" or "6h"';

/** Lowercase identifiers: safe in file names, metric subjects and stream labels. */
const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
const NAME_EXPECTED = 'a name of lowercase letters, digits, "_" and "-" (like "arb-1"), starting with a letter or digit';

/** A horizon beyond this is almost certainly a unit mistake ("30000m"), and runs would not end. */
export const MAX_HORIZON_US: Micros = 30 * DAY;
export const MAX_ROLLUPS = 64;
export const MAX_RUNS = 100_000;

export const SEQUENCING_MODES = ['centralized', 'shared'] as const;
export type SequencingMode = (typeof SEQUENCING_MODES)[number];

/**
 * A schema-level `error` also applies to its checks' issues; this one only words the wrong-type
 * case, so a failed `.min(1)` still says what the bound is.
 */
function onlyTypeError(message: string) {
  return (issue: { code?: string }) => (issue.code === 'invalid_type' ? message : undefined);
}

interface DurationBounds {
  /** Reject zero: a zero block time or horizon would never advance the clock. */
  positive?: boolean;
  maxUs?: Micros;
}

/** A duration string in the file, integer µs after parsing. */
export function duration(description: string, bounds: DurationBounds = {}) {
  return z
    .string({ error: `expected ${DURATION_EXAMPLES}` })
    .regex(DURATION_PATTERN, { error: `expected ${DURATION_EXAMPLES}` })
    .transform((text, ctx) => {
      const us = parseDuration(text);
      if (us === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected ${DURATION_EXAMPLES}`, input: text });
        return z.NEVER;
      }
      if (bounds.positive && us <= 0) {
        ctx.addIssue({ code: 'custom', message: 'expected a duration greater than 0', input: text });
        return z.NEVER;
      }
      if (bounds.maxUs !== undefined && us > bounds.maxUs) {
        ctx.addIssue({ code: 'custom', message: `expected a duration of at most ${formatDuration(bounds.maxUs)}`, input: text });
        return z.NEVER;
      }
      return us;
    })
    .describe(`${description} (duration string like "250ms", "2s", "6h"; integer µs in the resolved scenario)`);
}

export const name = (description: string) =>
  z.string({ error: onlyTypeError(`expected ${NAME_EXPECTED}`) }).regex(NAME_PATTERN, { error: `expected ${NAME_EXPECTED}` }).describe(description);

/** Reports the second and later occurrences of a key, at the path of the repeated field. */
function uniqueBy<T>(what: string, key: (item: T) => string, field?: string) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const firstIndex = new Map<string, number>();
    items.forEach((item, i) => {
      const k = key(item);
      const first = firstIndex.get(k);
      if (first === undefined) firstIndex.set(k, i);
      else
        ctx.addIssue({
          code: 'custom',
          message: `expected a unique ${what} (index ${first} already uses it)`,
          path: field === undefined ? [i] : [i, field],
          input: k,
        });
    });
  };
}

export const NetworkSchema = z
  .strictObject({
    base_latency: duration('One-way network delay between any two parties').prefault('50ms'),
    jitter: duration('Mean of the exponential extra delay added to each message; 0s for none').prefault('0s'),
  })
  .describe('Message latency between agents, sequencers and rollups');

export const UserSchema = z
  .strictObject({
    name: name('User (flow) name, unique within its rollup'),
    rate: z.number({ error: onlyTypeError('expected a number of transactions per second') })
      .positive({ error: 'expected a rate greater than 0 transactions per second' })
      .describe('Mean arrival rate in transactions per second (Poisson arrivals)'),
  })
  .describe('A source of ordinary user transactions on one rollup');

export const RollupSchema = z
  .strictObject({
    id: name('Rollup id, unique across rollups'),
    block_time: duration('Mean time between blocks', { positive: true }),
    block_time_dist: z
      .enum(['fixed', 'exponential'])
      .default('fixed')
      .describe('Block interval distribution: "fixed" (every block_time) or "exponential" (mean block_time)'),
    capacity: z.number({ error: onlyTypeError('expected a whole number of transactions per block') })
      .int({ error: 'expected a whole number of transactions per block' })
      .positive({ error: 'expected a capacity greater than 0 transactions per block' })
      .default(1000)
      .describe('Maximum transactions per block (count)'),
    users: z
      .array(UserSchema)
      .default([])
      .superRefine(uniqueBy<{ name: string }>('user name', (u) => u.name, 'name'))
      .describe('User transaction flows on this rollup'),
  })
  .describe('One rollup: its block production and its ordinary users');

export const OutputSchema = z
  .strictObject({
    batch_rows: z.number({ error: onlyTypeError('expected a whole number of rows') })
      .int({ error: 'expected a whole number of rows' })
      .min(1)
      .max(1_000_000)
      .default(65_536)
      .describe('Rows per Arrow record batch (count); bounds memory per table while writing'),
  })
  .describe('How tables are written');

export const DebugSchema = z
  .strictObject({
    break_invariant: z
      .strictObject({
        run: z.number().int().min(0).describe('run_id of the run to break (0-based)'),
        at: duration('Simulated time at which that run breaks its "debug" invariant'),
      })
      .optional()
      .describe('Deliberately break an invariant in one run: exercises the failed-run path (exit code 3)'),
  })
  .describe('Testing aids; leave unset in real scenarios');

export const ScenarioSchema = z
  .strictObject({
    name: name('Scenario name; appears in output provenance'),
    description: z.string().optional().describe('Free text describing the scenario'),
    seed: z.number({ error: onlyTypeError('expected a whole number') })
      .int({ error: 'expected a whole number' })
      .min(0, { error: 'expected a whole number ≥ 0' })
      .max(2 ** 32 - 1)
      .default(1)
      .describe('Root random seed of the first run (integer)'),
    runs: z.number({ error: onlyTypeError('expected a whole number of runs') })
      .int({ error: 'expected a whole number of runs' })
      .min(1)
      .max(MAX_RUNS)
      .default(1)
      .describe('Number of runs (count); run k uses seed + k, for k = 0 … runs − 1'),
    horizon: duration('Simulated time of each run', { positive: true, maxUs: MAX_HORIZON_US }),
    warmup: duration('Initial simulated time excluded from metrics; must be shorter than horizon').prefault('0s'),
    modes: z
      .array(z.enum(SEQUENCING_MODES))
      .min(1, { error: 'expected at least one sequencing mode' })
      .default(['centralized'])
      .superRefine(uniqueBy<SequencingMode>('mode', (m) => m))
      .describe('Sequencing modes to run the same world under: "centralized" and/or "shared"'),
    network: NetworkSchema.prefault({}),
    rollups: z
      .array(RollupSchema)
      .min(1, { error: 'expected at least one rollup' })
      .max(MAX_ROLLUPS, { error: `expected at most ${MAX_ROLLUPS} rollups` })
      .superRefine(uniqueBy<{ id: string }>('rollup id', (r) => r.id, 'id'))
      .describe('The rollups in the world'),
    output: OutputSchema.prefault({}),
    debug: DebugSchema.prefault({}),
  })
  .superRefine((s, ctx) => {
    // Cross-field: a warmup that eats the whole horizon would leave no measured time at all.
    if (s.warmup >= s.horizon)
      ctx.addIssue({
        code: 'custom',
        message: `expected a warmup shorter than the horizon (${formatDuration(s.horizon)})`,
        path: ['warmup'],
      });
  })
  .describe('A seqsim scenario: the world to simulate under each sequencing mode');

/** What a scenario file may contain (durations as strings, defaults optional). */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** The validated scenario: defaults filled, durations in integer µs. */
export type Scenario = z.output<typeof ScenarioSchema>;
export type NetworkConfig = Scenario['network'];
export type RollupConfig = Scenario['rollups'][number];
export type UserConfig = RollupConfig['users'][number];
export type OutputConfig = Scenario['output'];

export const SCENARIO_SCHEMA_ID = 'https://seqsim.dev/schema/scenario.json';

/** JSON Schema of scenario files (the input side: durations are strings), for editors and docs. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  // `extends` is resolved by the loader before validation, so it is not in the zod schema;
  // editors still need to accept it in files.
  const properties = schema.properties as Record<string, unknown>;
  properties.extends = {
    description: 'Scenario file(s) to start from, relative to this file; applied in order, this file overrides them',
    anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
  };
  return { $schema: schema.$schema, $id: SCENARIO_SCHEMA_ID, title: 'seqsim scenario', ...schema };
}
