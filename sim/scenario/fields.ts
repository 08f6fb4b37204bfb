// Field builders shared by the scenario's section schemas: durations, names, numbers with
// readable errors, uniqueness within lists.
import { z } from 'zod';
import { formatDuration, parseDuration, type Micros } from '../engine/time.ts';
import { LIMITS } from './limits.ts';

/** The same grammar as `parseDuration`, kept as a pattern so the JSON Schema can check it too. */
export const DURATION_PATTERN = /^\s*\d+(?:\.\d+)?\s*(?:us|µs|ms|s|min|m|h|d)\s*$/;
const DURATION_EXAMPLES = 'a duration like "250ms", "2s" or "6h"';

/** Lowercase identifiers: safe in file names, metric subjects and stream labels. */
const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
const NAME_EXPECTED = 'a name of lowercase letters, digits, "_" and "-" (like "arb-1"), starting with a letter or digit';

/**
 * A schema-level `error` also applies to its checks' issues; this one only words the wrong-type
 * case, so a failed `.min(1)` still says what the bound is.
 */
export function onlyTypeError(message: string) {
  return (issue: { code?: string }) => (issue.code === 'invalid_type' ? message : undefined);
}

interface DurationBounds {
  /** Reject zero: a zero block time or horizon would never advance the clock. */
  positive?: boolean;
  /** Default: LIMITS.durationUs (30 days). */
  maxUs?: Micros;
}

/** A duration string in the file, integer µs after parsing. */
export function duration(description: string, bounds: DurationBounds = {}) {
  const maxUs = bounds.maxUs ?? LIMITS.durationUs;
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
      if (us > maxUs) {
        ctx.addIssue({ code: 'custom', message: `expected a duration of at most ${formatDuration(maxUs)}`, input: text });
        return z.NEVER;
      }
      return us;
    })
    .describe(`${description} (duration string like "250ms", "2s", "6h", at most ${formatDuration(maxUs)}; integer µs in the resolved scenario)`);
}

export const name = (description: string) =>
  z.string({ error: onlyTypeError(`expected ${NAME_EXPECTED}`) }).regex(NAME_PATTERN, { error: `expected ${NAME_EXPECTED}` }).describe(description);

/** Reports the second and later occurrences of a key, at the path of the repeated field. */
export function uniqueBy<T>(what: string, key: (item: T) => string, field?: string) {
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

/** Every number has both bounds (LIMITS): past the upper one a value is a mistake, not a scenario. */
export const positiveNumber = (expected: string, max: number) =>
  z.number({ error: onlyTypeError(`expected ${expected}`) }).positive({ error: `expected ${expected} greater than 0` }).max(max, { error: `expected ${expected} of at most ${max.toLocaleString('en-US')}` });
export const nonNegativeNumber = (expected: string, max: number) =>
  z.number({ error: onlyTypeError(`expected ${expected}`) }).min(0, { error: `expected ${expected} ≥ 0` }).max(max, { error: `expected ${expected} of at most ${max.toLocaleString('en-US')}` });
export const signedNumber = (expected: string, bound: number) =>
  z.number({ error: onlyTypeError(`expected ${expected}`) }).min(-bound, { error: `expected ${expected} ≥ ${-bound}` }).max(bound, { error: `expected ${expected} of at most ${bound}` });
/** A list of at most LIMITS.listItems entries. */
export const list = <T extends z.ZodType>(item: T) => z.array(item).max(LIMITS.listItems, { error: `expected at most ${LIMITS.listItems} entries` });
/** An index into the shared set's nodes (0-based). */
export const nodeIndex = (description: string) => z.number().int().min(0).max(LIMITS.listItems - 1).describe(description);

