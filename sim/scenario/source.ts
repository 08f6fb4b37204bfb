// One scenario file as read: its bytes' hash, its plain data, and a way back from a field path to
// a line and column. YAML is parsed as data only (core schema, no custom tags, unique keys), so a
// scenario file can never construct objects or run code.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type DocumentOptions, type Node, type ParseOptions, type SchemaOptions } from 'yaml';
import { ScenarioError, formatPath, type PathSegment, type ScenarioIssue } from './errors.ts';
import { isPlainObject, type PlainObject } from './data.ts';
import { LIMITS } from './limits.ts';

export interface Position {
  line: number;
  col: number;
}

export interface ScenarioSource {
  /** The path as shown in messages (relative paths stay relative). */
  file: string;
  sha256: string;
  data: PlainObject;
  /**
   * Where the value at `path` is written, or its nearest written ancestor when it is missing.
   * With `key`, the position of the last segment's key rather than its value (for unknown keys).
   */
  locate(path: readonly PathSegment[], opts?: { key?: boolean }): Position | undefined;
}

export type ScenarioFormat = 'yaml' | 'json';

export function formatOf(file: string): ScenarioFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.json') return 'json';
  return undefined;
}

/** Why a file could not be read, in words (the errno codes people actually hit). */
export function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (error instanceof FileTooLarge) return error.message;
  return (error as Error)?.message ?? String(error);
}

export function readFileBytes(absPath: string): Buffer {
  return readFileSync(absPath);
}

/** A scenario file's bytes, refused by size before any is read: parsing time grows with the text. */
export function readScenarioBytes(absPath: string): Buffer {
  const size = statSync(absPath).size;
  if (size > LIMITS.fileBytes) throw new FileTooLarge(size);
  return readFileSync(absPath);
}

export class FileTooLarge extends Error {
  constructor(readonly size: number) {
    super(`the file is ${(size / 1024 / 1024).toFixed(1)} MiB; scenario files are limited to ${LIMITS.fileBytes / 1024 / 1024} MiB`);
  }
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = { schema: 'core', customTags: [], uniqueKeys: true, merge: false, prettyErrors: true };

/** Parses one file's text; throws a ScenarioError for syntax errors and for anything but plain data. */
export function parseSource(text: string, file: string, sha256: string): ScenarioSource {
  const format = formatOf(file);
  if (format === undefined) fail(file, { path: '', message: `expected a .yaml, .yml or .json scenario file, found "${path.basename(file)}"` });
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text; // a BOM is not content
  const lineCounter = new LineCounter();
  const doc = parseDocument(body, { ...YAML_OPTIONS, lineCounter });

  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length > 0) {
    const kind = format === 'json' ? 'JSON' : 'YAML';
    fail(
      file,
      ...syntax.map((e) => ({
        path: '',
        // The parser recurses per level: a file nested thousands deep exhausts the stack.
        message: /call stack/i.test(e.message) ? `expected data nested at most ${LIMITS.depth} levels deep (the file nests too deeply to parse)` : `${kind} syntax error: ${firstLine(e.message)}`,
        line: e.linePos?.[0].line,
        col: e.linePos?.[0].col,
      })),
    );
  }
  if (format === 'json') {
    // YAML accepts a superset of JSON; a .json file must also be strict JSON.
    try {
      JSON.parse(body);
    } catch (e) {
      fail(file, { path: '', message: `JSON syntax error: ${firstLine((e as Error).message)}` });
    }
  }

  const locate = (p: readonly PathSegment[], opts?: { key?: boolean }) => locateIn(doc, lineCounter, p, opts?.key ?? false);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    fail(file, { path: '', message: `cannot read as data: ${firstLine((e as Error).message)}` });
  }
  if (!isPlainObject(data) || Object.getPrototypeOf(data) !== Object.prototype) {
    const found = data === null || data === undefined ? 'an empty document' : Array.isArray(data) ? 'a list' : `${typeof data}`;
    fail(file, { path: '', message: `expected a mapping of scenario fields (key: value), found ${found}`, ...locate([]) });
  }
  const deep = firstTooDeep(data, []);
  if (deep) fail(file, { path: formatPath(deep), message: `expected data nested at most ${LIMITS.depth} levels deep`, ...locate(deep) });
  const strange = firstNonPlainValue(data, []);
  if (strange) fail(file, { path: formatPath(strange), message: 'expected plain data (string, number, boolean, list or mapping), found a tagged value', ...locate(strange) });
  return { file, sha256, data, locate };
}

function fail(file: string, ...issues: ScenarioIssue[]): never {
  throw new ScenarioError(file, issues.map((issue) => ({ file, ...issue })));
}

/** yaml's pretty messages append " at line L, column C:" and a code excerpt; we print the position ourselves. */
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** The path of the first value nested deeper than LIMITS.depth (aliases can nest deep in few bytes). */
function firstTooDeep(value: unknown, at: PathSegment[]): PathSegment[] | undefined {
  if (at.length > LIMITS.depth) return at;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = firstTooDeep(child, [...at, Array.isArray(value) ? Number(key) : key]);
    if (found) return found;
  }
  return undefined;
}

/** Explicit tags like `!!binary` still resolve to objects (a Buffer); scenario data must not contain them. */
function firstNonPlainValue(value: unknown, at: PathSegment[]): PathSegment[] | undefined {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstNonPlainValue(value[i], [...at, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (isPlainObject(value) && Object.getPrototypeOf(value) === Object.prototype) {
    for (const key of Object.keys(value)) {
      const found = firstNonPlainValue(value[key], [...at, key]);
      if (found) return found;
    }
    return undefined;
  }
  return at;
}

function locateIn(doc: Document, lineCounter: LineCounter, p: readonly PathSegment[], wantKey: boolean): Position | undefined {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const segment of p) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair) {
        next = pair.value;
        keyNode = pair.key;
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (next === undefined || next === null) {
      // A key written with no value (`jitter:`) still has a position: its key's.
      if (keyNode) node = keyNode;
      break;
    }
    node = next;
  }
  const target = wantKey && keyNode ? keyNode : node;
  const offset = (target as Node | undefined)?.range?.[0];
  if (offset === undefined) return undefined;
  return lineCounter.linePos(offset);
}
