// `--set path=value` overrides: applied to the merged scenario data after `extends`, before
// validation, so an override is checked exactly like a value written in a file.
import { parseDocument } from 'yaml';
import { ScenarioError, formatPath, showValue, type PathSegment } from './errors.ts';
import { hasOwn, isPlainObject, setOwn, type PlainObject } from './data.ts';

export interface Override {
  /** The argument as given, for messages: `rollups[1].block_time=2s`. */
  arg: string;
  path: PathSegment[];
  value: unknown;
}

const KEY_SEGMENT = /^([A-Za-z_][A-Za-z0-9_-]*)((?:\[\d+\])*)$/;
const INDEX_SEGMENT = /^\d+$/;

/** `rollups[1].block_time` or `rollups.1.block_time` → `['rollups', 1, 'block_time']`; undefined if malformed. */
export function parseOverridePath(text: string): PathSegment[] | undefined {
  if (text.trim() === '') return undefined;
  const path: PathSegment[] = [];
  for (const part of text.trim().split('.')) {
    if (INDEX_SEGMENT.test(part)) {
      path.push(Number(part));
      continue;
    }
    const m = KEY_SEGMENT.exec(part);
    if (!m || m[1] === '__proto__') return undefined;
    path.push(m[1]);
    for (const index of m[2].matchAll(/\[(\d+)\]/g)) path.push(Number(index[1]));
  }
  return path;
}

/** Parses one `--set` argument; the value is YAML, so `3` is a number and `[a, b]` a list. */
export function parseOverride(arg: string, scenarioFile: string): Override {
  const fail = (message: string): never => {
    throw new ScenarioError(scenarioFile, [{ path: '', set: arg, message }]);
  };
  const eq = arg.indexOf('=');
  if (eq < 0) fail('expected path=value, like rollups[1].block_time=2s or runs=3');
  const path = parseOverridePath(arg.slice(0, eq));
  if (!path) fail(`expected a field path like rollups[1].block_time or network.jitter before "=", found ${showValue(arg.slice(0, eq))}`);
  const doc = parseDocument(arg.slice(eq + 1), { schema: 'core', customTags: [], uniqueKeys: true, merge: false });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) fail(`cannot parse the value as YAML: ${problem.message.split('\n')[0]}`);
  return { arg, path: path!, value: doc.toJS({ maxAliasCount: 100 }) };
}

/**
 * Writes the override into `root` (mutating it). Missing mappings on the way are created, so
 * `network.jitter=5ms` works without a `network` section; a missing list index is an error,
 * because a half-built list entry would only fail later with a less helpful message.
 */
export function applyOverride(root: PlainObject, override: Override, scenarioFile: string): void {
  const fail = (message: string): never => {
    throw new ScenarioError(scenarioFile, [{ path: formatPath(override.path), set: override.arg, message }]);
  };
  let node: unknown = root;
  override.path.forEach((segment, i) => {
    const isLast = i === override.path.length - 1;
    const here = formatPath(override.path.slice(0, i)) || 'the scenario';
    if (typeof segment === 'number') {
      if (!Array.isArray(node)) return fail(`cannot index ${here} with [${segment}]: it is not a list, found ${showValue(node)}`);
      if (segment >= node.length)
        return fail(`${here} has ${node.length} entr${node.length === 1 ? 'y' : 'ies'}; there is no index ${segment} to set`);
    } else if (!isPlainObject(node)) {
      return fail(`cannot set key "${segment}" in ${here}: it is not a mapping, found ${showValue(node)}`);
    }
    const container = node as PlainObject | unknown[];
    if (isLast) {
      setOwn(container, segment, override.value);
      return;
    }
    if (!hasOwn(container, segment)) {
      if (typeof override.path[i + 1] === 'number') fail(`${formatPath(override.path.slice(0, i + 1))} does not exist, so it has no index ${override.path[i + 1]} to set`);
      setOwn(container, segment, {});
    }
    node = (container as Record<PathSegment, unknown>)[segment];
  });
}
