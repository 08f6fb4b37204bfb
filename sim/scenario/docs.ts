// docs/scenario.md from the scenario's JSON Schema (`seqsim schema`): every field with its type,
// default, unit, constraints, description and an example from a bundled scenario. Written by
// `npm run docs`; test/docs.test.ts fails when the committed file is stale.

type Schema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  prefixItems?: Schema[];
  anyOf?: Schema[];
};

export interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  default: string;
  unit: string;
  constraints: string;
  description: string;
  example: string;
}

const DURATION = /\(\?:us\|µs\|ms\|s\|min\|m\|h\|d\)/;
const isDuration = (s: Schema) => s.type === 'string' && s.pattern !== undefined && DURATION.test(s.pattern);

function typeOf(s: Schema): string {
  if (s.anyOf) return s.anyOf.map(typeOf).join(' or ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((e) => JSON.stringify(e)).join(' | ');
  if (isDuration(s)) return 'duration';
  if (s.type === 'array') return s.prefixItems ? `[${s.prefixItems.map(typeOf).join(', ')}]` : `list of ${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type === 'object' && !s.properties && typeof s.additionalProperties === 'object') return `map of ${typeOf(s.additionalProperties)}`;
  return Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
}

/** The unit, from the field's name suffix or its description's wording. */
export function unitOf(key: string, s: Schema): string {
  if (isDuration(s)) return 'duration ("250ms", "2s", "6h"; µs resolved)';
  if (s.type !== 'number' && s.type !== 'integer') return '';
  const d = s.description ?? '';
  if (/_usd$/.test(key) || /\bUSD\b/.test(d)) return 'USD';
  if (/_bps$/.test(key) || /basis points|\bbps\b/.test(d)) return 'bps';
  if (/_pct$/.test(key)) return '%';
  if (/per second/.test(d)) return 'per second';
  if (/per year/.test(d)) return 'per year';
  if (/annualized/i.test(d)) return 'annualized';
  if (/\(count\)|^Number of|^How many/.test(d)) return 'count';
  if (/^(Share|Probability|Fraction)\b/.test(d) || /_(prob|fraction)$/.test(key)) return 'fraction (0–1)';
  return '';
}

function constraintsOf(s: Schema): string {
  const c: string[] = [];
  if (s.minimum !== undefined) c.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) c.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) c.push(`≤ ${s.maximum}`);
  if (s.minItems !== undefined) c.push(`≥ ${s.minItems} items`);
  if (s.maxItems !== undefined) c.push(`≤ ${s.maxItems} items`);
  if (s.pattern && !isDuration(s)) c.push(`matches \`${s.pattern}\``);
  return c.join(', ');
}

const show = (v: unknown) => (v === undefined ? '' : `\`${JSON.stringify(v)}\``);
// Objects' defaults ({} filled by their fields' own defaults) say nothing a reader needs.
const defaultOf = (s: Schema) => (s.default === undefined || (typeof s.default === 'object' && s.default !== null && !Array.isArray(s.default) && Object.keys(s.default).length === 0) ? '' : show(s.default));

const joinSentences = (a: string, b: string) => (!b ? a : !a ? b : `${a}${/[.)]$/.test(a) ? '' : '.'} ${b}`);

/** Object-like subtrees (an object with fields, or a list of them) by their JSON, for spotting repeats. */
const fingerprintOf = (s: Schema) => (s.properties ? JSON.stringify(s) : s.type === 'array' && s.items?.properties ? JSON.stringify(s.items) : undefined);

/** Every nested schema with its path, depth first, in schema order. */
function* walk(s: Schema, path: string, key: string, required: boolean): Generator<{ s: Schema; path: string; key: string; required: boolean }> {
  yield { s, path, key, required };
  const children = (o: Schema, at: string) => Object.entries(o.properties ?? {}).map(([k, c]) => walk(c, at ? `${at}.${k}` : k, k, (o.required ?? []).includes(k)));
  const nested: Generator<{ s: Schema; path: string; key: string; required: boolean }>[] = [];
  if (s.properties) nested.push(...children(s, path));
  else if (s.type === 'array' && s.items?.properties) nested.push(...children(s.items, `${path}[]`));
  else if (s.anyOf) for (const alt of s.anyOf) nested.push(...children(alt, path));
  else if (s.type === 'object' && typeof s.additionalProperties === 'object') {
    const each = s.additionalProperties;
    nested.push(...(each.properties ? children(each, `${path}.<name>`) : []));
  }
  for (const g of nested) yield* g;
}

/**
 * Every field, depth first, in schema order. A subtree repeated elsewhere (variants[].sequencing
 * repeats sequencing) is listed once, at its shortest path; the others refer to it.
 */
export function fieldRows(schema: Schema, examples: ReadonlyMap<string, { value: unknown; file: string }> = new Map()): FieldRow[] {
  const depth = (p: string) => p.split(/\.|\[\]/).length;
  const canonical = new Map<string, string>();
  for (const { s, path } of walk(schema, '', '', false)) {
    const fp = path ? fingerprintOf(s) : undefined;
    if (fp && (!canonical.has(fp) || depth(path) < depth(canonical.get(fp)!))) canonical.set(fp, path);
  }
  const rows: FieldRow[] = [];
  const skip: string[] = [];
  for (const { s, path, key, required } of walk(schema, '', '', false)) {
    if (!path || skip.some((p) => path.startsWith(`${p}.`) || path.startsWith(`${p}[]`))) continue;
    const fp = fingerprintOf(s);
    const same = fp && canonical.get(fp) !== path ? canonical.get(fp) : undefined;
    if (same) skip.push(path);
    const example = examples.get(path);
    rows.push({
      path, type: typeOf(s), required, default: defaultOf(s), unit: unitOf(key, s), constraints: constraintsOf(s),
      description: joinSentences(s.description ?? '', same ? `Its fields are those of \`${same}\`.` : ''),
      example: example ? `${show(example.value)} (${example.file})` : '',
    });
  }
  return rows;
}

/** Leaf values of a scenario file by field path (list items as `[]`): the first value seen wins. */
export function collectExamples(files: readonly { file: string; scenario: unknown }[]): Map<string, { value: unknown; file: string }> {
  const out = new Map<string, { value: unknown; file: string }>();
  const walk = (v: unknown, path: string, file: string) => {
    if (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null)) v.forEach((x) => walk(x, `${path}[]`, file));
    else if (typeof v === 'object' && v !== null && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k, file);
    else if (!out.has(path)) out.set(path, { value: v, file });
  };
  for (const { file, scenario } of files) walk(scenario, '', file);
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderScenarioDoc(schema: Schema, examples: ReadonlyMap<string, { value: unknown; file: string }>): string {
  const rows = fieldRows(schema, examples);
  const sections = new Map<string, FieldRow[]>();
  for (const r of rows) {
    const top = r.path.split(/[.[]/)[0];
    if (!sections.has(top)) sections.set(top, []);
    sections.get(top)!.push(r);
  }
  const top = schema.properties ?? {};
  const scalars = [...sections].filter(([k]) => !top[k].properties && !top[k].items?.properties);
  const nested = [...sections].filter(([k]) => top[k].properties || top[k].items?.properties);
  const table = (rs: readonly FieldRow[]) =>
    [
      '| field | type | default | unit | constraints | description | example |',
      '|---|---|---|---|---|---|---|',
      ...rs.map((r) => `| \`${r.path}\`${r.required ? ' (required)' : ''} | ${cell(r.type)} | ${cell(r.default)} | ${r.unit} | ${cell(r.constraints)} | ${cell(r.description)} | ${cell(r.example)} |`),
    ].join('\n');
  return `# Scenario files

<!-- Generated by \`npm run docs\` from the scenario schema (sim/scenario/schema.ts, \`seqsim schema\`). Do not edit by hand. -->

A scenario is a YAML or JSON file; \`seqsim validate FILE\` checks it and \`seqsim schema\` prints the
JSON Schema below for editor autocomplete. Unknown keys are rejected everywhere. A field's default
applies when it is left out. Durations are strings with a unit (\`"250ms"\`, \`"2s"\`, \`"78m"\`,
\`"6h"\`) and become integer microseconds in the resolved scenario (\`seqsim validate --json\`).
\`extends: other.yaml\` deep-merges this file over another (mappings merge, lists and scalars
replace) and \`--set path=value\` overrides a field from the command line. A path \`a[].b\` is the
field \`b\` of each item of the list \`a\`; \`a.<name>\` is any key of the mapping \`a\`. Examples are
values from the bundled scenarios in \`scenarios/\`.

## Top-level fields

${table(scalars.flatMap(([, rs]) => rs))}
${nested.map(([k, rs]) => `\n## \`${k}\`\n\n${top[k].description ?? ''}\n\n${table(rs)}\n`).join('')}`;
}
