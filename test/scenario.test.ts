import { describe, it, expect } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, parseScenarioText, type LoadOptions } from '../sim/scenario/load.ts';
import { ScenarioError, closestMatch, formatPath } from '../sim/scenario/errors.ts';
import { scenarioJsonSchema } from '../sim/scenario/schema.ts';
import { canonicalJson, deepMerge } from '../sim/scenario/data.ts';
import { parseOverridePath } from '../sim/scenario/overrides.ts';
import { MINUTE, MS, SECOND } from '../sim/engine/time.ts';

const FIXTURES = 'test/fixtures/scenarios';
const fixture = (name: string) => join(FIXTURES, name);

/** Loads a file that must fail and returns its ScenarioError. */
function loadError(file: string, opts?: LoadOptions): ScenarioError {
  try {
    loadScenario(file, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error(`expected ${file} to fail to load`);
}

describe('loading valid scenarios', () => {
  it('fills defaults and converts durations to integer µs', () => {
    const { scenario } = loadScenario(fixture('minimal.yaml'));
    // A partial match: later sections add their own defaults without touching this test.
    expect(scenario).toMatchObject({
      name: 'minimal',
      seed: 1,
      runs: 1,
      horizon: 5 * MINUTE,
      warmup: 0,
      modes: ['centralized'],
      network: { base_latency: 50 * MS, jitter: 0, default_region: 'us-east' },
      rollups: [{ id: 'only', block_time: 250 * MS, block_time_dist: 'fixed', capacity: 1000, users: [] }],
      output: { batch_rows: 16_384, omit: [] },
    });
  });

  it('reads JSON to the same scenario and the same hash as the equivalent YAML', () => {
    const yaml = loadScenario(fixture('minimal.yaml'));
    const json = loadScenario(fixture('minimal.json'));
    expect(json.scenario).toEqual(yaml.scenario);
    expect(json.sha256).toBe(yaml.sha256);
  });

  it('deep-merges extends: nested keys override one by one, lists are replaced whole', () => {
    const loaded = loadScenario(fixture('good-child.yaml'));
    const { scenario } = loaded;
    expect(scenario.name).toBe('child');
    expect(scenario.horizon).toBe(60 * MINUTE); // inherited
    expect(scenario.network).toEqual({ base_latency: 80 * MS, jitter: 20 * MS, default_region: 'us-east' }); // merged
    expect(scenario.rollups.map((r) => r.id)).toEqual(['x', 'y']); // replaced, not merged by index
    expect(scenario.rollups[0]).toMatchObject({
      id: 'x',
      block_time: 1.5 * SECOND,
      block_time_dist: 'exponential',
      capacity: 1000,
      users: [{ name: 'u', rate: 0.5 }],
    });
    expect(loaded.resolved).not.toHaveProperty('extends');
    expect(loaded.files.map((f) => f.path)).toEqual([fixture('good-child.yaml'), fixture('good-parent.yaml')]);
    for (const f of loaded.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('loads the bundled default scenario (which extends base.yaml)', () => {
    const loaded = loadScenario('scenarios/default.yaml');
    const { scenario } = loaded;
    expect(scenario.name).toBe('default');
    expect(scenario.runs).toBe(5);
    expect(scenario.horizon).toBe(10 * MINUTE);
    expect(scenario.warmup).toBe(1 * MINUTE);
    expect(scenario.modes).toEqual(['centralized', 'shared']);
    expect(scenario.rollups.map((r) => r.block_time)).toEqual([250 * MS, 2 * SECOND, 12 * SECOND]);
    expect(new Set(scenario.rollups.map((r) => r.block_time_dist))).toEqual(new Set(['fixed', 'exponential']));
    expect(loaded.files.map((f) => f.path)).toEqual(['scenarios/default.yaml', 'scenarios/base.yaml']);
  });

  it('loads every bundled scenario file under scenarios/', () => {
    const files = readdirSync('scenarios').filter((f) => /\.(ya?ml|json)$/.test(f) && statSync(join('scenarios', f)).isFile());
    expect(files).toContain('default.yaml');
    for (const f of files) expect(() => loadScenario(join('scenarios', f))).not.toThrow();
  });
});

describe('--set overrides', () => {
  it('parses values as YAML: numbers, duration strings, flow lists, indexed paths', () => {
    const { scenario, resolved } = loadScenario('scenarios/default.yaml', {
      set: ['runs=3', 'horizon=2h', 'modes=[centralized,shared]', 'rollups[1].block_time=5s', 'rollups.0.capacity=7', 'network.jitter=1ms'],
    });
    expect(scenario.runs).toBe(3);
    expect((resolved as { runs: unknown }).runs).toBe(3); // a number, not the string "3"
    expect(scenario.horizon).toBe(2 * 60 * MINUTE);
    expect(scenario.modes).toEqual(['centralized', 'shared']);
    expect(scenario.rollups[1].block_time).toBe(5 * SECOND);
    expect(scenario.rollups[0].capacity).toBe(7);
    expect(scenario.network.jitter).toBe(1 * MS);
  });

  it('applies overrides in order, the last one winning', () => {
    const { scenario } = loadScenario(fixture('minimal.yaml'), { set: ['runs=3', 'runs=4'] });
    expect(scenario.runs).toBe(4);
  });

  it('creates missing mappings on the way', () => {
    const { scenario } = loadScenario(fixture('minimal.yaml'), { set: ['output.batch_rows=10'] });
    expect(scenario.output.batch_rows).toBe(10);
  });

  it('parses both path spellings to the same segments', () => {
    expect(parseOverridePath('rollups[1].block_time')).toEqual(['rollups', 1, 'block_time']);
    expect(parseOverridePath('rollups.1.block_time')).toEqual(['rollups', 1, 'block_time']);
    expect(parseOverridePath('a..b')).toBeUndefined();
    expect(parseOverridePath('__proto__.x')).toBeUndefined();
  });
});

describe('scenario hash', () => {
  it('is stable under key order and formatting', () => {
    const a = loadScenario(fixture('minimal.yaml'));
    const b = loadScenario(fixture('reordered.yaml'));
    expect(a.files[0].sha256).not.toBe(b.files[0].sha256); // different bytes…
    expect(a.sha256).toBe(b.sha256); // …same scenario
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with a --set, and not with a --set to the value already there', () => {
    const base = loadScenario(fixture('minimal.yaml')).sha256;
    expect(loadScenario(fixture('minimal.yaml'), { set: ['runs=2'] }).sha256).not.toBe(base);
    expect(loadScenario(fixture('minimal.yaml'), { set: ['horizon=5m'] }).sha256).toBe(base);
  });

  it('canonical JSON sorts keys at every depth and keeps list order', () => {
    expect(canonicalJson({ b: [2, { d: 1, c: 0 }], a: 'x' })).toBe('{"a":"x","b":[2,{"c":0,"d":1}]}');
  });
});

describe('bad scenarios give a ScenarioError naming file, position, field, expected and found', () => {
  it('YAML syntax error, with line and column', () => {
    const err = loadError(fixture('bad-syntax.yaml'));
    expect(err.message).toMatch(/bad-syntax\.yaml:\d+:\d+: YAML syntax error/);
    expect(err.issues[0].line).toBeGreaterThanOrEqual(3);
    expect(err.file).toBe(fixture('bad-syntax.yaml'));
  });

  it('unknown top-level key, with did-you-mean', () => {
    const err = loadError(fixture('bad-unknown-key.yaml'));
    expect(err.message).toContain(`${fixture('bad-unknown-key.yaml')}:2:1: unknown key "horizn" (did you mean "horizon"?)`);
  });

  it('unknown nested key, with its path and did-you-mean', () => {
    const err = loadError(fixture('bad-nested-key.yaml'));
    expect(err.message).toContain(`${fixture('bad-nested-key.yaml')}:5:5: rollups[0].blok_time: unknown key "blok_time" (did you mean "block_time"?)`);
    // The now-missing required field is reported in the same pass.
    expect(err.message).toContain('rollups[0].block_time: expected a duration');
    expect(err.message.split('\n')[0]).toMatch(/2 problems/);
    expect(err.issues).toHaveLength(2);
  });

  it('a value that is not a duration', () => {
    const err = loadError(fixture('bad-duration.yaml'));
    expect(err.message).toBe(
      `${fixture('bad-duration.yaml')}:7:17: rollups[1].block_time: expected a duration like "250ms", "2s" or "6h", found "fast"`,
    );
    expect(err.issues).toEqual([
      {
        path: 'rollups[1].block_time',
        file: fixture('bad-duration.yaml'),
        line: 7,
        col: 17,
        message: 'expected a duration like "250ms", "2s" or "6h", found "fast"',
      },
    ]);
  });

  it('wrong type', () => {
    const err = loadError(fixture('bad-type.yaml'));
    expect(err.message).toBe(`${fixture('bad-type.yaml')}:3:7: runs: expected a whole number of runs, found "three"`);
  });

  it('negative and zero rates, both reported', () => {
    const err = loadError(fixture('bad-rate.yaml'));
    expect(err.message).toContain(`${fixture('bad-rate.yaml')}:8:15: rollups[0].users[0].rate: expected a rate greater than 0 transactions per second, found -2`);
    expect(err.message).toContain(`${fixture('bad-rate.yaml')}:10:15: rollups[0].users[1].rate: expected a rate greater than 0 transactions per second, found 0`);
  });

  it('horizon past 30 days', () => {
    const err = loadError(fixture('bad-horizon.yaml'));
    expect(err.message).toBe(`${fixture('bad-horizon.yaml')}:2:10: horizon: expected a duration of at most 30d, found "31d"`);
  });

  it('warmup not shorter than horizon, reported at warmup', () => {
    const err = loadError(fixture('bad-warmup.yaml'));
    expect(err.message).toBe(`${fixture('bad-warmup.yaml')}:3:9: warmup: expected a warmup shorter than the horizon (5m), found "5m"`);
    expect(err.issues[0].path).toBe('warmup');
  });

  it('duplicate rollup id, reported at the second one', () => {
    const err = loadError(fixture('bad-duplicate-id.yaml'));
    expect(err.message).toBe(`${fixture('bad-duplicate-id.yaml')}:6:9: rollups[1].id: expected a unique rollup id (index 0 already uses it), found "a"`);
  });

  it('unknown mode, with did-you-mean', () => {
    const err = loadError(fixture('bad-mode.yaml'));
    expect(err.message).toBe(`${fixture('bad-mode.yaml')}:3:22: modes[1]: expected one of "centralized", "shared", found "shraed" (did you mean "shared"?)`);
  });

  it('a YAML tag that would construct something is refused', () => {
    const err = loadError(fixture('bad-tag.yaml'));
    expect(err.message).toMatch(/bad-tag\.yaml:2:10: .*tag/);
  });

  it('missing extends file: names the including file, its line and the missing path', () => {
    const err = loadError(fixture('bad-missing-extends.yaml'));
    expect(err.message).toBe(
      `${fixture('bad-missing-extends.yaml')}:1:10: extends: cannot read extended file "does-not-exist.yaml" (${fixture('does-not-exist.yaml')}): no such file`,
    );
  });

  it('extends cycle: lists the cycle', () => {
    const err = loadError(fixture('bad-cycle-a.yaml'));
    const a = fixture('bad-cycle-a.yaml');
    const b = fixture('bad-cycle-b.yaml');
    expect(err.message).toBe(`${b}:1:10: extends: extends forms a cycle: ${a} → ${b} → ${a}`);
  });

  it('a bad value inherited from an ancestor points at the ancestor', () => {
    const err = loadError(fixture('bad-inherited.yaml'));
    expect(err.file).toBe(fixture('bad-inherited.yaml'));
    expect(err.message).toBe(
      `${fixture('bad-parent-duration.yaml')}:6:17: rollups[0].block_time: expected a duration like "250ms", "2s" or "6h", found "soon"`,
    );
  });

  it('missing or unreadable scenario file', () => {
    expect(loadError(fixture('no-such-file.yaml')).message).toBe(`${fixture('no-such-file.yaml')}: cannot read the scenario file: no such file`);
    expect(loadError(FIXTURES).message).toContain('cannot read the scenario file');
  });

  it('a file that is not YAML or JSON', () => {
    const err = loadError(fixture('not-a-scenario.txt'));
    expect(err.message).toBe(`${fixture('not-a-scenario.txt')}: expected a .yaml, .yml or .json scenario file, found "not-a-scenario.txt"`);
  });

  it('a bad --set value names the --set argument instead of a file position', () => {
    const err = loadError('scenarios/default.yaml', { set: ['rollups[1].block_time=fast'] });
    expect(err.message).toBe(
      'scenarios/default.yaml: --set rollups[1].block_time=fast: rollups[1].block_time: expected a duration like "250ms", "2s" or "6h", found "fast"',
    );
    expect(err.issues[0].set).toBe('rollups[1].block_time=fast');
  });

  it('a --set of an unknown key suggests the right one', () => {
    const err = loadError('scenarios/default.yaml', { set: ['network.jiter=1ms'] });
    expect(err.message).toBe('scenarios/default.yaml: --set network.jiter=1ms: network.jiter: unknown key "jiter" (did you mean "jitter"?)');
  });

  it('malformed --set arguments and missing list indexes', () => {
    expect(loadError(fixture('minimal.yaml'), { set: ['runs'] }).message).toMatch(/^test\/fixtures\/scenarios\/minimal\.yaml: --set runs: expected path=value/);
    expect(loadError(fixture('minimal.yaml'), { set: ['a..b=1'] }).message).toMatch(/minimal\.yaml: --set a\.\.b=1: expected a field path/);
    expect(loadError(fixture('minimal.yaml'), { set: ['rollups[3].block_time=1s'] }).message).toBe(
      `${fixture('minimal.yaml')}: --set rollups[3].block_time=1s: rollups[3].block_time: rollups has 1 entry; there is no index 3 to set`,
    );
    expect(loadError(fixture('minimal.yaml'), { set: ['horizon.x=1'] }).message).toBe(
      `${fixture('minimal.yaml')}: --set horizon.x=1: horizon.x: cannot set key "x" in horizon: it is not a mapping, found "5m"`,
    );
    // A mapping the override created is its own: the error points at the --set, not the file.
    expect(loadError(fixture('minimal.yaml'), { set: ['runs.x=1'] }).message).toBe(
      `${fixture('minimal.yaml')}: --set runs.x=1: runs: expected a whole number of runs, found {"x":1}`,
    );
  });

  it('errors carry structured fields for --json', () => {
    const json = JSON.parse(JSON.stringify(loadError(fixture('bad-duration.yaml'))));
    expect(json).toMatchObject({ error: 'ScenarioError', file: fixture('bad-duration.yaml'), issues: [{ path: 'rollups[1].block_time', line: 7, col: 17 }] });
  });
});

describe('parseScenarioText', () => {
  it('uses the given name for messages and format', () => {
    expect(() => parseScenarioText('{"name": "x", "horizon": 5}', 'inline.json')).toThrow(/^ {2}inline\.json:1:26: horizon: expected a duration.*found 5$/m);
    expect(parseScenarioText('name: x\nhorizon: 1s\nrollups: [{id: a, block_time: 1s}]\n', 'inline.yaml').scenario.horizon).toBe(SECOND);
  });

  it('rejects an empty document and a top-level list', () => {
    expect(() => parseScenarioText('', 'empty.yaml')).toThrow(/empty\.yaml.*expected a mapping of scenario fields.*found an empty document/);
    expect(() => parseScenarioText('- a\n', 'list.yaml')).toThrow(/found a list/);
  });

  it('rejects duplicate keys', () => {
    expect(() => parseScenarioText('name: x\nname: y\n', 'dup.yaml')).toThrow(/dup\.yaml:2:1: YAML syntax error: Map keys must be unique/);
  });
});

describe('helpers', () => {
  it('formats paths with brackets for indexes', () => {
    expect(formatPath(['rollups', 1, 'users', 0, 'rate'])).toBe('rollups[1].users[0].rate');
    expect(formatPath([])).toBe('');
  });

  it('suggests only close keys', () => {
    expect(closestMatch('horizn', ['horizon', 'warmup'])).toBe('horizon');
    expect(closestMatch('zzz', ['horizon', 'warmup'])).toBeUndefined();
  });

  it('deepMerge does not alias its inputs', () => {
    const parent = { a: { b: [1] } };
    const merged = deepMerge(parent, { a: { c: 2 } }) as { a: { b: number[] } };
    merged.a.b.push(9);
    expect(parent.a.b).toEqual([1]);
  });
});

describe('JSON Schema', () => {
  it('describes the input side: durations are strings, every field has a description', () => {
    const schema = scenarioJsonSchema() as any;
    expect(schema.$id).toMatch(/scenario/);
    expect(schema.title).toBe('seqsim scenario');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'horizon', 'rollups']));
    const rollup = schema.properties.rollups.items;
    expect(rollup.properties.block_time.type).toBe('string');
    expect(rollup.properties.block_time.description).toMatch(/µs in the resolved scenario/);
    expect(schema.properties.network.properties.jitter.default).toBe('0s');
    expect(schema.properties.extends).toBeDefined();
    for (const [key, field] of Object.entries(schema.properties as Record<string, { description?: string }>))
      expect(field.description, key).toBeTruthy();
    expect(JSON.stringify(schema)).toContain('"block_time"');
  });
});
