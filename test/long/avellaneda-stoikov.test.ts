// Avellaneda & Stoikov (Quantitative Finance 8(3), 2008, §3.3) through the simulator: s = 100,
// σ = 2, T = 1, dt = 0.005, A = 140, k = 1.5, q0 = 0, γ ∈ {0.1, 0.01, 0.5}; the inventory strategy
// (quotes around the reservation price r = s − q·γσ²(T − t)) against the symmetric one (the same
// spread γσ²(T − t) + (2/γ)·ln(1 + γ/k), centred on s). One unit of the study's time is 200 s of
// simulated time (dt = 1 s, the maker's refresh); the traded instrument is a call struck at 50
// with vol enough for the study's σ and 10 minutes left (worth S − 50 to 1e-12, delta 1), so it is
// the study's stock less a constant. Fills come from elastic takers: Poisson arrivals, each sent
// with probability e^(−k·δ), δ the quote's distance from the value: flow of intensity A·e^(−k·δ)
// on each side. The figures are checked against the model the study discretizes, run here on its
// own random numbers (see `reference`): means within 4 standard errors of the difference,
// standard deviations within 4 standard errors of theirs (≈ sd/√(2n)). The study's own scheme is
// printed beside them.
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { buildWorld } from '../../sim/world/build.ts';
import { inlineScenario } from '../util/scenario.ts';
import { mean, variance } from '../util/stats.ts';
import type { ScenarioInput } from '../../sim/scenario/schema.ts';

const S0 = 100;
const SIGMA = 2;
const A = 140;
const K = 1.5;
const DT = 0.005;
const UNIT_S = 200;
const YEAR_S = 365 * 86400;
/** The study's σ (USD per √unit) as an annualized relative volatility. */
const VOL = (SIGMA / S0) * Math.sqrt(YEAR_S / UNIT_S);
const RUNS = 300;
const REFERENCE_PATHS = 4000;

interface Outcome {
  profit: number;
  q: number;
  spread: number;
}

function scenario(gamma: number, skew: boolean): ScenarioInput {
  return {
    name: 'avellaneda-stoikov',
    seed: 1,
    horizon: `${UNIT_S}s`,
    warmup: '0s',
    network: { base_latency: '0s', jitter: '0s' },
    assets: [{ id: 'x', price: S0, vol: VOL, tick: `${DT * UNIT_S}s` }],
    rollups: [{ id: 'r', block_time: '10ms', pools: [{ id: 'p', asset: 'x', liquidity_usd: 1e9, fee_bps: 0 }] }],
    options: {
      venues: [{ id: 'v', rollup: 'r', asset: 'x', strikes_pct: [-50], strike_step: 1, expiries: ['10m'], kinds: ['call'], taker_fee_bps: 0, maker_fee_bps: 0 }],
      makers: [{ name: 'mm', venues: ['v'], latency: '0s', vol: VOL, refresh: `${DT * UNIT_S}s`, move_threshold_bps: 0, size: 5, hedge_threshold: 1e12, risk_aversion: gamma, capital_cost: 0, learning: 1e-12, learning_prior: 1, horizon_end: `${UNIT_S}s`, flow_decay: K, skew }],
      takers: [{ name: 'flow', kind: 'elastic', venue: 'v', rate: (2 * A) / UNIT_S, size: 1, latency: '0s', decay: K, vol: VOL }],
    },
  };
}

/** One run through the simulator: profit X_T + q_T·S_T (the call marked at its value), final inventory, mean quoted spread. */
function simulate(gamma: number, skew: boolean, seed: number): Outcome {
  const loaded = inlineScenario(scenario(gamma, skew));
  const world = buildWorld(loaded, 'centralized', seed);
  let cash = 0;
  let q = 0;
  let spreads = 0;
  let quotes = 0;
  world.events.optionFill.on((f) => {
    const dir = f.side === 'buy' ? -1 : 1; // the taker bought: the maker sold
    q += dir * f.size;
    cash -= dir * f.size * f.price;
  });
  // The spread on the clock (every step), not the requotes after fills (which come more often where spreads are tight).
  world.events.optionQuote.on((e) => {
    for (const x of e.entries) {
      if (x.detail.reason === 'fill') continue;
      spreads += x.ask - x.bid;
      quotes++;
    }
  });
  world.advance(loaded.scenario.horizon);
  const venue = world.options.venues.get('v')!;
  const value = venue.fairValue(venue.instruments[0], venue.feed.price, world.sim.now);
  return { profit: cash + q * value, q, spread: spreads / quotes };
}

/**
 * The model the study discretizes, run here on its own random numbers: the price a binomial
 * ±σ√dt a step (the study's); within a step, buy and sell orders arrive as Poisson processes of
 * intensity A·min(1, e^(−k·δ)) on each side (at most A, as the simulator's thinning caps it), and
 * the quotes follow q at once after each fill — in continuous time, as the simulator's maker
 * requotes after a fill. `bernoulli`: the study's own scheme instead, at most one fill a side a
 * step with probability A·e^(−k·δ)·dt and quotes fixed for the step (its variance of fills is
 * smaller by 1 − λ·dt; printed for comparison, not checked).
 */
function reference(gamma: number, skew: boolean, paths: number, bernoulli: boolean): Outcome[] {
  const rng = seedrandom(`avellaneda-stoikov/${gamma}/${skew}/${bernoulli}`);
  const out: Outcome[] = [];
  const steps = Math.round(1 / DT);
  for (let p = 0; p < paths; p++) {
    let s = S0;
    let q = 0;
    let x = 0;
    let spreads = 0;
    for (let i = 0; i < steps; i++) {
      const left = 1 - i * DT;
      const spread = gamma * SIGMA ** 2 * left + (2 / gamma) * Math.log(1 + gamma / K);
      spreads += spread;
      const quotes = () => {
        const r = skew ? s - q * gamma * SIGMA ** 2 * left : s;
        return { ask: r + spread / 2, bid: r - spread / 2 };
      };
      if (bernoulli) {
        const { ask, bid } = quotes();
        if (rng() < A * Math.exp(-K * (ask - s)) * DT) (q -= 1), (x += ask);
        if (rng() < A * Math.exp(-K * (s - bid)) * DT) (q += 1), (x -= bid);
      } else
        for (let t = 0; ; ) {
          const { ask, bid } = quotes();
          const la = A * Math.min(1, Math.exp(-K * (ask - s)));
          const lb = A * Math.min(1, Math.exp(-K * (s - bid)));
          t += -Math.log(1 - rng()) / (la + lb);
          if (t >= DT) break;
          if (rng() * (la + lb) < la) (q -= 1), (x += ask);
          else (q += 1), (x -= bid);
        }
      s += rng() < 0.5 ? SIGMA * Math.sqrt(DT) : -SIGMA * Math.sqrt(DT);
    }
    out.push({ profit: x + q * s, q, spread: spreads / steps });
  }
  return out;
}

describe('Avellaneda–Stoikov §3.3 through the simulator', () => {
  for (const gamma of [0.1, 0.01, 0.5])
    for (const skew of [true, false]) {
      const name = skew ? 'inventory' : 'symmetric';
      it(`γ = ${gamma}, ${name} strategy: profit and final inventory (mean, std) and the spread`, () => {
        const sim = Array.from({ length: RUNS }, (_, k) => simulate(gamma, skew, 1 + k));
        const ref = reference(gamma, skew, REFERENCE_PATHS, false);
        const study = reference(gamma, skew, REFERENCE_PATHS, true);
        const stats = (xs: Outcome[], f: (o: Outcome) => number) => {
          const v = xs.map(f);
          return { mean: mean(v), sd: Math.sqrt(variance(v)), n: v.length };
        };
        const line: string[] = [];
        for (const [label, f] of [['profit', (o: Outcome) => o.profit], ['final q', (o: Outcome) => o.q]] as const) {
          const a = stats(sim, f);
          const b = stats(ref, f);
          const c = stats(study, f);
          line.push(`${label} ${a.mean.toFixed(2)} (sd ${a.sd.toFixed(2)}) vs model ${b.mean.toFixed(2)} (sd ${b.sd.toFixed(2)}), study's scheme ${c.mean.toFixed(2)} (sd ${c.sd.toFixed(2)})`);
          const seMean = Math.sqrt(a.sd ** 2 / a.n + b.sd ** 2 / b.n);
          expect(Math.abs(a.mean - b.mean), `${label} mean`).toBeLessThan(4 * seMean);
          const seSd = Math.sqrt(a.sd ** 2 / (2 * a.n) + b.sd ** 2 / (2 * b.n));
          expect(Math.abs(a.sd - b.sd), `${label} sd`).toBeLessThan(4 * seSd);
        }
        // The spread is a formula of time left: the mean quoted spread is its time average,
        // γσ²T/2 + (2/γ)·ln(1 + γ/k), to within two steps' change of the first term.
        const spread = mean(sim.map((o) => o.spread));
        const theory = (gamma * SIGMA ** 2) / 2 + (2 / gamma) * Math.log(1 + gamma / K);
        line.push(`spread ${spread.toFixed(3)} vs ${theory.toFixed(3)}`);
        console.log(`Avellaneda–Stoikov γ = ${gamma}, ${name}: ${line.join('; ')} (${RUNS} runs, ${REFERENCE_PATHS} reference paths)`);
        expect(Math.abs(spread - theory)).toBeLessThan(2 * gamma * SIGMA ** 2 * DT);
      });
    }
});
