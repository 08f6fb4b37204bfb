// Runs the simulator on the textbook arbitrage setting and measures arbitrage profit as a fraction
// of pool value: one pool, one zero-latency arbitrageur, no other flow, driftless log price,
// fees paid out (external). Used by the fast and the long theory suites.
import { runScenario } from '../../sim/index.ts';
import { inlineScenario } from './scenario.ts';
import { mean, variance } from './stats.ts';

export interface ArbMeasurement {
  /** Mean profit per unit time (fraction of pool value per day) and its standard error. */
  ratePerDay: number;
  se: number;
  trades: number;
  windows: number;
}

export interface ArbSetting {
  sigmaDaily: number;
  blockTimeS: number;
  feeBps: number;
  dist: 'fixed' | 'exponential';
  days: number;
  /** Reference price update interval; defaults to the block time for fixed blocks. */
  tickMs?: number;
  seed?: number;
}

const DAY_S = 86_400;

export async function measureArbitrage(s: ArbSetting, windows = 50): Promise<ArbMeasurement> {
  const tickMs = s.tickMs ?? s.blockTimeS * 1000;
  const loaded = inlineScenario({
    name: 'arb-theory',
    seed: s.seed ?? 1,
    horizon: `${s.days}d`,
    network: { base_latency: '0s', jitter: '0s' },
    assets: [{ id: 'x', price: 1000, vol: s.sigmaDaily * Math.sqrt(365), drift: 0, drift_kind: 'log', tick: `${tickMs}ms` }],
    rollups: [
      {
        id: 'r',
        block_time: `${s.blockTimeS}s`,
        block_time_dist: s.dist,
        pools: [{ id: 'p', asset: 'x', liquidity_usd: 1e8, fee_bps: s.feeBps, fee_mode: 'external' }],
        arbitrageurs: [{ name: 'arb', latency: '0s', gas_usd: 0, min_profit_usd: 0 }],
      },
    ],
  });
  const { tables } = await runScenario(loaded);
  const t = tables.trades;
  const status = t.getChild('status')!.toArray() as string[];
  const profit = t.getChild('profit_usd')!.toArray() as Float64Array;
  const value = t.getChild('pool_value_usd')!.toArray() as Float64Array;
  const executed = t.getChild('executed_us')!.toArray() as BigInt64Array;
  // Profit as a fraction of pool value, summed per time window: windows much longer than the
  // mispricing's memory are nearly independent, so their spread gives the standard error.
  const horizonUs = s.days * DAY_S * 1e6;
  const perWindow = new Float64Array(windows);
  let trades = 0;
  for (let i = 0; i < status.length; i++) {
    if (status[i] !== 'ok') continue;
    trades++;
    const w = Math.min(windows - 1, Math.floor((Number(executed[i]) / horizonUs) * windows));
    perWindow[w] += profit[i] / value[i];
  }
  const windowDays = s.days / windows;
  const rates = perWindow.map((x) => x / windowDays);
  return { ratePerDay: mean(rates), se: Math.sqrt(variance(rates) / windows), trades, windows };
}
