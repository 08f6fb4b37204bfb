// The small world the experiment tests (sweeps, shards, resume, crash points) run: one 250 ms
// rollup with users, a pool and noise traders, optionally a sandwich searcher and priority
// ordering, under centralized and shared sequencing. Each test appends its own output and sweep.
export interface SmallWorld {
  name: string;
  seed: number;
  runs: number;
  horizon: string;
  /** Users' rate and noise traders' rate, per second. */
  users: number;
  traders: number;
  searcher?: boolean;
  priority?: boolean;
}

export function smallWorld(w: SmallWorld): string {
  const policy = w.priority ? ', policy: priority' : '';
  return `
name: ${w.name}
seed: ${w.seed}
runs: ${w.runs}
horizon: ${w.horizon}
assets: [{ id: eth, price: 3000, vol: 0.6, tick: 200ms }]
rollups:
  - id: fast
    block_time: 250ms
    users: [{ name: retail, rate: ${w.users} }]
    pools: [{ id: eth-usd, asset: eth, liquidity_usd: 5000000, fee_bps: 5 }]
    traders: [{ name: noise, pool: eth-usd, rate: ${w.traders}, size_usd: 2000 }]
${w.searcher ? '    searchers: [{ name: sand, latency: 5ms }]\n' : ''}sequencing:
${w.priority ? '  centralized: { policy: priority }\n' : ''}  shared: { preset: espresso, nodes: 4${policy} }
modes: [centralized, shared]
`;
}
