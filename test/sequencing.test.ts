// Sequencing through the simulator and the CLI: FCFS ordering under binding capacity, the bundled
// shared-sequencer presets, bad sequencing input, and common random numbers across modes.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import { seqsim, tempDir, ROOT } from './util/cli.ts';
import { readArrowRows } from './util/polars.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';
import { plain, type TxRow } from './util/rows.ts';



async function txRows(input: ScenarioInput): Promise<TxRow[]> {
  const { tables } = await runScenario(inlineScenario(input));
  return tables.txs.toArray().map((r) => plain(r) as unknown as TxRow);
}

const MS = 1000;

describe('FCFS: no included transaction is ordered before one that arrived earlier at its sequencer', () => {
  const CAPACITY = 8;
  // Users reach the sequencers through a jittery network (so submission order ≠ arrival order),
  // and offered load is close to capacity (7.5 per block against 8): blocks are sometimes full
  // and a backlog carries over, so the order across blocks matters, not just within one.
  const world = (mode: 'centralized' | 'shared'): ScenarioInput => ({
    name: 'fcfs',
    horizon: '3m',
    warmup: '0s',
    modes: [mode],
    network: { base_latency: '50ms', jitter: '40ms' },
    rollups: [
      { id: 'a', block_time: '250ms', capacity: CAPACITY, users: [{ name: 'retail', rate: 10 }, { name: 'bots', rate: 20 }] },
      { id: 'b', block_time: '1s', block_time_dist: 'exponential', capacity: CAPACITY, users: [{ name: 'retail', rate: 7.5 }] },
    ],
    sequencing: {
      centralized: { policy: 'fcfs' },
      // 1 s slots carry up to 8 transactions per rollup: rollup a offers 30/s, so its blocks are
      // always full there; rollup b offers 7.5 per slot.
      shared: { policy: 'fcfs', nodes: 7, node_latency: '30ms', node_jitter: '20ms', min_slot_time: '1s' },
    },
  });

  for (const mode of ['centralized', 'shared'] as const) {
    it(`${mode}: arrive_us is non-decreasing in (block, position) order on every rollup; some blocks are full`, async () => {
      const txs = await txRows(world(mode));
      let fullBlocks = 0;
      let blocks = 0;
      let reordered = 0; // pairs whose submission order differs from their arrival order: the jitter bites
      for (const rollup of ['a', 'b']) {
        const inc = txs.filter((t) => t.rollup === rollup && t.block !== null).sort((x, y) => x.block! - y.block! || x.position! - y.position!);
        expect(inc.length, rollup).toBeGreaterThan(800);
        for (const t of inc) expect(t.policy).toBe('fcfs');
        for (let i = 1; i < inc.length; i++) {
          if (inc[i].arrive_us! < inc[i - 1].arrive_us!) {
            throw new Error(`${mode} ${rollup}: tx ${inc[i].tx_id} (block ${inc[i].block}, arrived ${inc[i].arrive_us}) ordered after tx ${inc[i - 1].tx_id} (arrived ${inc[i - 1].arrive_us})`);
          }
          if (inc[i].submit_us < inc[i - 1].submit_us) reordered++;
        }
        const perBlock = new Map<number, number>();
        for (const t of inc) perBlock.set(t.block!, (perBlock.get(t.block!) ?? 0) + 1);
        for (const c of perBlock.values()) {
          expect(c).toBeLessThanOrEqual(CAPACITY);
          if (c === CAPACITY) fullBlocks++;
        }
        blocks += perBlock.size;
      }
      console.log(`${mode}: ${fullBlocks} of ${blocks} non-empty blocks full; ${reordered} adjacent pairs out of submission order`);
      expect(fullBlocks).toBeGreaterThan(20);
      expect(fullBlocks).toBeLessThan(blocks); // capacity binds sometimes, not always
      expect(reordered).toBeGreaterThan(20);
    });
  }
});

describe('common random numbers: the exogenous flow does not depend on the mode', () => {
  it('users only: identical tx ids, senders, submit times and network delays under centralized and shared', async () => {
    const input: ScenarioInput = {
      name: 'crn',
      horizon: '2m',
      modes: ['centralized', 'shared'],
      network: { base_latency: '50ms', jitter: '20ms' },
      rollups: [
        { id: 'a', block_time: '250ms', users: [{ name: 'retail', rate: 5 }, { name: 'bots', rate: 10 }] },
        { id: 'b', block_time: '2s', block_time_dist: 'exponential', users: [{ name: 'retail', rate: 3 }] },
      ],
    };
    const txs = await txRows(input);
    const flow = (mode: string) =>
      txs
        .filter((t) => t.mode === mode)
        .sort((x, y) => x.tx_id - y.tx_id)
        .map((t) => [t.tx_id, t.rollup, t.sender, t.submit_us, t.arrive_us! - t.submit_us, t.fee_usd]);
    const c = flow('centralized');
    const s = flow('shared');
    expect(c.length).toBeGreaterThan(2000);
    expect(s).toEqual(c);
    // ...while what the sequencers did differs.
    const inc = (mode: string) => txs.filter((t) => t.mode === mode).map((t) => t.include_us);
    expect(inc('shared')).not.toEqual(inc('centralized'));
  });

  it('the base world with markets: users and noise traders submit at the same times under both modes', async () => {
    const out = tempDir();
    const r = seqsim(['run', join(ROOT, 'scenarios/espresso.yaml'), '-o', out, '--set', 'horizon=2m', '--set', 'runs=1', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const txs = readArrowRows(join(out, 'txs.arrow'));
    // Arbitrageurs react to what the sequencers did, so they are endogenous; everyone else is not.
    const flow = (mode: string) =>
      txs
        .filter((t) => t.mode === mode && t.sender !== 'arb')
        .map((t) => `${t.rollup}/${t.sender}/${t.submit_us}/${Number(t.arrive_us) - Number(t.submit_us)}`)
        .sort();
    const c = flow('centralized');
    expect(c.length).toBeGreaterThan(1000);
    expect(flow('shared')).toEqual(c);
  });
});

describe('bundled presets: each validates and runs both modes', () => {
  const FAST = ['--set', 'horizon=2m', '--set', 'runs=1', '--quiet'];
  type Row = Record<string, unknown>;
  const runPreset = (name: string, extra: string[] = []): { metrics: Row[]; txs: Row[] } => {
    const file = join(ROOT, `scenarios/${name}.yaml`);
    expect(seqsim(['validate', file]).code).toBe(0);
    const out = tempDir();
    const r = seqsim(['run', file, '-o', out, ...FAST, ...extra]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const runs = readArrowRows(join(out, 'runs.arrow'));
    expect(runs.map((x) => [x.mode, x.status])).toEqual([
      ['centralized', 'ok'],
      ['shared', 'ok'],
    ]);
    return { metrics: readArrowRows(join(out, 'metrics.arrow')), txs: readArrowRows(join(out, 'txs.arrow')) };
  };
  const sharedMetric = (metrics: Row[], name: string) => {
    const m = metrics.filter((x) => x.mode === 'shared' && x.metric === name && x.rollup === null);
    expect(m.length, name).toBe(1);
    return m[0].value as number;
  };
  const setTxs = (txs: Row[]) => txs.filter((t) => t.mode === 'shared' && String(t.sequencer).startsWith('node-'));

  const presets: Record<string, { metrics: Row[]; txs: Row[] }> = {};
  const get = (name: string) => (presets[name] ??= runPreset(name));

  it('espresso: HotStuff-2 views of 1 s (min_slot_time), leader pre-confirmation one view + 2δ before commit, 100 rotating leaders', () => {
    const { metrics, txs } = get('espresso');
    const interval = sharedMetric(metrics, 'consensus.commit_interval_ms.mean');
    // A 100-node QC (≈ 2 × (40 ms + jitter)) is far below the 1 s floor, so views start every 1 s;
    // commits happen at the next view's QC, whose jitter telescopes out of the mean interval
    // (first-to-last QC difference over ~60 intervals: a few ms at most).
    expect(Math.abs(interval - 1000)).toBeLessThan(10);
    const inc = setTxs(txs);
    expect(inc.length).toBeGreaterThan(500);
    for (const t of inc) {
      const wait = Number(t.include_us) - Number(t.preconf_us);
      expect(wait).toBeGreaterThan(1000 * MS + 2 * 40 * MS); // M + 2δ with δ ≥ the 40 ms base
      expect(wait).toBeLessThan(1000 * MS + 2 * 1000 * MS);
    }
    const leaders = new Set(inc.map((t) => Number(String(t.sequencer).slice(5))));
    expect(Math.max(...leaders)).toBeGreaterThan(50);
    expect(txs.filter((t) => t.mode === 'centralized').every((t) => t.sequencer === null || t.sequencer === 'central')).toBe(true);
  });

  it('astria: CometBFT heights last 3δ + the 1.5 s commit timeout (longer than espresso), confirmation at commit', () => {
    const { metrics, txs } = get('astria');
    const interval = sharedMetric(metrics, 'consensus.commit_interval_ms.mean');
    const espresso = sharedMetric(get('espresso').metrics, 'consensus.commit_interval_ms.mean');
    console.log(`astria commit interval ${interval} ms vs espresso ${espresso} ms`);
    expect(interval).toBeGreaterThan(1500 + 3 * 40);
    expect(interval).toBeLessThan(1500 + 3 * 40 + 400);
    expect(interval).toBeGreaterThan(espresso);
    const inc = setTxs(txs);
    expect(inc.length).toBeGreaterThan(500);
    for (const t of inc) expect(t.preconf_us).toBe(t.include_us); // preconfirm: commit
    // Stake-weighted proposers: the four 100-power validators propose most heights.
    const big = inc.filter((t) => ['node-0', 'node-1', 'node-2', 'node-3'].includes(String(t.sequencer))).length;
    expect(big / inc.length).toBeGreaterThan(0.5);
  });

  it("radius: the shared set's transactions carry policy 'encrypted', ordered by one fixed leader", () => {
    const { txs } = get('radius');
    const shared = txs.filter((t) => t.mode === 'shared');
    expect(shared.length).toBeGreaterThan(500);
    for (const t of shared) expect(t.policy).toBe('encrypted');
    for (const t of txs.filter((t) => t.mode === 'centralized')) expect(t.policy).toBe('fcfs');
    expect(new Set(setTxs(txs).map((t) => t.sequencer))).toEqual(new Set(['node-0']));
  });

  it('a preset is data: --set sequencing.shared.nodes=7 overrides espresso’s 100 nodes', () => {
    const { txs } = runPreset('espresso', ['--set', 'sequencing.shared.nodes=7']);
    const leaders = new Set(setTxs(txs).map((t) => String(t.sequencer)));
    expect(leaders).toEqual(new Set(Array.from({ length: 7 }, (_, i) => `node-${i}`)));
  });
});

describe('bad sequencing input: exit 2, a message naming file and field path, nothing written', () => {
  const FIX = join(ROOT, 'test/fixtures/scenarios');
  const cases: { name: string; file: string; args?: string[]; expect: RegExp[] }[] = [
    { name: 'unknown preset (did you mean)', file: join(FIX, 'bad-preset.yaml'), expect: [/bad-preset\.yaml:\d+:\d+/, /sequencing\.shared\.preset/, /espreso/, /did you mean "espresso"/] },
    { name: 'a quorum that can never be met (all stakes 0)', file: join(FIX, 'bad-quorum.yaml'), expect: [/bad-quorum\.yaml:\d+:\d+/, /sequencing\.shared\.stakes/, /quorum/] },
    {
      name: 'stakes length differs from nodes',
      file: join(ROOT, 'scenarios/espresso.yaml'),
      args: ['--set', 'sequencing.shared.stakes=[1,1,1]'],
      expect: [/espresso\.yaml/, /sequencing\.shared\.stakes/, /one stake per node \(100 nodes\)/],
    },
    { name: 'a rollup in sequencing.shared.rollups that does not exist', file: join(FIX, 'bad-unknown-shared-rollup.yaml'), expect: [/bad-unknown-shared-rollup\.yaml:\d+:\d+/, /sequencing\.shared\.rollups\[1\]/, /"c"/] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const dir = tempDir();
      const out = join(dir, 'out');
      const r = seqsim(['run', c.file, '-o', out, '--quiet', ...(c.args ?? [])]);
      expect(r.code).toBe(2);
      for (const re of c.expect) expect(r.stderr).toMatch(re);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir)).toEqual([]);
      expect(seqsim(['validate', c.file, ...(c.args ?? [])]).code).toBe(2);
    });
  }
});
