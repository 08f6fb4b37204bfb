// Plain-data helpers for scenario objects: paths, deep merge and canonical JSON. Scenario data is
// what YAML/JSON produce — mappings, lists and scalars — so nothing here handles classes or cycles.
import type { PathSegment } from './errors.ts';

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Defines an own property: plain assignment of "__proto__" would change the prototype instead. */
export function setOwn(target: PlainObject | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function hasOwn(container: unknown, key: PathSegment): boolean {
  if (Array.isArray(container)) return typeof key === 'number' && key >= 0 && key < container.length;
  return isPlainObject(container) && typeof key === 'string' && Object.hasOwn(container, key);
}

export function hasPath(root: unknown, path: readonly PathSegment[]): boolean {
  let node = root;
  for (const segment of path) {
    if (!hasOwn(node, segment)) return false;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return true;
}

/** The value at `path`, or undefined when any step is missing. */
export function getPath(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (!hasOwn(node, segment)) return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}

export function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}

/** A deep copy, so merging and overrides never alias (and so never mutate) a source file's data. */
export function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneData) as T;
  if (isPlainObject(value)) {
    const copy: PlainObject = {};
    for (const key of Object.keys(value)) setOwn(copy, key, cloneData(value[key]));
    return copy as T;
  }
  return value;
}

/**
 * `child` over `parent`: mappings merge key by key, recursively; lists and scalars from the child
 * replace the parent's whole. Lists are not merged by index because "the second rollup" of a base
 * file is rarely what a child means to change; a child that wants one changed restates the list.
 */
export function deepMerge(parent: unknown, child: unknown): unknown {
  if (!isPlainObject(parent) || !isPlainObject(child)) return cloneData(child);
  const merged = cloneData(parent);
  for (const key of Object.keys(child)) {
    setOwn(merged, key, Object.hasOwn(merged, key) ? deepMerge(merged[key], child[key]) : cloneData(child[key]));
  }
  return merged;
}

/** JSON with object keys sorted at every depth: the same data always gives the same text (and hash). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  // undefined has no JSON form; NaN and ±Infinity already stringify as null.
  return JSON.stringify(value) ?? 'null';
}
