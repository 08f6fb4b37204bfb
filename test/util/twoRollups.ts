// The options tests' two-rollup world: an option venue on rollup a, its maker hedging in a pool
// on rollup b (so hedges cross rollups), 2 s blocks on both, a 4-node shared set; uninformed,
// informed and sniping takers. Options change one thing at a time.
import type { Mode } from '../../sim/world/build.ts';
import type { ScenarioInput } from '../../sim/scenario/schema.ts';

export interface TwoRollupsOptions {
  name?: string;
  collateral?: 'pooled' | 'siloed' | 'auto';
  minSlot?: string;
  modes?: Mode[];
  horizon?: string;
  seed?: number;
  runs?: number;
  snipers?: boolean;
  informed?: boolean;
  riskAversion?: number;
  capitalCost?: number;
  hedgeWithFill?: boolean;
  /** A second maker, slower to requote (60 ms): its quotes are the best on some options and sides. */
  secondMaker?: boolean;
  hedgeLiquidityUsd?: number;
}

export function twoRollups(over: TwoRollupsOptions = {}): ScenarioInput {
  const maker = (name: string, latency: string) => ({
    name, venues: ['v'], hedge: { rollup: 'b', pool: 'p' }, latency, refresh: '10s', move_threshold_bps: 5, size: 2, hedge_threshold: 2,
    collateral: over.collateral ?? 'auto', capital_cost: over.capitalCost ?? 0.1, risk_aversion: over.riskAversion ?? 0.01, hedge_with_fill: over.hedgeWithFill ?? true,
  });
  return {
    name: over.name ?? 'two-rollups',
    seed: over.seed ?? 1,
    runs: over.runs ?? 1,
    horizon: over.horizon ?? '30m',
    warmup: '5m',
    modes: over.modes ?? ['centralized'],
    network: { base_latency: '20ms', jitter: '5ms' },
    assets: [{ id: 'eth', price: 3000, vol: 0.8, tick: '100ms' }],
    rollups: [
      { id: 'a', block_time: '2s', pools: [{ id: 'p', asset: 'eth', liquidity_usd: 2e7, fee_bps: 5 }], arbitrageurs: [{ name: 'arb', latency: '5ms', gas_usd: 0.05 }] },
      { id: 'b', block_time: '2s', pools: [{ id: 'p', asset: 'eth', liquidity_usd: over.hedgeLiquidityUsd ?? 5e7, fee_bps: 5 }], arbitrageurs: [{ name: 'arb', latency: '5ms', gas_usd: 0.05 }] },
    ],
    sequencing: { centralized: { policy: 'fcfs' }, shared: { nodes: 4, node_latency: '20ms', node_jitter: '5ms', min_slot_time: over.minSlot ?? '500ms', policy: 'fcfs' } },
    options: {
      venues: [{ id: 'v', rollup: 'a', asset: 'eth', strikes_pct: [-5, 0, 5], strike_step: 50, expiries: ['30d'] }],
      makers: [maker('mm', '20ms'), ...(over.secondMaker ? [maker('mm2', '60ms')] : [])],
      takers: [
        { name: 'retail', kind: 'uninformed', venue: 'v', rate: 0.3, size: 1 },
        ...(over.informed === false ? [] : [{ name: 'fund', kind: 'informed' as const, venue: 'v', rate: 0.02, size: 2, horizon: '5m' }]),
        ...(over.snipers === false ? [] : [{ name: 'sniper', kind: 'sniper' as const, venue: 'v', latency: '5ms', threshold_bps: 1 }]),
      ],
    },
  };
}
