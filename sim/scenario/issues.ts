// Turns zod's validation issues into ScenarioIssues a person can act on: the field path, what was
// expected, what was found, a did-you-mean for typos, and where the value was written — which
// file of the `extends` chain (and which line), or which `--set` argument.
import type { z } from 'zod';
import { keysAt } from './schemaWalk.ts';
import { closestMatch, formatPath, showValue, type PathSegment, type ScenarioIssue } from './errors.ts';
import { getPath, hasPath, isPlainObject, startsWith } from './data.ts';
import type { Override } from './overrides.ts';
import type { ScenarioSource } from './source.ts';

/** Where each value of the merged data came from: files in the order applied, then overrides in order. */
export interface Provenance {
  sources: readonly ScenarioSource[];
  overrides: readonly Override[];
}

type Origin = { set: string } | { source: ScenarioSource };

/**
 * The override or file that supplied the value at `path` in the merged data. Mirrors deepMerge:
 * a later mapping merges into an earlier one, while a list or scalar replaces it (and owns
 * everything below it).
 */
export function originOf(path: readonly PathSegment[], provenance: Provenance): Origin | undefined {
  for (let i = provenance.overrides.length - 1; i >= 0; i--) {
    const override = provenance.overrides[i];
    if (startsWith(path, override.path)) return { set: override.arg };
  }
  // A mapping no file wrote was created by the override that set a key inside it.
  const creator = [...provenance.overrides].reverse().find((o) => startsWith(o.path, path));
  if (creator && !provenance.sources.some((s) => hasPath(s.data, path))) return { set: creator.arg };
  let candidates = [...provenance.sources].reverse(); // latest (highest priority) first
  for (let depth = 1; depth <= path.length && candidates.length > 1; depth++) {
    const prefix = path.slice(0, depth);
    const top = candidates.findIndex((s) => hasPath(s.data, prefix));
    if (top < 0) break; // nobody wrote it: report it where the nearest written ancestor is
    const next: ScenarioSource[] = [];
    for (const source of candidates.slice(top)) {
      if (!hasPath(source.data, prefix)) continue;
      next.push(source);
      if (!isPlainObject(getPath(source.data, prefix))) break; // replaces everything earlier
    }
    candidates = next;
  }
  return candidates.length > 0 ? { source: candidates[0] } : undefined;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** "expected …" for one zod issue; our schema's own messages already start with "expected". */
function expectation(issue: z.core.$ZodIssue): string {
  if (issue.message.startsWith('expected')) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small': {
      const bound = Number(issue.minimum);
      if (issue.origin === 'array') return `expected at least ${bound} entr${bound === 1 ? 'y' : 'ies'}`;
      if (issue.origin === 'string') return `expected at least ${bound} character${bound === 1 ? '' : 's'}`;
      return `expected a number ${issue.inclusive ? '≥' : '>'} ${bound}`;
    }
    case 'too_big': {
      const bound = Number(issue.maximum);
      if (issue.origin === 'array') return `expected at most ${bound} entr${bound === 1 ? 'y' : 'ies'}`;
      if (issue.origin === 'string') return `expected at most ${bound} character${bound === 1 ? '' : 's'}`;
      return `expected a number ${issue.inclusive ? '≤' : '<'} ${bound}`;
    }
    case 'invalid_format':
      return `expected a string matching ${issue.pattern ?? issue.format}`;
    default:
      return issue.message;
  }
}

export function withOrigin(issue: ScenarioIssue, path: readonly PathSegment[], provenance: Provenance, key = false): ScenarioIssue {
  const origin = originOf(path, provenance);
  if (!origin) return issue;
  if ('set' in origin) return { ...issue, set: origin.set };
  return { ...issue, file: origin.source.file, ...origin.source.locate(path, { key }) };
}

/** All of zod's issues, in its order, as ScenarioIssues. `data` is the merged input that was validated. */
export function toScenarioIssues(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  /** The scenario's JSON Schema (input side), for the keys a mapping accepts. */
  schema: Record<string, unknown>,
  provenance: Provenance,
): ScenarioIssue[] {
  const out: ScenarioIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const valid = keysAt(schema, path);
      for (const key of issue.keys) {
        const suggestion = closestMatch(key, valid);
        const hint = suggestion ? ` (did you mean "${suggestion}"?)` : valid.length > 0 ? ` (expected one of: ${valid.join(', ')})` : '';
        const keyPath = [...path, key];
        // At the top level the key is the whole path; deeper, the path says where the key sits.
        const message = `unknown key "${key}"${hint}`;
        out.push(withOrigin({ path: path.length === 0 ? '' : formatPath(keyPath), message }, keyPath, provenance, true));
      }
      continue;
    }
    const found = getPath(data, path);
    const foundText = found === undefined && !hasPath(data, path) ? 'nothing (the field is missing)' : showValue(found);
    let message = `${expectation(issue)}, found ${foundText}`;
    if (issue.code === 'invalid_value' && typeof found === 'string') {
      const suggestion = closestMatch(found, issue.values.map(String));
      if (suggestion) message += ` (did you mean "${suggestion}"?)`;
    }
    out.push(withOrigin({ path: formatPath(path), message }, path, provenance));
  }
  return inReadingOrder(out);
}

/** Zod reports in schema order; a reader scans a file top to bottom, then the --set arguments. */
function inReadingOrder(issues: ScenarioIssue[]): ScenarioIssue[] {
  const fileOrder = new Map<string, number>();
  for (const issue of issues) if (issue.file !== undefined && !fileOrder.has(issue.file)) fileOrder.set(issue.file, fileOrder.size);
  const key = (issue: ScenarioIssue): number[] => [
    issue.set === undefined ? 0 : 1,
    fileOrder.get(issue.file ?? '') ?? 0,
    issue.line ?? 0,
    issue.col ?? 0,
  ];
  const compare = (a: number[], b: number[]): number => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  };
  // Array.prototype.sort is stable, so equal keys keep zod's order.
  const keyed = issues.map((issue) => ({ issue, k: key(issue) }));
  return keyed.sort((a, b) => compare(a.k, b.k)).map((e) => e.issue);
}
