// The risk engine in the sequencer (issue 12 §6), through the simulator, on the documented-outage
// world (a 78-minute outage while ETH falls 10%) plus a market whose collateral sits on another
// rollup. What it promises, checked on every block: no block it makes ends with a covered position
// that could be liquidated (unless the block or its per-block budget is full) — where liquidators
// leave such positions for a later block. What it cannot do: it is down with its sequencer, and a
// fallback sequencer's blocks carry none of its liquidations. Which markets it covers follows from
// what its sequencer orders, in either mode: a rollup's own sequencer cannot cover a market whose
// collateral is on another rollup; a shared set over both can.
import { describe, expect, it } from 'vitest';
import { buildWorld, type Mode } from '../sim/world/build.ts';
import { attachRecorders, NULL_SINKS } from '../sim/metrics/attach.ts';
import { RISK_ENGINE } from '../sim/model/lending/riskEngine.ts';
import { inlineScenario } from './util/scenario.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';

const MIN = 60_000_000;
const OUTAGE = { at: 20 * MIN, until: 98 * MIN };

function world(engine: boolean, fallback = false): ScenarioInput {
  const riskEngine = engine ? { risk_engine: { max_per_block: 50 } } : {};
  return {
    name: 'risk-engine',
    seed: 4,
    horizon: '2h',
    warmup: '0s',
    modes: ['centralized', 'shared'],
    network: { base_latency: '50ms', jitter: '10ms' },
    assets: [{ id: 'eth', file: 'scenarios/data/eth-10pct-fall-78m.csv', tick: '1s' }],
    rollups: [
      { id: 'fast', block_time: '250ms', pools: [{ id: 'p', asset: 'eth', liquidity_usd: 2e7, fee_bps: 5 }], arbitrageurs: [{ name: 'arb', latency: '5ms', gas_usd: 0.05 }] },
      { id: 'slow', block_time: '2s', pools: [{ id: 'p', asset: 'eth', liquidity_usd: 1e7, fee_bps: 30 }], arbitrageurs: [{ name: 'arb', latency: '5ms', gas_usd: 0.05 }] },
    ],
    sequencing: {
      centralized: { policy: 'priority', ...riskEngine },
      shared: { preset: 'espresso', nodes: 4, policy: 'priority', ...riskEngine, ...(fallback ? { fallback_after: '5m' } : {}) },
    },
    faults: { outages: [{ rollup: 'fast', at: '20m', duration: '78m' }] },
    lending: {
      markets: [
        { id: 'fast-eth', rollup: 'fast', asset: 'eth', borrowers: { count: 300, hf_max: 1.3 } },
        { id: 'cross', rollup: 'fast', collateral_rollup: 'slow', asset: 'eth', borrowers: { count: 200, hf_max: 1.3 } },
      ],
      liquidators: [{ name: 'liq', latency: '20ms', fee_usd: 1 }],
    },
  } as ScenarioInput;
}

const ENGINE_TERMS = { name: RISK_ENGINE, feeUsd: 0, gasUsd: 0, minProfitUsd: 0 };

/** Runs one mode, checking at the end of every block on the markets' debt rollup which positions the engine covers could still be liquidated. */
function run(input: ScenarioInput, mode: Mode) {
  const loaded = inlineScenario(input);
  const w = buildWorld(loaded, mode, 1);
  const recorders = attachRecorders(w, NULL_SINKS);
  // The markets the engine of rollup 0's sequencer covers: debt and collateral both ordered by it.
  const ordered = w.sequencing.sequencers[0].rollups;
  const markets = w.lending.markets.filter((m) => ordered.includes(m.params.rollup) && ordered.includes(m.collateralRollup));
  const leftOver: { atUs: number; sequencer: string; market: string; full: boolean }[] = [];
  let engineInBlock = 0;
  w.events.txExecuted.on((tx) => {
    if (tx.sender === RISK_ENGINE && tx.rollup === 0) engineInBlock++;
  });
  w.events.blockExecuted.on((b) => {
    const inBlock = engineInBlock;
    engineInBlock = 0;
    if (b.rollup !== 0) return;
    for (const m of markets) {
      for (let i = 0; i < m.size; i++) {
        if (m.healthFactor(i) < 1 && typeof m.plan(i, ENGINE_TERMS, b.atUs) !== 'string') {
          leftOver.push({ atUs: b.atUs, sequencer: b.sequencer, market: m.params.id, full: b.txCount >= b.capacity || inBlock >= 50 });
          break;
        }
      }
    }
  });
  const liquidations: { liquidator: string; market: string; atUs: number }[] = [];
  w.events.liquidation.on((l) => liquidations.push({ liquidator: l.liquidator, market: l.market, atUs: l.atUs }));
  const engineTxs: { sequencer: string; rollup: number; atUs: number; status: string }[] = [];
  w.events.txExecuted.on((tx) => {
    if (tx.sender === RISK_ENGINE) engineTxs.push({ sequencer: tx.sequencer!, rollup: tx.rollup, atUs: tx.includeUs!, status: tx.status });
  });
  w.advance(loaded.scenario.horizon);
  const metrics = recorders.finish().metrics;
  const badDebt = metrics.filter((m) => m.metric === 'lending.bad_debt_usd').reduce((s, m) => s + m.value, 0);
  return { leftOver, liquidations, engineTxs, badDebt };
}

describe('a risk engine in the sequencer', () => {
  for (const mode of ['centralized', 'shared'] as const) {
    it(`${mode}: no block it makes ends with a position it could liquidate; liquidators alone leave them for later blocks`, () => {
      const withEngine = run(world(true), mode);
      const byEngine = withEngine.liquidations.filter((l) => l.liquidator === RISK_ENGINE);
      expect(byEngine.length, 'the fall puts positions under water').toBeGreaterThan(20);
      // Only where the block (or the engine's per-block budget) was full may something be left.
      expect(withEngine.leftOver.filter((l) => !l.full)).toEqual([]);
      // Nothing of the engine's runs while its sequencer is down.
      expect(withEngine.engineTxs.filter((t) => t.atUs >= OUTAGE.at && t.atUs < OUTAGE.until && t.rollup === 0)).toEqual([]);
      const without = run(world(false), mode);
      expect(without.liquidations.every((l) => l.liquidator !== RISK_ENGINE)).toBe(true);
      expect(without.leftOver.length, 'liquidators need a block to see a position under water').toBeGreaterThan(5);
      console.log(`${mode}: bad debt with engine ${withEngine.badDebt.toFixed(0)} USD, without ${without.badDebt.toFixed(0)} USD; engine liquidations ${byEngine.length}; blocks left with liquidatable positions: ${withEngine.leftOver.length} (with), ${without.leftOver.length} (without)`);
    });
  }

  it('covers what its sequencer orders: a cross-rollup market only under a set that orders both rollups', () => {
    const central = run(world(true), 'centralized');
    expect(central.liquidations.filter((l) => l.market === 'cross').length).toBeGreaterThan(0);
    expect(central.liquidations.filter((l) => l.market === 'cross').every((l) => l.liquidator !== RISK_ENGINE)).toBe(true);
    const shared = run(world(true), 'shared');
    const cross = shared.liquidations.filter((l) => l.market === 'cross' && l.liquidator === RISK_ENGINE);
    expect(cross.length).toBeGreaterThan(0);
    // Each cross-rollup liquidation sells its collateral on the vault's rollup: one sale per repay, none reverted.
    const sales = shared.engineTxs.filter((t) => t.rollup === 1);
    expect(sales.length).toBe(cross.length);
    expect(sales.every((t) => t.status === 'included')).toBe(true);
  });

  it("a fallback sequencer's blocks carry none of its liquidations: it is down with the set", () => {
    const { engineTxs, liquidations } = run(world(true, true), 'shared');
    expect(engineTxs.length).toBeGreaterThan(0);
    expect(engineTxs.every((t) => t.sequencer !== 'fallback')).toBe(true);
    // During the halt the rollups run on their fallback sequencers, and liquidators do the work.
    const duringHalt = liquidations.filter((l) => l.atUs >= OUTAGE.at && l.atUs < OUTAGE.until);
    expect(duringHalt.length).toBeGreaterThan(0);
    expect(duringHalt.every((l) => l.liquidator !== RISK_ENGINE)).toBe(true);
  });
});
