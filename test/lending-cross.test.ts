// Cross-rollup collateral through the simulator: ETH collateral in a vault on rollup a backs USD
// debt in a market on rollup b, during the replay's 10% fall. A liquidation needs both legs —
// repay on b, seize and sell on a. Whether they travel as one atomic bundle or over the bridge
// is the router's (the sequencer's capability), never the mode: one shared set ordering both
// rollups executes both legs in one slot; independent sequencers — or a shared set that orders
// only b — send the collateral leg after the debt leg executed and the bridge carried the message.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import { plain } from './util/rows.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';

const S = 1_000_000;
const MIN = 60 * S;
const BONUS = 0.05;
const PROTOCOL_FEE = 0.1;

function crossWorld(over: { sharedRollups?: string[]; bridgeHalt?: boolean } = {}): ScenarioInput {
  return {
    name: 'cross-collateral',
    seed: 2,
    horizon: '2h',
    warmup: '0s',
    modes: ['centralized', 'shared'],
    network: { base_latency: '20ms', jitter: '5ms' },
    assets: [{ id: 'eth', file: 'scenarios/data/eth-10pct-fall-78m.csv', tick: '1s' }],
    rollups: [
      { id: 'a', block_time: '2s', pools: [{ id: 'p', asset: 'eth', liquidity_usd: 2e7, fee_bps: 5 }], arbitrageurs: [{ name: 'arb', latency: '5ms', gas_usd: 0.05 }] },
      { id: 'b', block_time: '1s', pools: [{ id: 'p', asset: 'eth', liquidity_usd: 2e7, fee_bps: 5 }], arbitrageurs: [{ name: 'arb', latency: '5ms', gas_usd: 0.05 }] },
    ],
    sequencing: {
      centralized: { policy: 'priority', bridge: { latency: '60s' } },
      shared: { nodes: 4, node_latency: '20ms', node_jitter: '0s', min_slot_time: '1s', policy: 'priority', ...(over.sharedRollups ? { rollups: over.sharedRollups } : {}) },
    },
    lending: {
      markets: [{ id: 'b-eth', rollup: 'b', collateral_rollup: 'a', asset: 'eth', bonus: BONUS, protocol_fee: PROTOCOL_FEE, borrowers: { count: 300, hf_max: 1.3 } }],
      liquidators: [
        { name: 'liq', latency: '5ms', fee_usd: 1 },
        { name: 'liq2', latency: '15ms', fee_usd: 2 },
      ],
    },
    faults: over.bridgeHalt ? { bridge_halts: [{ at: '40m', duration: '30m' }] } : undefined,
  };
}

async function run(input: ScenarioInput) {
  const { tables } = await runScenario(inlineScenario(input));
  const liquidators = new Set(['liq', 'liq2']);
  return {
    liquidations: tables.liquidations.toArray().map((r) => plain(r)),
    legs: tables.txs.toArray().map((r) => plain(r)).filter((t) => liquidators.has(t.sender as string)),
    sales: tables.trades.toArray().map((r) => plain(r)).filter((t) => t.agent_kind === 'liquidator'),
  };
}

/** Per liquidation: its debt leg, its bundle's collateral leg, and the sale that leg carried. */
function pairs(r: Awaited<ReturnType<typeof run>>, mode: string) {
  const legs = r.legs.filter((t) => t.mode === mode);
  const byId = new Map(legs.map((t) => [t.tx_id as number, t]));
  return r.liquidations
    .filter((l) => l.mode === mode)
    .map((l) => {
      const debt = byId.get(l.tx_id as number)!;
      const collateral = legs.find((t) => t.bundle_id === debt.bundle_id && t.tx_id !== debt.tx_id);
      const sale = collateral && r.sales.find((s) => s.mode === mode && s.tx_id === collateral.tx_id);
      return { l, debt, collateral, sale };
    });
}

describe('cross-rollup collateral: a liquidation needs both legs', () => {
  it('one shared set over both rollups: debt and collateral legs execute in the same slot, every time', async () => {
    const r = await run(crossWorld());
    const ps = pairs(r, 'shared');
    expect(ps.length).toBeGreaterThan(10);
    for (const { l, debt, collateral, sale } of ps) {
      expect(debt.rollup).toBe('b');
      expect(debt.bundle_id).not.toBeNull();
      expect(collateral, `liquidation ${l.tx_id}`).toBeDefined();
      expect(collateral!.rollup).toBe('a');
      expect(collateral!.status).toBe('included');
      expect(collateral!.include_us).toBe(debt.include_us);
      // The sale on a sells exactly what the liquidator was given: the seized collateral less the protocol's share of the bonus.
      const seized = l.seized as number;
      const toLiquidator = seized - (seized - seized / (1 + BONUS)) * PROTOCOL_FEE;
      expect(sale!.rollup).toBe('a');
      expect(Math.abs((sale!.amount_in as number) - toLiquidator)).toBeLessThan(1e-9 * toLiquidator);
    }
    // Nothing is sold on b: the collateral is not there.
    expect(r.sales.filter((s) => s.mode === 'shared' && s.rollup === 'b').length).toBe(0);
    // All or nothing: no collateral leg executed without its debt leg.
    for (const t of r.legs.filter((x) => x.mode === 'shared' && x.rollup === 'a' && x.status === 'included')) {
      const debt = r.legs.find((x) => x.mode === 'shared' && x.bundle_id === t.bundle_id && x.rollup === 'b')!;
      expect(debt.status).toBe('included');
    }
  });

  it('independent sequencers: the collateral leg follows the debt leg over the bridge (its latency, then the next block)', async () => {
    const r = await run(crossWorld());
    const ps = pairs(r, 'centralized');
    expect(ps.length).toBeGreaterThan(10);
    for (const { debt, collateral, sale } of ps) {
      expect(collateral!.status).toBe('included');
      const gap = (collateral!.include_us as number) - (debt.include_us as number);
      // Sent 60 s after the debt leg executed, then ordered by a's own sequencer within a block (2 s) and a network hop.
      expect(gap).toBeGreaterThanOrEqual(60 * S);
      expect(gap).toBeLessThanOrEqual(60 * S + 2 * S + 100_000);
      expect(sale).toBeDefined();
    }
  });

  it("it is the sequencer's capability, not the mode: a shared set that orders only b sends the legs over the bridge too", async () => {
    const r = await run(crossWorld({ sharedRollups: ['b'] }));
    const ps = pairs(r, 'shared');
    expect(ps.length).toBeGreaterThan(10);
    for (const { debt, collateral } of ps) expect((collateral!.include_us as number) - (debt.include_us as number)).toBeGreaterThanOrEqual(60 * S);
  });

  it('a bridge halt holds the collateral legs of liquidations whose message left during it; atomic bundles do not need the bridge', async () => {
    const r = await run(crossWorld({ bridgeHalt: true }));
    const held = pairs(r, 'centralized').filter(({ debt }) => (debt.include_us as number) + 60 * S >= 40 * MIN && (debt.include_us as number) + 60 * S < 70 * MIN);
    expect(held.length).toBeGreaterThan(0);
    for (const { collateral } of held) expect(collateral!.include_us as number).toBeGreaterThanOrEqual(70 * MIN);
    for (const { debt, collateral } of pairs(r, 'shared')) expect(collateral!.include_us).toBe(debt.include_us);
  });
});
