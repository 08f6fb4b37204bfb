// Options makers against theory, through the simulator: the adverse-selection component a maker
// learns from its markouts (Glosten–Milgrom) and its volatility premium for hedging discretely
// with a proportional cost (Leland). Each check has its standard error computed here.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/index.ts';
import { plain } from './util/rows.ts';
import { inlineScenario } from './util/scenario.ts';
import { mean, variance } from './util/stats.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';

describe('Glosten–Milgrom: the adverse-selection half-spread a maker learns is μ·δ', () => {
  // The value is revealed one binary step at a time: every P = 10 s the reference price moves by
  // +δ or −δ (USD, equally likely; a path written here from its own seed). A share μ of the
  // takers is informed: each knows the next step (horizon P, a perfect signal) and buys on good
  // news, sells on bad; the rest buy or sell at random. The option is a deep in-the-money call
  // (strike half the spot, vol 5%: worth S − K, delta 1), so its value moves by ±δ too. The
  // maker's markout horizon is P: each fill's markout is the one step after it — +δ against the
  // maker for an informed fill, ±δ at random for an uninformed one. Its running mean converges
  // to P(informed | fill)·δ = μδ, the Glosten–Milgrom zero-profit half-spread at a flat prior.
  const P_S = 10;
  const DELTA = 10;
  const HOURS = 3;
  const dir = mkdtempSync(join(tmpdir(), 'seqsim-gm-'));
  const path = join(dir, 'binary.csv');
  const rng = seedrandom('glosten-milgrom');
  let price = 1000;
  const lines = ['time,price', '0,1000'];
  for (let t = P_S; t <= HOURS * 3600 + P_S; t += P_S) {
    price += rng() < 0.5 ? DELTA : -DELTA;
    lines.push(`${t}s,${price}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');

  const LEARNING = 0.001;
  const TOTAL_RATE = 2; // takers per second

  const world = (mu: number): ScenarioInput => ({
    name: 'glosten-milgrom',
    seed: 1,
    horizon: `${HOURS}h`,
    warmup: '0s',
    modes: ['centralized'],
    network: { base_latency: '0s', jitter: '0s' },
    assets: [{ id: 'x', file: path, vol: 0.05, tick: '100ms' }],
    rollups: [{ id: 'r', block_time: '50ms', pools: [{ id: 'p', asset: 'x', liquidity_usd: 1e9, fee_bps: 0 }] }],
    options: {
      venues: [{ id: 'v', rollup: 'r', asset: 'x', strikes_pct: [-50], strike_step: 10, expiries: ['30d'], kinds: ['call'], taker_fee_bps: 0, maker_fee_bps: 0 }],
      makers: [{ name: 'mm', venues: ['v'], latency: '0s', vol: 0.05, refresh: '1h', move_threshold_bps: 0, size: 1e6, hedge_threshold: 1e12, risk_aversion: 0, capital_cost: 0, markout: `${P_S}s`, learning: LEARNING }],
      takers: [
        { name: 'noise', kind: 'uninformed', venue: 'v', rate: TOTAL_RATE * (1 - mu), size: 1, latency: '0s', limit_bps: 50 },
        { name: 'insider', kind: 'informed', venue: 'v', rate: TOTAL_RATE * mu, size: 1, latency: '0s', limit_bps: 50, horizon: `${P_S}s`, signal_correlation: 1, vol: 0.05 },
      ],
    },
  });

  for (const mu of [0.2, 0.5]) {
    it(`μ = ${mu}: the learned adverse-selection component converges to μδ = ${mu * DELTA} USD`, async () => {
      const { tables } = await runScenario(inlineScenario(world(mu), join(dir, 'gm.json')));
      const trades = tables.option_trades.toArray().map((r) => plain(r)).filter((t) => t.status === 'filled' && t.markout_10s_usd !== null);
      // The maker's markout of each fill: the move of the option's value over P, against it
      // (what the taker gained beyond its edge at the fill).
      const markouts = trades.map((t) => (t.markout_10s_usd as number) - (t.taker_edge_usd as number));
      const informedShare = trades.filter((t) => t.taker_kind === 'informed').length / trades.length;
      const quotes = tables.quotes.toArray();
      const learned = plain(quotes[quotes.length - 1]).adverse_selection_usd as number;
      expect(markouts.length).toBeGreaterThan(15_000);
      // The exponentially weighted mean of independent markouts of standard deviation s, in steady
      // state, has standard error s·√(w/(2 − w)) (bias-corrected: no prior left to decay).
      const s = Math.sqrt(variance(markouts));
      const se = s * Math.sqrt(LEARNING / (2 - LEARNING));
      console.log(`Glosten–Milgrom μ = ${mu}: learned ${learned.toFixed(3)} USD vs μδ = ${mu * DELTA} (± ${se.toFixed(3)}); mean markout ${mean(markouts).toFixed(3)} (± ${(s / Math.sqrt(markouts.length)).toFixed(3)}), informed share of fills ${informedShare.toFixed(3)}, ${markouts.length} fills`);
      expect(Math.abs(learned - mu * DELTA)).toBeLessThan(4 * se);
      // The mean over every markout (standard error s/√n) pins it tighter.
      expect(Math.abs(mean(markouts) - mu * DELTA)).toBeLessThan((4 * s) / Math.sqrt(markouts.length));
    });
  }
});

describe('Leland: hedging every δt at a proportional cost k, the maker quotes σ√(1 ± √(2/π)·k/(σ√δt))', () => {
  // The cost is the hedge pool's fee alone: a pool deep enough for no impact, a reference that
  // barely moves (so the pool sits at it, and no hedge gains or loses on where the pool lags the
  // reference), and hedges that follow the random sides of uninformed fills. A sale costs the fee
  // f of the notional, a purchase f/(1 − f): the round-trip k it measures lies in [2f, 2f/(1 − f)]
  // whatever its mix of sales and purchases, and that interval is the tolerance. The maker prices
  // with its own σ = 50% (the hedging frequency, not the path, is what Leland prices).
  const SIGMA = 0.5;
  // A long position's σ²(1 − Le) is clamped at 0 once Leland's number Le passes 1.
  const leland = (k: number, dtYears: number, sign: 1 | -1) => SIGMA * Math.sqrt(Math.max(1 + sign * Math.sqrt(2 / Math.PI) * (k / (SIGMA * Math.sqrt(dtYears))), 0));
  for (const [feeBps, every] of [[5, 60], [5, 600], [30, 600]] as const) {
    it(`fee ${feeBps} bps, hedged every ${every} s`, async () => {
      const input: ScenarioInput = {
        name: 'leland',
        seed: 1,
        horizon: '20m',
        warmup: '0s',
        modes: ['centralized'],
        network: { base_latency: '0s', jitter: '0s' },
        assets: [{ id: 'x', price: 1000, vol: 1e-4, tick: '100ms' }],
        rollups: [{ id: 'r', block_time: '100ms', pools: [{ id: 'p', asset: 'x', liquidity_usd: 1e12, fee_bps: feeBps }], arbitrageurs: [{ name: 'arb', latency: '0s', gas_usd: 0 }] }],
        options: {
          venues: [{ id: 'v', rollup: 'r', asset: 'x', strikes_pct: [0], strike_step: 10, expiries: ['30d'], kinds: ['call'], taker_fee_bps: 0, maker_fee_bps: 0 }],
          makers: [{ name: 'mm', venues: ['v'], latency: '0s', vol: SIGMA, refresh: '10s', size: 10, hedge_every: `${every}s`, risk_aversion: 0, capital_cost: 0 }],
          takers: [{ name: 'noise', kind: 'uninformed', venue: 'v', rate: 0.2, size: 1, latency: '0s' }],
        },
      };
      const { tables } = await runScenario(inlineScenario(input));
      const hedges = tables.trades.toArray().map((r) => plain(r)).filter((t) => t.agent_kind === 'maker' && t.status === 'ok');
      expect(hedges.length).toBeGreaterThan(100);
      const quotes = tables.quotes.toArray();
      const last = plain(quotes[quotes.length - 1]);
      const f = feeBps / 1e4;
      const dt = every / (365 * 86400);
      const [askLo, askHi] = [leland(2 * f, dt, 1), leland((2 * f) / (1 - f), dt, 1)];
      const [bidHi, bidLo] = [leland(2 * f, dt, -1), leland((2 * f) / (1 - f), dt, -1)];
      console.log(`Leland fee ${feeBps} bps, δt ${every} s: ask vol ${(last.vol_ask as number).toFixed(5)} in [${askLo.toFixed(5)}, ${askHi.toFixed(5)}], bid vol ${(last.vol_bid as number).toFixed(5)} in [${bidLo.toFixed(5)}, ${bidHi.toFixed(5)}] (${hedges.length} hedges)`);
      // Rounding slack of 1e-9 vol around the interval.
      expect(last.vol_ask as number).toBeGreaterThanOrEqual(askLo - 1e-9);
      expect(last.vol_ask as number).toBeLessThanOrEqual(askHi + 1e-9);
      expect(last.vol_bid as number).toBeGreaterThanOrEqual(bidLo - 1e-9);
      expect(last.vol_bid as number).toBeLessThanOrEqual(bidHi + 1e-9);
    });
  }
});
