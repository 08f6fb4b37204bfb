// Walks the scenario's JSON Schema (zod's public `z.toJSONSchema`, never zod internals) along a
// data path: the keys a mapping accepts (did-you-mean suggestions), and which fields are durations
// (so the resolved scenario can name their unit).
import { DURATION_PATTERN } from './fields.ts';
import type { PathSegment } from './errors.ts';

type Node = Record<string, unknown>;

const asNode = (x: unknown): Node | undefined => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Node) : undefined);

/** The alternatives a node stands for (unions flattened). */
function branches(node: Node | undefined): Node[] {
  if (!node) return [];
  const alts = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  if (Array.isArray(alts)) return alts.flatMap((a) => branches(asNode(a)));
  return [node];
}

/** The schema nodes that may describe the value at `segment` below `node`. */
function children(node: Node, segment: PathSegment): Node[] {
  return branches(node).flatMap((b) => {
    if (typeof segment === 'string') {
      const props = asNode(b.properties);
      const child = props?.[segment] ?? (asNode(b.additionalProperties) ? b.additionalProperties : undefined);
      return branches(asNode(child));
    }
    const prefix = b.prefixItems as unknown[] | undefined;
    return branches(asNode(Array.isArray(prefix) && segment < prefix.length ? prefix[segment] : b.items));
  });
}

export function nodesAt(schema: Node, path: readonly PathSegment[]): Node[] {
  let nodes = branches(schema);
  for (const segment of path) nodes = nodes.flatMap((n) => children(n, segment));
  return nodes;
}

/** The keys a mapping accepts at `path`, in schema order. */
export function keysAt(schema: Node, path: readonly PathSegment[]): string[] {
  const keys: string[] = [];
  for (const n of nodesAt(schema, path)) for (const k of Object.keys(asNode(n.properties) ?? {})) if (!keys.includes(k)) keys.push(k);
  return keys;
}

const isDuration = (n: Node) => n.type === 'string' && n.pattern === DURATION_PATTERN.source;

/**
 * The resolved scenario with each duration's key renamed to say its unit (`horizon` → `horizon_us`):
 * a field is a duration when its schema is the duration string (and the resolved value a number).
 */
export function withDurationUnits(schema: Node, value: unknown, path: PathSegment[] = []): unknown {
  if (Array.isArray(value)) return value.map((v, i) => withDurationUnits(schema, v, [...path, i]));
  const obj = asNode(value);
  if (!obj) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const here = [...path, k];
    const duration = typeof v === 'number' && nodesAt(schema, here).some(isDuration);
    out[duration ? `${k}_us` : k] = withDurationUnits(schema, v, here);
  }
  return out;
}
