// MEV through the simulator: the sandwich a searcher places against the closed form, when it
// declines, where it is impossible (private FCFS, encrypted mempool), what an extractive sequencer
// takes, and how competition hands the value to the sequencer.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/index.ts';
import { inlineScenario } from './util/scenario.ts';
import type { ScenarioInput } from '../sim/scenario/schema.ts';

type Row = Record<string, any>;

function world(over: { sigma?: number; policy?: 'fcfs' | 'priority' | 'encrypted'; searchers?: object[]; slippage?: number; size?: number; extractive?: boolean; horizon?: string; rate?: number; arb?: boolean; mode?: 'centralized' | 'shared' } = {}): ScenarioInput {
  const policy = over.policy ?? 'priority';
  return {
    name: 'mev',
    horizon: over.horizon ?? '10m',
    modes: [over.mode ?? 'centralized'],
    network: { base_latency: '20ms', jitter: '0s' },
    assets: [{ id: 'eth', price: 3000, vol: 0 }],
    rollups: [
      {
        id: 'r',
        block_time: '2s',
        pools: [{ id: 'p', asset: 'eth', liquidity_usd: 2e6, fee_bps: 30 }],
        traders: [{ name: 'users', pool: 'p', rate: over.rate ?? 0.2, size_usd: over.size ?? 5000, size_sigma: over.sigma ?? 0.5, buy_fraction: 1, slippage_bps: over.slippage ?? 100 }],
        arbitrageurs: over.arb ? [{ name: 'arb', latency: '5ms' }] : [],
        searchers: (over.searchers ?? [{ name: 's1', latency: '5ms', gas_usd: 0 }]) as never,
      },
    ],
    sequencing: {
      centralized: { policy: policy === 'encrypted' ? 'fcfs' : policy, extractive: over.extractive ?? false },
      shared: { policy, nodes: 4, node_jitter: '0s' },
    },
  };
}

async function run(input: ScenarioInput) {
  const { tables } = await runScenario(inlineScenario(input));
  const rows = (name: 'mev' | 'trades' | 'metrics') => tables[name].toArray().map((r) => r.toJSON() as Row);
  return { mev: rows('mev'), trades: rows('trades'), metrics: rows('metrics') };
}

describe('sandwich against the closed form', () => {
  it("the searcher's front-run is the largest the victim's limit allows, and its profit is the constant-product closed form (1e-6)", async () => {
    const { mev, trades } = await run(world());
    // Victims alone in their block: the pool they decided on is the pool the front-run meets.
    const usersIn = (t: bigint) => trades.filter((x) => x.agent_kind === 'noise' && x.executed_us === t).length;
    const ok = mev.filter((m) => m.status === 'ok' && usersIn(trades.find((t) => t.tx_id === m.victim_tx)!.executed_us) === 1);
    expect(ok.length).toBeGreaterThan(20);
    const f = 30 / 1e4;
    const g = 1 - f;
    for (const m of ok) {
      const victim = trades.find((t) => t.tx_id === m.victim_tx)!;
      const front = trades.find((t) => t.tx_id === m.front_tx)!;
      const back = trades.find((t) => t.tx_id === m.back_tx)!;
      // Reserves before the front-run, from its mid and value at the reference price: x(P + m) = V.
      const x = front.pool_value_usd / (front.ref_executed + front.mid_before);
      const y = x * front.mid_before;
      const v = victim.amount_in;
      // The victim's minimum output: what it was quoted at decision (the same state here: no other
      // flow) less its 100 bp tolerance.
      const minOut = ((x * g * v) / (y + g * v)) * (1 - 100 / 1e4);
      // Largest front-run a with the victim's output ≥ minOut (external fee: δ = γ):
      // γ²a² + [γ(y + γv) + γy]a + [y(y + γv) − x·y·γv/minOut] = 0.
      const A = g * g;
      const B = g * (y + g * v) + g * y;
      const C = y * (y + g * v) - (x * y * g * v) / minOut;
      const aStar = (-B + Math.sqrt(B * B - 4 * A * C)) / (2 * A);
      expect(Math.abs(front.amount_in - aStar) / aStar).toBeLessThan(1e-6);
      // Profit: sell back what the front-run bought, after the victim.
      const o = (x * g * aStar) / (y + g * aStar);
      const y1 = y + g * aStar;
      const x1 = x - o;
      const w = (x1 * g * v) / (y1 + g * v);
      const y2 = y1 + g * v;
      const x2 = x1 - w;
      const b = (y2 * g * o) / (x2 + g * o);
      expect(Math.abs(m.gross_profit_usd - (b - aStar)) / (b - aStar)).toBeLessThan(1e-6);
      expect(Math.abs(back.amount_out - b) / b).toBeLessThan(1e-6);
      // The victim got exactly its minimum.
      expect(Math.abs(victim.amount_out - minOut) / minOut).toBeLessThan(1e-6);
    }
  });

  it('no sandwich when it cannot pay after gas: a victim with a tight limit, or a tiny one', async () => {
    // A 0.5 bp limit leaves room for a front-run worth a few cents at most: not worth 5 cents of gas per leg.
    const tight = await run(world({ sigma: 0, slippage: 0.5, searchers: [{ name: 's1', latency: '5ms', gas_usd: 0.05 }] }));
    expect(tight.mev).toEqual([]);
    const tiny = await run(world({ size: 5, searchers: [{ name: 's1', latency: '5ms', gas_usd: 0.5 }] }));
    expect(tiny.mev).toEqual([]);
    // …while the same flow with a normal limit and size is sandwiched.
    expect((await run(world())).mev.length).toBeGreaterThan(0);
  });
});

describe('where sandwiches are impossible, and who takes them otherwise', () => {
  const userLoss = (metrics: Row[]) => metrics.find((m) => m.metric === 'mev.extracted_bps_of_volume')!.value as number;

  it('private FCFS (equal latencies, no jitter): nothing is visible, no sandwich', async () => {
    const { mev } = await run(world({ policy: 'fcfs' }));
    expect(mev).toEqual([]);
  });

  it('encrypted mempool (shared): contents are hidden until ordered, no sandwich ever succeeds', async () => {
    const { mev, metrics } = await run(world({ policy: 'encrypted', mode: 'shared' }));
    expect(mev.filter((m) => m.status === 'ok')).toEqual([]);
    expect(metrics.find((m) => m.metric === 'mev.sandwiches')!.value).toBe(0);
  });

  it('an extractive sequencer takes more per unit of volume than honest FCFS, on the same seeds', async () => {
    const honest = await run(world({ policy: 'fcfs', searchers: [] }));
    const extractive = await run(world({ policy: 'fcfs', searchers: [], extractive: true }));
    expect(userLoss(honest.metrics)).toBe(0);
    expect(userLoss(extractive.metrics)).toBeGreaterThan(10);
    expect(extractive.mev.every((m) => m.captured_by === 'sequencer')).toBe(true);
    // The users' slippage decomposition sees it as MEV.
    const mevBps = extractive.metrics.find((m) => m.metric === 'slippage.mev_bps.mean')!.value as number;
    expect(mevBps).toBeGreaterThan(10);
  });
});

describe('competition in the first-price priority auction', () => {
  it('two identical searchers bid the value away to the sequencer; one searcher alone keeps most of it', async () => {
    const inc = 0.01;
    const gas = 0.05;
    const searcher = (name: string) => ({ name, latency: '5ms', gas_usd: gas, bid_fraction: 0.1, bid_increment_usd: inc });
    const alone = await run(world({ searchers: [searcher('s1')] }));
    const duel = await run(world({ searchers: [searcher('s1'), searcher('s2')] }));
    const winners = duel.mev.filter((m) => m.status === 'ok');
    expect(winners.length).toBeGreaterThan(20);
    const meanNet = winners.reduce((a, m) => a + m.net_profit_usd, 0) / winners.length;
    expect(meanNet).toBeLessThan(inc + 2 * gas);
    const losers = duel.mev.filter((m) => m.reason === 'outbid');
    expect(losers.length).toBeGreaterThan(0);
    // Both legs of a loser revert (the front-run finds the pool moved, the back-run has nothing to
    // sell): it pays their gas, not its bid.
    for (const m of losers) expect(m.net_profit_usd).toBeCloseTo(-2 * gas, 9);
    const soloOk = alone.mev.filter((m) => m.status === 'ok');
    const kept = soloOk.reduce((a, m) => a + m.net_profit_usd, 0) / soloOk.reduce((a, m) => a + m.gross_profit_usd, 0);
    expect(kept).toBeGreaterThan(0.8); // it bids 10% and keeps the rest
  });
});

describe('back-running', () => {
  it('works wherever contents are revealed at some point — public mempool and encrypted mempool alike — and never hurts the victim', async () => {
    const backrunner = [{ name: 'b1', strategy: 'backrun', latency: '5ms', gas_usd: 0.05 }];
    for (const [policy, mode] of [['priority', 'centralized'], ['encrypted', 'shared']] as const) {
      const { mev, trades } = await run(world({ policy, mode, searchers: backrunner, size: 20000 }));
      const ok = mev.filter((m) => m.kind === 'backrun' && m.status === 'ok');
      expect(ok.length, policy).toBeGreaterThan(10);
      for (const m of ok) expect(m.gross_profit_usd).toBeGreaterThan(0);
      expect(mev.every((m) => m.victim_loss_usd === null)).toBe(true);
      // The back-run lands after its victim: in the same block, later in it (or in a later block).
      for (const m of ok) {
        const victim = trades.find((t) => t.tx_id === m.victim_tx)!;
        const back = trades.find((t) => t.tx_id === m.back_tx)!;
        expect(back.executed_us >= victim.executed_us).toBe(true);
        expect(back.tx_id > victim.tx_id).toBe(true);
      }
    }
  });
});

describe('proposer-builder separation', () => {
  it('searchers bid to builders with sealed bundles, builders bid to the proposer; the best bundle wins, losers pay nothing', async () => {
    const s = (name: string, bid: number) => ({ name, latency: '5ms', gas_usd: 0.05, bid_fraction: bid });
    for (const mode of ['centralized', 'shared'] as const) {
      const input = world({ policy: 'priority', mode, searchers: [s('s1', 0.3), s('s2', 0.6)] });
      input.sequencing = { centralized: { policy: 'pbs' }, shared: { policy: 'pbs', nodes: 4, node_jitter: '0s' }, pbs: { builders: 3, builder_margin: 0.1 } };
      const { tables } = await runScenario(inlineScenario(input));
      const mev = tables.mev.toArray().map((r) => r.toJSON() as Row);
      const bids = tables.bids.toArray().map((r) => r.toJSON() as Row);
      const metrics = tables.metrics.toArray().map((r) => r.toJSON() as Row);
      const ok = mev.filter((m) => m.status === 'ok');
      expect(ok.length, mode).toBeGreaterThan(10);
      // The higher sealed bid (60% of the value) wins every contested victim; the loser's bundle never lands.
      expect(ok.every((m) => m.searcher === 's2')).toBe(true);
      const lost = mev.filter((m) => m.reason === 'lost-auction');
      // The front-run's size is on every row whose front-run executed: in its input token and in USD.
      for (const m of ok) {
        expect(m.front_in).toBeGreaterThan(0);
        expect(m.front_in_usd).toBeGreaterThan(0);
      }
      for (const m of lost) expect(m.front_in).toBeNull();
      expect(lost.length).toBeGreaterThan(10);
      for (const m of lost) expect(m.net_profit_usd).toBe(0);
      // Winners paid 60% of their expected value to the builder: they keep roughly 40%.
      const kept = ok.reduce((a, m) => a + m.net_profit_usd, 0) / ok.reduce((a, m) => a + m.gross_profit_usd, 0);
      expect(kept).toBeGreaterThan(0.2);
      expect(kept).toBeLessThan(0.6);
      // Every block had one bid per builder, one winner, and the proposer got value less margin.
      const blocks = new Map<string, Row[]>();
      for (const b of bids) blocks.set(`${b.rollup}@${b.at_us}`, [...(blocks.get(`${b.rollup}@${b.at_us}`) ?? []), b]);
      for (const group of blocks.values()) {
        expect(group.length).toBe(3);
        expect(group.filter((b) => b.won).length).toBe(1);
        for (const b of group) expect(b.bid_usd).toBeCloseTo(0.9 * b.block_value_usd, 9);
      }
      const proposer = metrics.find((m) => m.metric === 'pbs.proposer_revenue_usd')!.value as number;
      const builder = metrics.find((m) => m.metric === 'pbs.builder_revenue_usd')!.value as number;
      expect(proposer).toBeCloseTo(9 * builder, 6);
    }
  });
});

describe('differentiated builders', () => {
  it('order-flow access, bid shading and latency decide who wins the blocks; the win shares sum to 1', async () => {
    const s = (name: string, bid: number) => ({ name, latency: '5ms', gas_usd: 0.05, bid_fraction: bid });
    const input = world({ policy: 'priority', mode: 'centralized', searchers: [s('s1', 0.3), s('s2', 0.6)] });
    input.sequencing = {
      centralized: { policy: 'pbs' },
      pbs: {
        builders: [
          { name: 'wide', order_flow: 1, margin: 0.1 },
          { name: 'narrow', order_flow: 0.3, margin: 0.05 },
          { name: 'greedy', order_flow: 1, margin: 0.6 },
          { name: 'remote', order_flow: 1, margin: 0.02, latency: '5s' },
        ],
      },
    };
    const { tables } = await runScenario(inlineScenario(input));
    const metrics = tables.metrics.toArray().map((r) => r.toJSON() as Row);
    const share = (name: string) => metrics.find((m) => m.metric === 'pbs.win_share' && m.subject === name)!.value as number;
    const shares = ['wide', 'narrow', 'greedy', 'remote'].map(share);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // Blocks with a bundle go to whoever bids most for them: the wide builder holds every bundle and
    // shades little; the narrow one holds 30% of them (and wins those it holds, at a lower margin);
    // the greedy one shades most; the remote one gets bundles 5 s late, after their blocks.
    const bids = tables.bids.toArray().map((r) => r.toJSON() as Row);
    const valued = new Map<string, Row[]>();
    for (const b of bids) if (b.block_value_usd > 0) valued.set(`${b.at_us}`, [...(valued.get(`${b.at_us}`) ?? []), b]);
    const wonWithBundles = (name: string) => [...valued.values()].filter((g) => g.some((b) => b.won && b.builder_name === name && b.block_value_usd > 0)).length;
    expect(valued.size).toBeGreaterThan(20);
    expect(wonWithBundles('wide')).toBeGreaterThan(wonWithBundles('greedy'));
    expect(wonWithBundles('narrow')).toBeGreaterThan(0);
    expect(wonWithBundles('wide')).toBeGreaterThan(wonWithBundles('narrow'));
    // The remote builder never holds a bundle in time: its blocks carry priority fees only.
    for (const b of bids.filter((b) => b.builder_name === 'remote')) expect(b.block_value_usd).toBe(Math.min(...bids.filter((o) => o.at_us === b.at_us).map((o) => o.block_value_usd)));
    expect(bids.filter((b) => b.builder_name === 'wide' && b.block_value_usd > 0).length).toBeGreaterThan(20);
    console.log(`win shares: wide ${shares[0].toFixed(3)}, narrow ${shares[1].toFixed(3)}, greedy ${shares[2].toFixed(3)}, remote ${shares[3].toFixed(3)}; blocks with bundles won: wide ${wonWithBundles('wide')}, narrow ${wonWithBundles('narrow')}, greedy ${wonWithBundles('greedy')}`);
  });
});

describe('searchers with different capital and latency', () => {
  it('capital caps the front-run; with less capital a searcher values victims less and loses the auctions to a richer rival', async () => {
    const s = (name: string, over: object) => ({ name, latency: '5ms', gas_usd: 0.05, ...over });
    const { mev, trades } = await run(world({ searchers: [s('poor', { capital_usd: 1000 }), s('rich', {})] }));
    for (const t of trades.filter((t) => t.agent === 'poor' && t.side === 'buy')) expect(t.amount_in).toBeLessThanOrEqual(1000 * (1 + 1e-12));
    const wins = (name: string) => mev.filter((m) => m.searcher === name && m.status === 'ok').length;
    expect(wins('rich')).toBeGreaterThan(3 * wins('poor'));
    // Latency: a slower rival of equal capital gets fewer rounds of the gas auction in before the
    // block is cut, so the faster searcher wins and keeps more than against an equally fast rival.
    const meanNet = (rows: Row[]) => {
      const won = rows.filter((m) => m.status === 'ok');
      return won.reduce((a, m) => a + m.net_profit_usd, 0) / won.length;
    };
    const vsSlow = await run(world({ searchers: [s('fast', {}), s('slow', { latency: '50ms' })] }));
    const vsFast = await run(world({ searchers: [s('fast', {}), s('twin', {})] }));
    expect(vsSlow.mev.filter((m) => m.status === 'ok').every((m) => m.searcher === 'fast')).toBe(true);
    expect(meanNet(vsSlow.mev)).toBeGreaterThan(meanNet(vsFast.mev) + 1);
  });
});
