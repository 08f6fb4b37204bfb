// Lending through the simulator: the liquidation arithmetic in both regimes (a spiral below
// LT·(1+b), recovery above), the v3.3 rules as properties, push oracles that go stale while their
// rollup is halted, the uptime sentinel's grace period, generations under a pool oracle, and the
// documented-outage replay: a cascade on the failed rollup only under centralized sequencing, on
// every rollup of the shared set when the set is down.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadScenario } from '../sim/scenario/load.ts';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import { plain } from './util/rows.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';
import { healthFactor, liquidate, maxRepayUsd, type RiskParams } from '../sim/model/lending/rules.ts';

const MIN = 60_000_000;

/** One rollup, a constant price, no pool: the oracle never moves and liquidations feed nothing back. */
function arithmeticWorld(hf: number): ScenarioInput {
  return {
    name: 'arithmetic',
    horizon: '2m',
    modes: ['centralized', 'shared'],
    network: { base_latency: '10ms', jitter: '0s' },
    assets: [{ id: 'x', price: 1000, vol: 0 }],
    rollups: [{ id: 'r', block_time: '1s' }],
    sequencing: { shared: { nodes: 4, min_slot_time: '1s', node_jitter: '0s' } },
    lending: {
      // LT·(1+b) = 0.99; the 100% close factor and the dust rule are off, so every liquidation repays half.
      markets: [{ id: 'm', rollup: 'r', asset: 'x', ltv: 0.5, liquidation_threshold: 0.9, bonus: 0.1, full_close_hf: 0, full_close_below_usd: 0, min_leftover_usd: 0, borrowers: { count: 3, collateral_usd: 1e6, collateral_sigma: 0.5, hf_min: hf, hf_max: hf } }],
      liquidators: [{ name: 'liq', latency: '5ms' }],
    },
  };
}

describe('liquidation arithmetic through the simulator (oracle fixed, no AMM feedback)', () => {
  const c = 0.5;
  const pivot = 0.9 * 1.1;
  for (const [regime, hf] of [['spiral (HF < LT·(1+b))', 0.97], ['recovery (HF > LT·(1+b))', 0.991]] as const) {
    it(`${regime}: each liquidation takes HF to (HF − c·LT·(1+b))/(1 − c), in both modes`, async () => {
      const { tables } = await runScenario(inlineScenario(arithmeticWorld(hf)));
      const rows = tables.liquidations.toArray().map((r) => plain(r));
      for (const mode of ['centralized', 'shared']) {
        for (let b = 0; b < 3; b++) {
          const mine = rows.filter((l) => l.mode === mode && l.borrower === b).sort((x, y) => (x.at_us as number) - (y.at_us as number));
          expect(mine.length, `${mode} borrower ${b}`).toBeGreaterThan(2);
          expect(mine[0].hf_before).toBeCloseTo(hf, 12);
          for (let k = 0; k < mine.length; k++) {
            const l = mine[k];
            const before = l.hf_before as number;
            if (k > 0) expect(before, 'each liquidation starts where the last one left').toBeCloseTo(mine[k - 1].hf_after as number, 12);
            if ((l.deficit_usd as number) > 0) continue; // the collateral ran out: the last step of a spiral
            expect(l.hf_after as number).toBeCloseTo((before - c * pivot) / (1 - c), 10);
            expect(Math.sign((l.hf_after as number) - before)).toBe(regime.startsWith('spiral') ? -1 : 1);
          }
          const last = mine[mine.length - 1];
          if (regime.startsWith('spiral')) expect(last.deficit_usd as number, 'the spiral ends in bad debt').toBeGreaterThan(0);
          else expect(last.hf_after as number, 'recovery ends healthy').toBeGreaterThanOrEqual(1);
        }
      }
    });
  }
});

describe('v3.3 rules (properties)', () => {
  const params = fc.record({
    lt: fc.double({ min: 0.5, max: 0.95, noNaN: true }),
    bonus: fc.double({ min: 0, max: 0.15, noNaN: true }),
    protocolFee: fc.double({ min: 0, max: 0.5, noNaN: true }),
    closeFactor: fc.constant(0.5),
    fullCloseHf: fc.constant(0.95),
    fullCloseBelowUsd: fc.constant(2000),
    minLeftoverUsd: fc.constant(1000),
  });
  const position = fc.record({ collateral: fc.double({ min: 1e-3, max: 1e4, noNaN: true }), price: fc.double({ min: 1, max: 1e4, noNaN: true }), hf: fc.double({ min: 0.2, max: 1.5, noNaN: true }) });

  it('health factor, close factor, seizure, dust and deficit follow the rules exactly', () => {
    fc.assert(
      fc.property(params, position, (p: RiskParams, { collateral, price, hf }) => {
        const debt = (collateral * price * p.lt) / hf;
        const r = liquidate(p, collateral, debt, price);
        const hf0 = healthFactor(collateral, price, p.lt, debt);
        if (hf0 >= 1) return !r.ok && r.reason === 'healthy';
        const whole = hf0 <= 0.95 || collateral * price < 2000 || debt < 2000;
        expect(maxRepayUsd(p, collateral * price, debt, hf0)).toBe(whole ? debt : debt / 2);
        if (!r.ok) {
          // Only the dust rule refuses an unhealthy position: a partial liquidation leaving < $1,000.
          expect(r.reason).toBe('dust');
          return true;
        }
        const tol = 1e-9 * Math.max(1, debt, collateral * price);
        expect(r.repaidUsd).toBeLessThanOrEqual(maxRepayUsd(p, collateral * price, debt, hf0) * (1 + 1e-12));
        expect(Math.abs(r.seized + r.collateralLeft - collateral)).toBeLessThanOrEqual(1e-9 * collateral);
        expect(Math.abs(r.repaidUsd + r.debtLeftUsd + r.deficitUsd - debt)).toBeLessThanOrEqual(tol);
        if (r.collateralLeft > 0) expect(Math.abs(r.seized * price - r.repaidUsd * (1 + p.bonus))).toBeLessThanOrEqual(tol);
        else expect(Math.abs(r.repaidUsd * (1 + p.bonus) - collateral * price)).toBeLessThanOrEqual(tol);
        // A deficit exactly when the collateral ran out with debt left; then no debt remains.
        expect(r.deficitUsd > 0).toBe(r.collateralLeft === 0 && debt - r.repaidUsd > tol);
        if (r.deficitUsd > 0) expect(r.debtLeftUsd).toBe(0);
        if (r.debtLeftUsd > 0 && r.collateralLeft > 0) {
          expect(r.debtLeftUsd).toBeGreaterThanOrEqual(1000);
          expect(r.collateralLeft * price).toBeGreaterThanOrEqual(1000);
          const cf = r.repaidUsd / debt;
          expect(r.hfAfter).toBeCloseTo((hf0 - cf * p.lt * (1 + p.bonus)) / (1 - cf), 8);
        }
        expect(Math.abs(r.toLiquidator + r.protocolFee - r.seized)).toBeLessThanOrEqual(1e-12 * r.seized);
        expect(Math.abs(r.protocolFee - (r.seized - r.seized / (1 + p.bonus)) * p.protocolFee)).toBeLessThanOrEqual(1e-12 * r.seized);
        return true;
      }),
      { numRuns: 20_000 },
    );
  });
});

/** The bundled replay: fast's sequencer (or the shared set) is down from 20m for 78m while ETH falls 10%. */
async function replay(set: string[] = []) {
  const { tables } = await runScenario(loadScenario('scenarios/outage-replay.yaml', { set: ['runs=1', ...set] }));
  return {
    liquidations: tables.liquidations.toArray().map((r) => plain(r)),
    txs: tables.txs.toArray().map((r) => plain(r)),
    contagion: tables.contagion.toArray().map((r) => plain(r)),
  };
}

const OUT_FROM = 20 * MIN;
const OUT_TO = 98 * MIN;
const during = (t: number) => t >= OUT_FROM && t < OUT_TO;

describe('oracles, halts and the sentinel (the documented-outage replay)', () => {
  it('no oracle update and no liquidation lands on a halted rollup; when blocks resume, the backlog is a cascade on the halted rollups only', async () => {
    const { liquidations, txs, contagion } = await replay();
    const halted = { centralized: ['fast'], shared: ['fast', 'medium', 'slow'] } as const;
    for (const mode of ['centralized', 'shared'] as const) {
      const updates = txs.filter((t) => t.mode === mode && (t.sender as string).startsWith('lending/oracles/') && t.status === 'included');
      for (const r of ['fast', 'medium', 'slow']) {
        const down = (halted[mode] as readonly string[]).includes(r);
        const mine = updates.filter((u) => u.rollup === r).map((u) => u.include_us as number);
        // The keeper tries (its update waits at the sequencer), but nothing lands until blocks resume.
        if (down) expect(mine.filter(during).length, `${mode} ${r} oracle updates during the outage`).toBe(0);
        else expect(mine.filter(during).length, `${mode} ${r}: a live oracle follows the fall`).toBeGreaterThan(10);
        const liq = liquidations.filter((l) => l.mode === mode && l.rollup === r);
        if (down) expect(liq.filter((l) => during(l.at_us as number)).length, `${mode} ${r} liquidations during the outage`).toBe(0);
        // A cascade: positions found far under 1 — a live market liquidates them as they cross it
        // (HF just under 1); a halted one finds them sunk by the whole fall when blocks resume.
        const deep = liq.filter((l) => (l.hf_before as number) < 0.97);
        if (down) {
          expect(deep.length, `${mode} ${r}: backlog liquidations`).toBeGreaterThan(3);
          for (const l of deep) expect(l.at_us as number, `${mode} ${r}`).toBeLessThan(OUT_TO + 5 * MIN);
        } else expect(deep.length, `${mode} ${r}: no backlog`).toBe(0);
      }
      const episode = contagion.find((e) => e.mode === mode)!;
      expect(episode.rollups).toBe(halted[mode].join(','));
      expect(episode.rollups_affected).toBe(halted[mode].length);
      expect(episode.liquidations as number).toBeGreaterThan(3 * halted[mode].length);
      expect(episode.max_ref_dislocation_bps as number).toBeGreaterThan(900);
    }
  }, 60_000);

  it('with the uptime sentinel, no liquidation executes while the sequencer is down or within the grace period after; without it they start at once', async () => {
    const { liquidations } = await replay(['lending.sentinel.grace_period=30m']);
    const fast = liquidations.filter((l) => l.mode === 'centralized' && l.rollup === 'fast').map((l) => l.at_us as number);
    expect(fast.length).toBeGreaterThan(3);
    expect(fast.filter((t) => t >= OUT_FROM && t <= OUT_TO + 30 * MIN).length).toBe(0);
    expect(Math.min(...fast.filter((t) => t > OUT_TO))).toBeLessThan(OUT_TO + 32 * MIN);
    const without = (await replay()).liquidations.filter((l) => l.mode === 'centralized' && l.rollup === 'fast').map((l) => l.at_us as number);
    expect(Math.min(...without.filter((t) => t > OUT_TO))).toBeLessThan(OUT_TO + 10_000_000);
  }, 60_000);
});

describe('generations under a pool oracle', () => {
  it('liquidation sales move the price the market reads: generation k + 1 follows a generation-k sale', async () => {
    // A thin pool read directly by the market, positions near the threshold, a 6% drop at 1m.
    const input: ScenarioInput = {
      name: 'generations',
      horizon: '3m',
      network: { base_latency: '10ms', jitter: '0s' },
      assets: [{ id: 'x', price: 1000, vol: 0, tick: '1s', jumps: { rate: 0, mean: 0, stdev: 0 } }],
      rollups: [{ id: 'r', block_time: '1s', pools: [{ id: 'p', asset: 'x', liquidity_usd: 4e6, fee_bps: 30 }], traders: [{ name: 't', pool: 'p', rate: 0.5, size_usd: 20000, size_sigma: 0, buy_fraction: 0 }] }],
      lending: {
        markets: [{ id: 'm', rollup: 'r', asset: 'x', oracle: { source: 'pool' }, borrowers: { count: 300, collateral_usd: 20000, collateral_sigma: 0.5, hf_max: 1.3 } }],
        liquidators: [{ name: 'liq', latency: '5ms' }],
      },
    };
    const { tables } = await runScenario(inlineScenario(input));
    const rows = tables.liquidations.toArray().map((r) => plain(r));
    const depth = Math.max(...rows.map((l) => l.generation as number));
    expect(depth).toBeGreaterThanOrEqual(2);
    for (let g = 1; g <= depth; g++) {
      const first = Math.min(...rows.filter((l) => l.generation === g).map((l) => l.at_us as number));
      const parent = Math.min(...rows.filter((l) => l.generation === g - 1).map((l) => l.at_us as number));
      expect(first, `generation ${g} after generation ${g - 1}`).toBeGreaterThanOrEqual(parent);
    }
  });
});
