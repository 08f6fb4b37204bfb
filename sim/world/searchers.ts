// MEV searchers: each watches its rollup's transactions in its sequencer's mempool (seeing only what the policy shows)
// and acts as the sequencer's capabilities allow.
import { BackrunSearcher } from '../model/agents/backrun.ts';
import { SandwichSearcher } from '../model/agents/sandwich.ts';
import { submitterFor, type WorldContext } from './context.ts';

export function buildSearchers(ctx: WorldContext): void {
  const { sim, scenario, events, sequencing } = ctx;
  scenario.rollups.forEach((r, i) => {
    const sequencer = sequencing.sequencers[i];
    for (const se of r.searchers) {
      const link = submitterFor(ctx, i, `searchers/${se.name}`, { region: se.region, latencyUs: se.latency });
      const label = `searchers/${r.id}/${se.name}`;
      if (se.strategy === 'backrun') {
        const searcher = new BackrunSearcher(sim, { name: se.name, gasUsd: se.gas_usd, minProfitUsd: se.min_profit_usd }, link, events, label);
        sequencer.mempool.subscribe(
          {
            pending: (view) => (view.tx ? searcher.seen(view.tx) : undefined),
            revealed: (txs) => txs.forEach((tx) => (tx.rollup === i ? searcher.seen(tx) : undefined)),
          },
          i,
        );
        continue;
      }
      const params = { name: se.name, gasUsd: se.gas_usd, minProfitUsd: se.min_profit_usd, bidFraction: se.bid_fraction, bidIncrementUsd: se.bid_increment_usd, capitalUsd: se.capital_usd ?? Infinity };
      const searcher = new SandwichSearcher(sim, params, sequencer.capabilities, link, events, label);
      sequencer.mempool.subscribe({ pending: (view) => searcher.pending(view) }, i);
    }
  });
}
