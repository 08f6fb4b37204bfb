// Where every bp of a user's slippage went: the execution drift split by counterfactual replays
// into ordering (other users ahead), latency (arbitrageurs following the reference price while the
// swap was in flight), MEV (swaps inserted ahead) and other (rounding, evicted log entries).
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../sim/index.ts';
import { amountInFor, amountOut, createPool, swapExactIn, swapExactOut, type FeeMode, type Side } from '../sim/model/market/amm.ts';
import { MarketPool } from '../sim/model/market/marketPool.ts';
import { ModelEvents } from '../sim/model/events.ts';
import type { ReferenceFeed } from '../sim/model/market/feed.ts';
import { seeState, type AgentKind, type SeenState } from '../sim/model/market/swap.ts';
import { newTx } from '../sim/model/tx.ts';
import { MarketRecorder } from '../sim/metrics/markets.ts';
import { RunReport, type MetricRow } from '../sim/metrics/rows.ts';
import { inlineScenario } from './util/scenario.ts';

type TradeRow = Record<string, number | string | bigint | null>;
const num = (r: TradeRow, k: string) => r[k] as number;

async function tradeRows(input: Parameters<typeof inlineScenario>[0]): Promise<{ trades: TradeRow[]; metrics: TradeRow[] }> {
  const { tables, runs } = await runScenario(inlineScenario(input));
  for (const r of runs) expect(r.status).toBe('ok');
  return {
    trades: tables.trades.toArray().map((r) => r.toJSON() as TradeRow),
    metrics: tables.metrics.toArray().map((r) => r.toJSON() as TradeRow),
  };
}

interface WorldOptions {
  feeMode?: FeeMode;
  fee?: number;
  block?: string;
  arbs?: boolean;
  traders?: { name: string; rate: number; size?: number }[];
  horizon?: string;
}

function world(o: WorldOptions = {}) {
  return {
    name: 'slippage',
    horizon: o.horizon ?? '3m',
    network: { base_latency: '30ms', jitter: '10ms' },
    assets: [{ id: 'eth', price: 3000, vol: 0.8 }],
    rollups: [
      {
        id: 'r',
        block_time: o.block ?? '1s',
        pools: [{ id: 'p', asset: 'eth', liquidity_usd: 2e6, fee_bps: o.fee ?? 30, fee_mode: o.feeMode ?? 'external' }],
        traders: (o.traders ?? [{ name: 'retail', rate: 3 }, { name: 'whales', rate: 0.5, size: 40_000 }]).map((t) => ({
          name: t.name, pool: 'p', rate: t.rate, size_usd: t.size ?? 5000, size_sigma: 1.5, slippage_bps: 300, exact_out_fraction: 0.3,
        })),
        arbitrageurs: o.arbs === false ? [] : [{ name: 'arb', latency: '200ms' }],
      },
    ],
  };
}

const userOk = (t: TradeRow) => t.agent_kind === 'noise' && t.status === 'ok';
const PARTS = ['ordering_bps', 'latency_bps', 'mev_bps', 'other_bps'] as const;

/** Every row: the parts add up, `other` is rounding, and rows that are not successful user swaps carry no split. */
function expectExactSplit(trades: TradeRow[]): TradeRow[] {
  const users = trades.filter(userOk);
  for (const t of trades) {
    if (userOk(t)) continue;
    for (const k of PARTS) expect(t[k]).toBeNull();
  }
  for (const t of users) {
    const [o, l, m, x] = PARTS.map((k) => num(t, k));
    expect(Math.abs(num(t, 'fee_bps') + num(t, 'impact_bps') + o + l + m + x - num(t, 'slippage_bps'))).toBeLessThan(1e-9);
    expect(Math.abs(o + l + m + x - num(t, 'execution_drift_bps'))).toBeLessThan(1e-9);
    expect(Math.abs(x)).toBeLessThan(1e-6);
    // When anything executed in between, the replay of all of it reproduces the execution bit for bit.
    if (t.mid_seen !== t.mid_before) expect(x).toBe(0);
  }
  return users;
}

/**
 * Whether another successful user swap executed between this row's decision and its execution,
 * read from the table alone (rows are in execution order).
 */
function otherUserInWindow(trades: TradeRow[], i: number): boolean {
  const decided = num(trades[i], 'decided_us');
  for (let j = i - 1; j >= 0 && num(trades[j], 'executed_us') > decided; j--) if (userOk(trades[j])) return true;
  return false;
}

describe('execution drift split by counterfactual replay, through the simulator', () => {
  for (const feeMode of ['external', 'in_pool'] as const) {
    it(`${feeMode} fees: on every user swap slippage = fee + impact + ordering + latency + mev + other, other < 1e-6 bps`, async () => {
      const { trades, metrics } = await tradeRows(world({ feeMode }));
      const users = expectExactSplit(trades);
      expect(users.length).toBeGreaterThan(400);
      // Not vacuous: both users and arbitrageurs moved pools under pending user swaps.
      expect(users.filter((t) => Math.abs(num(t, 'ordering_bps')) > 0.01).length).toBeGreaterThan(50);
      expect(users.filter((t) => Math.abs(num(t, 'latency_bps')) > 0.01).length).toBeGreaterThan(50);
      // No searchers or extractive sequencer here: nothing is attributed to MEV.
      for (const t of users) expect(t.mev_bps).toBe(0);
      // Per-pool metrics beside the existing ones.
      const metric = (name: string) => metrics.find((m) => m.metric === name && m.subject === 'p')?.value as number;
      for (const part of ['ordering', 'latency', 'mev', 'other']) for (const stat of ['mean', 'p50', 'p99']) expect(Number.isFinite(metric(`slippage.${part}_bps.${stat}`))).toBe(true);
      expect(metric('slippage.fee_bps.mean')).toBeGreaterThan(29.99);
      expect(metric('slippage.unreplayed')).toBe(0);
      // Same sample for every metric mean: the parts' means add up to the drift's.
      const drift = metric('slippage.execution_drift_bps.mean');
      const parts = metric('slippage.ordering_bps.mean') + metric('slippage.latency_bps.mean') + metric('slippage.mev_bps.mean') + metric('slippage.other_bps.mean');
      expect(Math.abs(parts - drift)).toBeLessThan(1e-9);
    });
  }

  it('without arbitrageurs the latency part is exactly 0; ordering is non-zero exactly when another user swap executed in the window', async () => {
    const { trades } = await tradeRows(world({ arbs: false }));
    const users = expectExactSplit(trades);
    let inWindow = 0;
    trades.forEach((t, i) => {
      if (!userOk(t)) return;
      expect(t.latency_bps).toBe(0);
      expect(t.mev_bps).toBe(0);
      if (otherUserInWindow(trades, i)) {
        inWindow++;
        expect(t.ordering_bps).not.toBe(0);
        // No one else moved the pool, and other is exactly 0 then: the drift is ordering.
        expect(Math.abs(num(t, 'ordering_bps') - num(t, 'execution_drift_bps'))).toBeLessThan(1e-9);
      } else {
        expect(t.ordering_bps).toBe(0);
      }
    });
    expect(inWindow).toBeGreaterThan(100);
    expect(users.length - inWindow).toBeGreaterThan(50);
  });

  it('a single user population trading alone, with arbitrageurs: ordering is 0 whenever no other of its swaps is in flight, the drift is latency', async () => {
    // One slow population on fast blocks: its swaps are almost never in flight together (a Poisson
    // stream of users still overlaps now and then: those rows are checked apart).
    const { trades } = await tradeRows(world({ traders: [{ name: 'alone', rate: 0.05 }], block: '250ms', horizon: '2h' }));
    expectExactSplit(trades);
    let alone = 0;
    let overlapping = 0;
    trades.forEach((t, i) => {
      if (!userOk(t)) return;
      expect(t.mev_bps).toBe(0);
      if (otherUserInWindow(trades, i)) {
        overlapping++;
        expect(t.ordering_bps).not.toBe(0);
        return;
      }
      alone++;
      expect(t.ordering_bps).toBe(0);
      expect(Math.abs(num(t, 'latency_bps') - num(t, 'execution_drift_bps'))).toBeLessThan(1e-6);
    });
    expect(alone).toBeGreaterThan(250);
    expect(overlapping).toBeLessThan(0.05 * alone);
    expect(trades.filter((t) => userOk(t) && Math.abs(num(t, 'latency_bps')) > 0.01).length).toBeGreaterThan(10);
  });

  for (const feeMode of ['external', 'in_pool'] as const) {
    it(`${feeMode} fees: two users deciding on the same state, executed in one block — the second's ordering is the first's effect by the closed form`, async () => {
      const f = 30 / 1e4;
      // No arbitrageurs, long blocks, frequent users: many blocks hold several swaps decided on the same state.
      const { trades } = await tradeRows(world({ feeMode, arbs: false, block: '12s', traders: [{ name: 'retail', rate: 1, size: 20_000 }], horizon: '20m' }));
      expectExactSplit(trades);
      const ok = trades.filter(userOk);
      let checked = 0;
      let sizeable = 0;
      for (let i = 0; i + 1 < ok.length; i++) {
        const [a, b] = [ok[i], ok[i + 1]];
        const firstOfBlock = i === 0 || num(ok[i - 1], 'executed_us') !== num(a, 'executed_us');
        if (!firstOfBlock || num(b, 'executed_us') !== num(a, 'executed_us')) continue;
        // Both decided on the state the block started from.
        if (!(a.mid_seen === a.mid_before && b.mid_seen === a.mid_seen)) continue;
        // Reserves before the block, from its first swap's row: x(P + m) = V, y = m·x.
        const m = num(a, 'mid_before');
        const x = num(a, 'pool_value_usd') / (num(a, 'ref_executed') + m);
        const y = m * x;
        // The first swap, by the closed form: what it took out and put in (the gross input in_pool).
        const aIn = num(a, 'amount_in');
        const aOut = num(a, 'amount_out');
        const aEnters = feeMode === 'in_pool' ? aIn : aIn * (1 - f);
        const [x1, y1] = a.side === 'buy' ? [x - aOut, y + aEnters] : [x + aEnters, y - aOut];
        // The second swap quoted before and after it.
        const side = b.side as Side;
        const [rIn, rOut, rIn1, rOut1] = side === 'buy' ? [y, x, y1, x1] : [x, y, x1, y1];
        let expected: number;
        if (b.exact === 'in') {
          const amt = num(b, 'amount_in');
          const ideal = side === 'buy' ? amt / m : amt * m;
          expected = ((amountOut(amt, rIn, rOut, 30) - amountOut(amt, rIn1, rOut1, 30)) / ideal) * 1e4;
        } else {
          const amt = num(b, 'amount_out');
          const ideal = side === 'buy' ? amt * m : amt / m;
          expected = ((amountInFor(amt, rIn1, rOut1, 30) - amountInFor(amt, rIn, rOut, 30)) / ideal) * 1e4;
        }
        expect(a.ordering_bps).toBe(0);
        expect(Math.abs(num(b, 'ordering_bps') - expected)).toBeLessThan(1e-6);
        // Same side ahead: worse; opposite side: better.
        if (Math.abs(expected) > 1e-3) expect(Math.sign(num(b, 'ordering_bps'))).toBe(a.side === b.side ? 1 : -1);
        checked++;
        if (Math.abs(expected) > 1) sizeable++;
      }
      expect(checked).toBeGreaterThan(20);
      expect(sizeable).toBeGreaterThan(5);
    });
  }

  it('default scenario: the parts add up on every user swap and other is rounding', async () => {
    const { tables, runs } = await runScenario(loadScenario('scenarios/default.yaml'));
    for (const r of runs) expect(r.status).toBe('ok');
    const trades = tables.trades.toArray().map((r) => r.toJSON() as TradeRow);
    const users = expectExactSplit(trades);
    expect(users.length).toBeGreaterThan(1000);
    const meanAbsOther = users.reduce((s, t) => s + Math.abs(num(t, 'other_bps')), 0) / users.length;
    // Measured: ≈ 2.4e-9 bps (only swaps that met the very state they saw have a non-zero other).
    expect(meanAbsOther).toBeLessThan(1e-7);
  });
});

// ─── The recorder driven by hand: every kind of swap ahead, and an evicted window ─────────────────

function handMarket(feeMode: FeeMode): { market: MarketPool; events: ModelEvents } {
  const pool = createPool({ reserveBase: 1000, reserveQuote: 3_000_000, feeBps: 30, feeMode });
  const feed = { price: 3000, priceAt: () => 3000 } as unknown as ReferenceFeed;
  const events = new ModelEvents();
  return { market: new MarketPool('p', 0, 0, feed, pool, events), events };
}

function handRecorder({ market, events }: { market: MarketPool; events: ModelEvents }, logCapacity?: number) {
  const rows: TradeRow[] = [];
  const recorder = new MarketRecorder(['r'], [market], 0, { append: (r) => rows.push(r as TradeRow) }, events, logCapacity);
  let txId = 0;
  const exec = (agentKind: AgentKind, side: Side, exact: 'in' | 'out', amount: number, seen: SeenState = seeState(market, 0)) => {
    const midBefore = market.pool.reserveQuote / market.pool.reserveBase;
    const result = exact === 'in' ? swapExactIn(market.pool, side, amount) : swapExactOut(market.pool, side, amount);
    expect(result.ok).toBe(true);
    market.executed({ market, agentKind, agent: agentKind, tx: newTx(txId++, 0, agentKind, 0), executedUs: 1, seen, side, exact, result, midBefore, refExecuted: 3000, poolValueUsd: 6e6, gasUsd: 0 });
    return rows[rows.length - 1];
  };
  return { rows, recorder, exec };
}

describe('the split with every kind of swap ahead (recorder driven by hand)', () => {
  for (const feeMode of ['external', 'in_pool'] as const) {
    it(`${feeMode} fees: user, arbitrageur, searcher and sequencer swaps ahead land in ordering, latency and mev`, () => {
      const hand = handMarket(feeMode);
      const market = hand.market;
      const { exec } = handRecorder(hand);
      exec('noise', 'sell', 'in', 3); // before the decision: not in the window
      const seen = seeState(market, 0);
      const ideal = 30_000 / (seen.reserveQuote / seen.reserveBase);
      const start = seen.reserveQuote / seen.reserveBase;
      // Interleaved on purpose: each replay keeps the order of execution.
      const ahead: [AgentKind, Side, number][] = [['noise', 'buy', 20_000], ['arbitrageur', 'sell', 2], ['searcher', 'buy', 50_000], ['noise', 'sell', 1], ['sequencer', 'buy', 10_000]];
      for (const [kind, side, a] of ahead) exec(kind, side, 'in', a);
      const row = exec('noise', 'buy', 'in', 30_000, seen);
      // Independent closed forms, from the reserves seen.
      const pick = (kinds: AgentKind[]) => ahead.filter(([k]) => kinds.includes(k)).map(([, s, a]) => [s, a] as [Side, number]);
      const x0 = seen.reserveBase;
      const y0 = seen.reserveQuote;
      expect(start).toBe(y0 / x0);
      const q0 = amountOut(30_000, y0, x0, 30);
      const from = (steps: [Side, number][]) => {
        const keep = 1 - 30 / 1e4;
        let [x, y] = [x0, y0];
        for (const [side, a] of steps) {
          const enters = feeMode === 'in_pool' ? a : a * keep;
          if (side === 'buy') { const out = amountOut(a, y, x, 30); [x, y] = [x - out, y + enters]; } else { const out = amountOut(a, x, y, 30); [x, y] = [x + enters, y - out]; }
        }
        return amountOut(30_000, y, x, 30);
      };
      const qA = from(pick(['noise']));
      const qB = from(pick(['noise', 'arbitrageur']));
      const qC = from(pick(['noise', 'arbitrageur', 'searcher', 'sequencer']));
      const bps = (v: number) => (v / ideal) * 1e4;
      expect(Math.abs(num(row, 'ordering_bps') - bps(q0 - qA))).toBeLessThan(1e-7);
      expect(Math.abs(num(row, 'latency_bps') - bps(qA - qB))).toBeLessThan(1e-7);
      expect(Math.abs(num(row, 'mev_bps') - bps(qB - qC))).toBeLessThan(1e-7);
      expect(num(row, 'mev_bps')).toBeGreaterThan(10); // front-runs on the same side cost the user
      expect(row.other_bps).toBe(0); // the full replay is the execution, bit for bit
      expect(Math.abs(PARTS.reduce((s, k) => s + num(row, k), 0) - num(row, 'execution_drift_bps'))).toBeLessThan(1e-9);
    });
  }

  it('an exact-out user swap and exact-out swaps ahead: the parts are the extra input, other is exactly 0', () => {
    const hand = handMarket('external');
    const market = hand.market;
    const { exec } = handRecorder(hand);
    const seen = seeState(market, 0);
    exec('noise', 'buy', 'out', 5, seen);
    exec('arbitrageur', 'sell', 'in', 3);
    const row = exec('noise', 'buy', 'out', 10, seen);
    const ideal = 10 * (seen.reserveQuote / seen.reserveBase);
    const inSeen = amountInFor(10, seen.reserveQuote, seen.reserveBase, 30);
    // After the first user's exact-out buy of 5: base − 5, quote + its net input.
    const net5 = amountInFor(5, seen.reserveQuote, seen.reserveBase, 30) * (1 - 30 / 1e4);
    const inA = amountInFor(10, seen.reserveQuote + net5, seen.reserveBase - 5, 30);
    expect(Math.abs(num(row, 'ordering_bps') - ((inA - inSeen) / ideal) * 1e4)).toBeLessThan(1e-7);
    expect(num(row, 'ordering_bps')).toBeGreaterThan(0);
    expect(num(row, 'latency_bps')).toBeLessThan(0); // the arbitrageur sold base: cheaper for a buyer
    expect(row.mev_bps).toBe(0);
    expect(row.other_bps).toBe(0);
  });

  it('a window no longer in the log: nothing is attributed, the whole drift is other, and it is counted', () => {
    const run = (capacity: number) => {
      const hand = handMarket('external');
      const market = hand.market;
      const { exec, recorder } = handRecorder(hand, capacity);
      const seen = seeState(market, 0);
      for (const a of [1000, 2000, 3000]) exec('noise', 'buy', 'in', a);
      const row = exec('noise', 'buy', 'in', 5000, seen);
      const report = new RunReport();
      recorder.finish(86_400_000_000, report);
      const metrics: MetricRow[] = report.metrics;
      return { row, unreplayed: metrics.find((m) => m.metric === 'slippage.unreplayed')!.value };
    };
    const kept = run(4); // 3 swaps in the window: all still there
    expect(num(kept.row, 'ordering_bps')).toBeGreaterThan(1);
    expect(kept.row.other_bps).toBe(0);
    expect(kept.unreplayed).toBe(0);
    const evicted = run(2); // the first of them is gone
    expect(evicted.row.ordering_bps).toBe(0);
    expect(evicted.row.latency_bps).toBe(0);
    expect(evicted.row.mev_bps).toBe(0);
    expect(evicted.row.other_bps).toBe(evicted.row.execution_drift_bps);
    expect(num(evicted.row, 'execution_drift_bps')).toBeCloseTo(num(kept.row, 'execution_drift_bps'), 12);
    expect(evicted.unreplayed).toBe(1);
  });
});
