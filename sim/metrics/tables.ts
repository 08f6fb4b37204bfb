// The one source of truth for every output table: its columns, their types, units and meaning.
// Writers build their Arrow schema from here (never inferred from data), docs/tables.md is
// rendered from here, and adding a table or a column is a matter of adding an entry below.

import { Binary, Bool, Field, Float64, Int32, Int64, Schema, Utf8, type DataType } from 'apache-arrow';

export type ColumnType = 'utf8' | 'int32' | 'int64' | 'float64' | 'bool' | 'binary';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  /** 'µs', 'bps', 'USD', … ; '' for identifiers, labels and dimensionless counts. */
  readonly unit: string;
  readonly description: string;
}

export interface TableSpec {
  readonly name: string;
  /** What one row is. */
  readonly description: string;
  readonly columns: readonly ColumnSpec[];
}

// Small constructors keep the specs below readable as a table.
function col<const N extends string, const T extends ColumnType>(
  name: N, type: T, unit: string, description: string,
): { name: N; type: T; nullable: false; unit: string; description: string } {
  return { name, type, nullable: false, unit, description };
}
function nullableCol<const N extends string, const T extends ColumnType>(
  name: N, type: T, unit: string, description: string,
): { name: N; type: T; nullable: true; unit: string; description: string } {
  return { name, type, nullable: true, unit, description };
}

const RUN_ID = col('run_id', 'int32', '', 'The run this row belongs to (runs.run_id).');
const MODE = col('mode', 'utf8', '', "Sequencing mode of the run: 'centralized' or 'shared'.");

export const TABLES = {
  runs: {
    name: 'runs',
    description: 'One row per simulated run: its provenance, parameters and outcome.',
    columns: [
      col('run_id', 'int32', '', '0-based index of the run within this invocation.'),
      col('scenario', 'utf8', '', 'Name of the scenario.'),
      col('scenario_sha256', 'utf8', '', 'SHA-256 (hex) of the resolved scenario: the canonical JSON of the files merged through `extends`, with `--set` overrides applied, before defaults.'),
      MODE,
      col('seed', 'int64', '', 'Root seed of the run; every random stream derives from it.'),
      col('point', 'int32', '', 'Sweep point index; 0 when not sweeping.'),
      col('params_json', 'utf8', '', 'The parameters of this run as written (after extends and --set, durations as strings), with its own seed and mode, as canonical JSON (sorted keys).'),
      col('resolved_json', 'utf8', '', 'The same parameters as the simulator used them: defaults filled and every duration in integer microseconds under its key with `_us` appended (`horizon_us`), as canonical JSON.'),
      col('events', 'int64', '', 'Number of events processed.'),
      col('end_time_us', 'int64', 'µs', 'Simulated time at which the run ended.'),
      col('status', 'utf8', '', "'ok', or 'failed' when an invariant broke."),
      nullableCol('error', 'utf8', '', 'The broken invariant and its detail when status is failed; null otherwise.'),
    ],
  },
  metrics: {
    name: 'metrics',
    description: 'Long form, one row per figure: a named metric of one run, optionally about one rollup and one subject.',
    columns: [
      RUN_ID,
      MODE,
      col('metric', 'utf8', '', 'Metric name, `<area>.<quantity>[.<statistic>]`, e.g. `latency.inclusion_ms.p50`.'),
      nullableCol('rollup', 'utf8', '', 'The rollup the figure is about; null for whole-run figures.'),
      nullableCol('subject', 'utf8', '', 'What else the figure is about (a pool, an agent…); null when not about one.'),
      col('value', 'float64', '', 'The figure, in the unit named by the unit column; NaN when the run had nothing to measure (a mean over no swaps, a rate over no blocks).'),
      col('unit', 'utf8', '', "Unit of value: 'ms', 'bps', 'USD', 'count', '' for dimensionless ratios…"),
    ],
  },
  txs: {
    name: 'txs',
    description: 'One row per transaction: who sent it and what happened to it, from submission to inclusion.',
    columns: [
      RUN_ID,
      MODE,
      col('tx_id', 'int64', '', 'Transaction id, unique within the run.'),
      col('rollup', 'utf8', '', 'The rollup the transaction targets.'),
      col('sender', 'utf8', '', 'The agent or user population that sent it.'),
      col('submit_us', 'int64', 'µs', 'When the sender submitted it.'),
      nullableCol('arrive_us', 'int64', 'µs', 'When it reached the sequencer; null if it never did.'),
      nullableCol('preconf_us', 'int64', 'µs', 'When the sequencer (or the shared slot leader) pre-confirmed it; the inclusion time when nothing promised it earlier; null if never.'),
      nullableCol('preconf_broken_us', 'int64', 'µs', "When a pre-confirmation it had was first broken: its shared slot did not commit (the leader equivocated or lost quorum), or an equivocating sequencer's posted block left it out; preconf_us is then the later promise or inclusion. Null if no promise of it was broken."),
      nullableCol('include_us', 'int64', 'µs', 'When the block including it was executed on its rollup; null if not included.'),
      nullableCol('final_us', 'int64', 'µs', 'When it became final: inclusion + L1 posting delay (centralized), commit (+ L1 posting) of the shared set; may lie past the horizon; null if not included.'),
      nullableCol('block', 'int64', '', 'Number of the including block on its rollup; null if not included.'),
      nullableCol('position', 'int32', '', 'Index of the transaction within its block; null if not included.'),
      nullableCol('sequencer', 'utf8', '', "Who ordered it: 'central' (the rollup's own sequencer), 'node-<i>' (the shared slot's leader), 'fallback' (the rollup's sequencer while the shared set was halted) or 'l1' (forced inclusion); null if not included."),
      col('policy', 'utf8', '', "Ordering policy of the sequencer it was sent to: 'fcfs', 'priority', 'pbs', 'encrypted' or 'fair'."),
      col('fee_usd', 'float64', 'USD', 'Priority fee offered.'),
      nullableCol('bundle_id', 'int64', '', 'The cross-rollup intent this transaction is a leg of (an atomic bundle under shared sequencing, independent legs under centralized); null otherwise.'),
      col('status', 'utf8', '', "'included' (executed), 'reverted' (included in a block but its action failed: see reason), 'dropped' (left without executing: replaced by a higher bid, or a bundle that lost the builder auction), or 'pending' (still waiting at the horizon)."),
      nullableCol('reason', 'utf8', '', "Why it failed, when status is 'reverted': 'slippage-limit', 'no-opportunity', 'unprofitable', 'insufficient-liquidity'…; null otherwise."),
    ],
  },
  trades: {
    name: 'trades',
    description:
      'One row per swap attempt executed in a rollup block (successful or failed), with the prices the trader saw when deciding and the ones it got. ' +
      'Slippage is measured against trading at the pool mid seen at decision with no fee (exact-in: the output shortfall; exact-out: the input excess): ' +
      'slippage_bps = fee_bps + impact_bps + execution_drift_bps exactly (the last is the pool moving between decision and execution). ' +
      "For users' swaps the drift is split by counterfactual re-execution with the constant-product math: from the state seen, the swaps executed between decision and execution are replayed in order, " +
      "first users' swaps only, then with arbitrageurs', then all (with searchers' and the sequencer's), and the swap is re-quoted after each; so " +
      'execution_drift_bps = ordering_bps + latency_bps + mev_bps + other_bps and slippage_bps = fee_bps + impact_bps + ordering_bps + latency_bps + mev_bps + other_bps (to floating-point rounding).',
    columns: [
      RUN_ID,
      MODE,
      col('rollup', 'utf8', '', 'The rollup whose block executed the swap.'),
      col('pool', 'utf8', '', 'Pool id on that rollup.'),
      col('agent_kind', 'utf8', '', "'noise' (a user: noise trader population), 'arbitrageur', 'searcher' (MEV searcher) or 'sequencer' (an extractive sequencer trading for itself), 'maker' (an options market maker's delta hedge) or 'liquidator' (a liquidator selling the collateral it seized, in the liquidation's transaction or, for collateral on another rollup, in its collateral leg)."),
      col('agent', 'utf8', '', 'Name of the trader population or arbitrageur.'),
      col('tx_id', 'int64', '', 'The transaction that carried the swap (txs.tx_id).'),
      col('decided_us', 'int64', 'µs', 'When the trader decided and submitted.'),
      col('executed_us', 'int64', 'µs', 'When the block executed it.'),
      col('side', 'utf8', '', "'buy' (pays USD for the asset) or 'sell' (pays the asset for USD)."),
      col('exact', 'utf8', '', "'in' (the input amount was fixed, with a minimum output) or 'out' (the output amount was fixed, with a maximum input)."),
      col('amount_in', 'float64', 'token', 'Input paid, fee included: USD for a buy, asset units for a sell; 0 when the swap failed.'),
      col('amount_out', 'float64', 'token', 'Output received: asset units for a buy, USD for a sell; 0 when the swap failed.'),
      col('fee_usd', 'float64', 'USD', 'Fee paid, valued at the reference price at execution.'),
      col('mid_seen', 'float64', 'USD', 'Pool mid price (USD per asset unit) in the state the trader saw when deciding.'),
      col('mid_before', 'float64', 'USD', 'Pool mid price just before execution.'),
      col('mid_after', 'float64', 'USD', 'Pool mid price just after execution (= mid_before when the swap failed).'),
      col('ref_decided', 'float64', 'USD', 'Reference (CEX) price when the trader decided.'),
      col('ref_executed', 'float64', 'USD', 'Reference price at execution.'),
      col('pool_value_usd', 'float64', 'USD', 'Pool reserves valued at the reference price just before execution.'),
      col('lvr_usd', 'float64', 'USD', "The pool's loss versus rebalancing on this swap, fees excluded: what the swap took from the pool minus what it put in, at the reference price (positive = LPs lost)."),
      col('profit_usd', 'float64', 'USD', 'Trader profit at the reference price at execution, after fee and gas (arbitrageurs; for noise traders the same accounting, usually negative).'),
      col('slippage_bps', 'float64', 'bps', 'Cost versus trading at mid_seen with no fee, in bps of that ideal amount (exact-in: output shortfall; exact-out: input excess); NaN when the swap did not execute (any status but ok).'),
      col('fee_bps', 'float64', 'bps', 'Part of slippage_bps due to the pool fee. NaN when the swap did not execute (any status but ok).'),
      col('impact_bps', 'float64', 'bps', "Part of slippage_bps due to the swap's own size against the pool state seen (price impact). NaN when the swap did not execute (any status but ok)."),
      col('execution_drift_bps', 'float64', 'bps', 'Part of slippage_bps due to the pool moving between decision and execution (other transactions ordered first); for users = ordering_bps + latency_bps + mev_bps + other_bps. NaN when the swap did not execute (any status but ok).'),
      nullableCol('ordering_bps', 'float64', 'bps', "Part of execution_drift_bps due to other users' ('noise') swaps and options makers' hedges ('maker') executed between decision and execution: the quote after replaying only those from the state seen, versus the quote in the state seen. Null for failed swaps and for swaps not made by users (agent_kind other than 'noise')."),
      nullableCol('latency_bps', 'float64', 'bps', "Part of execution_drift_bps due to arbitrageurs moving the pool towards the reference price while the swap was in flight (latency drift): adding their swaps to the replay. Null for failed swaps and for swaps not made by users (agent_kind other than 'noise')."),
      nullableCol('mev_bps', 'float64', 'bps', "Part of execution_drift_bps due to swaps inserted ahead by MEV searchers or an extractive sequencer (front-runs): adding them to the replay. Null for failed swaps and for swaps not made by users (agent_kind other than 'noise')."),
      nullableCol('other_bps', 'float64', 'bps', "Rest of execution_drift_bps: the actual execution versus the replay of every swap in the window (≈ 0, floating-point rounding); the whole drift when the window had left the per-pool log of recent swaps (metric slippage.unreplayed counts those, and exact-out swaps the pool seen could not have filled). Null for failed swaps and for swaps not made by users (agent_kind other than 'noise')."),
      col('ref_drift_bps', 'float64', 'bps', "Move of the reference price between decision and execution, signed against the trader (a buy facing a rising price is positive)."),
      col('status', 'utf8', '', "'ok', 'slippage-limit' (the output would have been below the trader's minimum, or the input above its maximum), or 'failed' (no opportunity left, unprofitable, insufficient liquidity)."),
    ],
  },
  mev: {
    name: 'mev',
    description:
      'One row per MEV opportunity taken or attempted (a sandwich: front-run, victim, back-run), with who captured it and how its value split. ' +
      'net_profit_usd = gross_profit_usd − fees_paid_usd − gas_usd; the fees go to the sequencer (or the slot proposer).',
    columns: [
      RUN_ID,
      MODE,
      col('kind', 'utf8', '', "'sandwich' (front-run + back-run around a victim) or 'backrun' (an arbitrage placed right after a user's swap)."),
      col('searcher', 'utf8', '', "The searcher, or the sequencer itself ('central', 'node-<i>') when it extracted."),
      col('captured_by', 'utf8', '', "'searcher' (bid for its places through priority fees) or 'sequencer' (an extractive sequencer or slot leader, which orders itself)."),
      nullableCol('victim_tx', 'int64', '', 'The victim transaction (txs.tx_id).'),
      nullableCol('front_tx', 'int64', '', 'The front-run that executed (its last replacement), or null.'),
      nullableCol('back_tx', 'int64', '', 'The back-run, or null.'),
      col('rollups', 'utf8', '', 'The rollup(s) it happened on, comma-separated.'),
      col('pool', 'utf8', '', 'Pool id.'),
      col('opened_us', 'int64', 'µs', 'When the opportunity was seen and the first transaction sent (or the block built).'),
      col('closed_us', 'int64', 'µs', 'When its last transaction executed.'),
      nullableCol('front_in', 'float64', 'token', "Front-run size: the front-run's input, in its input token (USD for a buy, asset units for a sell); null for back-runs and front-runs that did not execute."),
      nullableCol('front_in_usd', 'float64', 'USD', 'Front-run size valued at the reference price at close; null when front_in is.'),
      col('gross_profit_usd', 'float64', 'USD', 'Back-run output minus front-run input, valued at the reference price at close (0 if the front-run failed).'),
      col('fees_paid_usd', 'float64', 'USD', 'Priority fees paid (revenue of the sequencer): the bids of its transactions that executed successfully; a reverted one pays gas only.'),
      col('gas_usd', 'float64', 'USD', 'Gas of its executed transactions, reverted ones included.'),
      col('net_profit_usd', 'float64', 'USD', 'What the searcher kept: gross − fees − gas (negative for a lost auction).'),
      nullableCol('victim_loss_usd', 'float64', 'USD', "What the victim lost to it: its output with no front-run ahead minus what it got, at the reference price; null if the front-run failed or the victim's swap failed."),
      col('status', 'utf8', '', "'ok' (both legs executed around the executed victim) or 'failed'."),
      nullableCol('reason', 'utf8', '', "Why it failed: 'outbid' (a rival's front-run came first and this one reverted), 'lost-auction' (PBS: another bundle won the builder), 'victim-missing' (the victim was not executed, e.g. censored), 'no-opportunity', 'back-…'; null when ok."),
    ],
  },
  bids: {
    name: 'bids',
    description: "Under proposer-builder separation ('pbs' policy): one row per builder per block, its block's value and its bid to the proposer; the proposer takes the highest.",
    columns: [
      RUN_ID,
      MODE,
      col('rollup', 'utf8', '', 'The rollup whose block was auctioned.'),
      col('at_us', 'int64', 'µs', 'When the block was built (block cut, or slot proposal).'),
      col('builder', 'int32', '', 'Builder index (scenario order).'),
      col('builder_name', 'utf8', '', "Builder name (sequencing.pbs.builders[].name, or 'builder-<i>')."),
      col('block_value_usd', 'float64', 'USD', 'What the block pays its builder: bundle payments + priority fees.'),
      col('bid_usd', 'float64', 'USD', 'Bid to the proposer: the value less the builder margin.'),
      col('won', 'bool', '', 'Whether the proposer took this builder\'s block.'),
    ],
  },
  quotes: {
    name: 'quotes',
    description:
      "One row per option per quote update that executed on a venue: the maker's bid and ask and how it built them. " +
      'ask − bid = (ask_base − bid_base) + 2 × half_spread_usd, where ask_base and bid_base are Black–Scholes at vol_ask and vol_bid (Leland) and ' +
      'half_spread_usd = fee_usd + adverse_selection_usd + snipe_usd + inventory_usd + hedge_cost_usd + leg_failure_usd + capital_usd + arrival_usd; both sides are shifted by reservation_shift_usd.',
    columns: [
      RUN_ID,
      MODE,
      col('at_us', 'int64', 'µs', 'When the quote update executed (its block).'),
      col('decided_us', 'int64', 'µs', 'When the maker decided it (the reference price it used is spot).'),
      col('venue', 'utf8', '', 'Venue id.'),
      col('maker', 'utf8', '', 'Maker name.'),
      col('instrument', 'utf8', '', 'Instrument id: <venue>-<C|P><strike>-<tenor s>#<listing>.'),
      col('kind', 'utf8', '', "'call' or 'put'."),
      col('strike', 'float64', 'USD', 'Strike.'),
      col('expiry_us', 'int64', 'µs', 'Expiry.'),
      col('spot', 'float64', 'USD', 'Reference price the maker quoted from.'),
      col('bid', 'float64', 'USD', 'Bid, per contract (one unit of the underlying).'),
      col('ask', 'float64', 'USD', 'Ask, per contract.'),
      col('mid', 'float64', 'USD', "Black–Scholes at the maker's volatility estimate."),
      col('vol_bid', 'float64', '', 'Volatility the bid is priced at (annualized; Leland, long side).'),
      col('vol_ask', 'float64', '', 'Volatility the ask is priced at (annualized; Leland, short side).'),
      col('half_spread_usd', 'float64', 'USD', 'Sum of the components below.'),
      col('fee_usd', 'float64', 'USD', "The maker's own fee per contract."),
      col('adverse_selection_usd', 'float64', 'USD', 'Learned from the markouts of its fills.'),
      col('snipe_usd', 'float64', 'USD', 'Learned from how far its fair value had moved from its quotes\' mids, in the takers\' favour, when they were hit (stale quotes).'),
      col('inventory_usd', 'float64', 'USD', 'Avellaneda–Stoikov: ½·γ·[(δ·S·σ)²·τ + (π/4)·(vega·σ)²/N], τ its measured hedge delay (or, with a horizon end, the time left to it), N the rebalances left at its rebalancing interval (Kamal–Derman hedging error).'),
      col('hedge_cost_usd', 'float64', 'USD', "Its measured hedge slippage on this option's delta."),
      col('leg_failure_usd', 'float64', 'USD', 'Its failed-hedge rate × the loss per failure.'),
      col('capital_usd', 'float64', 'USD', 'Margin for the delta × cost of capital × time held (pooled: until hedged; siloed: to expiry, on both rollups).'),
      col('arrival_usd', 'float64', 'USD', "Avellaneda–Stoikov's order-arrival term (1/γ)·ln(1 + γ/k) for flow whose intensity decays as A·e^(−k·δ) with the quote's distance δ; 0 unless the maker is given k (makers[].flow_decay)."),
      col('reservation_shift_usd', 'float64', 'USD', 'Avellaneda–Stoikov shift of both sides against its unhedged delta.'),
      col('reason', 'utf8', '', "What triggered the update: 'start', 'listing', 'timer', 'move', 'fill'."),
    ],
  },
  option_trades: {
    name: 'option_trades',
    description: "One row per taker order: a fill against one maker's quote, or a failed order (no quote within its limit, or expired). Markouts are the taker's profit per contract at fair value (Black–Scholes at the true volatility) some time after the fill.",
    columns: [
      RUN_ID,
      MODE,
      col('at_us', 'int64', 'µs', 'When the order executed (its block).'),
      col('decided_us', 'int64', 'µs', 'When the taker decided.'),
      col('venue', 'utf8', '', 'Venue id.'),
      col('instrument', 'utf8', '', 'Instrument id.'),
      col('taker', 'utf8', '', 'Taker population name.'),
      col('taker_kind', 'utf8', '', "'uninformed', 'informed' or 'sniper'."),
      col('strategy', 'utf8', '', "'single', 'snipe', or a multi-leg strategy: 'risk_reversal', 'vertical', 'cross_rollup_spread' (options.takers[].strategy)."),
      nullableCol('strategy_order', 'int64', '', 'A multi-leg strategy order: the id its legs share (the transaction on one venue, the bundle across rollups); null for a single order.'),
      nullableCol('leg', 'int32', '', 'Which leg of its strategy order (0: the long leg when bought); null for a single order.'),
      col('legs', 'int32', '', 'How many legs its strategy order has (1 for a single order).'),
      nullableCol('maker', 'utf8', '', 'The maker whose quote it hit; null when it failed.'),
      col('side', 'utf8', '', "The taker's side: 'buy' or 'sell'."),
      col('size', 'float64', '', 'Contracts filled (0 when failed).'),
      nullableCol('price', 'float64', 'USD', 'Fill price per contract.'),
      nullableCol('quote_mid', 'float64', 'USD', "Mid of the maker's quote that was hit ((bid + ask) / 2)."),
      col('spot', 'float64', 'USD', 'Reference price at execution.'),
      nullableCol('fair_usd', 'float64', 'USD', 'Black–Scholes at the true volatility at execution, per contract.'),
      nullableCol('taker_edge_usd', 'float64', 'USD', "The taker's profit at fair value at the fill, per contract: (fair − price) for a buy, (price − fair) for a sell; positive: the maker's quote was stale or mispriced in the taker's favour."),
      col('snipe', 'bool', '', 'taker_edge_usd > 0: the taker beat a stale quote.'),
      nullableCol('taker_fee_usd', 'float64', 'USD', 'Taker fee paid.'),
      nullableCol('markout_1s_usd', 'float64', 'USD', "Taker's profit per contract at fair value 1 s after the fill; null past expiry or the horizon."),
      nullableCol('markout_10s_usd', 'float64', 'USD', 'The same, 10 s after.'),
      nullableCol('markout_60s_usd', 'float64', 'USD', 'The same, 60 s after.'),
      col('status', 'utf8', '', "'filled', or why it failed: 'no-quote-within-limit', 'expired', 'partial-fill' (a strategy leg, and an order sent with its maker's hedge, is fill-or-kill), 'leg-failed' (the leg's rollup failed it: rollups[].leg_failure_prob), 'bundle-reverted' (another leg of its atomic bundle failed: for an order sent with its maker's hedge, that hedge)."),
    ],
  },
  exotics: {
    name: 'exotics',
    description:
      "One row per expiry of a cross-rollup exotic (options.exotics): a dual digital paying if the pool prices on two rollups are both at or above their strikes. Its terms read both pools at the expiry instant (price_at_expiry_*); its keeper's settlement reads them as the sequencers let it — in one slot under a shared set, leg 1 after the bridge otherwise — and pays on those readings. Rows appear when the settlement completed or could no longer complete; expiries still settling at the horizon have none.",
    columns: [
      RUN_ID,
      MODE,
      col('exotic', 'utf8', '', 'Exotic id.'),
      col('listed_us', 'int64', 'µs', 'When this expiry was listed (its strikes set from the pools then).'),
      col('expiry_us', 'int64', 'µs', 'Its expiry.'),
      col('strike_0', 'float64', 'USD', "Leg 0's strike (pool price at listing × (1 + strike_pct/100))."),
      col('strike_1', 'float64', 'USD', "Leg 1's strike."),
      nullableCol('fair_usd', 'float64', 'USD', 'Value at listing of the written payoff: payout × N(d₀)·N(d₁), the two pools taken as independent lognormal prices at their assets\' true laws; null when an asset jumps or replays a path.'),
      col('price_at_expiry_0', 'float64', 'USD', "Leg 0's pool price at the expiry instant (what the terms read)."),
      col('price_at_expiry_1', 'float64', 'USD', "Leg 1's pool price at the expiry instant."),
      col('payout_at_expiry_usd', 'float64', 'USD', 'What the terms promised: the payoff on both pools at expiry.'),
      nullableCol('read_us_0', 'int64', 'µs', "When the settlement's leg 0 read its pool (its block); null if it never executed."),
      nullableCol('read_us_1', 'int64', 'µs', 'When leg 1 read its pool and paid; null if it never executed.'),
      nullableCol('price_read_0', 'float64', 'USD', 'Pool price leg 0 read.'),
      nullableCol('price_read_1', 'float64', 'USD', 'Pool price leg 1 read.'),
      nullableCol('read_gap_ms', 'float64', 'ms', 'read_us_1 − read_us_0: 0 in one atomic slot, the bridge and a block otherwise.'),
      nullableCol('payout_usd', 'float64', 'USD', 'What the settlement paid, on its readings; null when unsettled.'),
      nullableCol('settlement_error_usd', 'float64', 'USD', 'payout_usd − payout_at_expiry_usd.'),
      col('status', 'utf8', '', "'settled', or 'unsettled' (a leg never executed: the bridge lost the message)."),
    ],
  },
  liquidations: {
    name: 'liquidations',
    description:
      'One row per liquidation executed on a lending market (Aave v3.3 rules). A liquidation repaying a fraction c = repaid_usd / debt of the debt with bonus b takes the health factor to ' +
      '(hf_before − c·LT·(1+b)) / (1 − c). The liquidator sells its collateral into the rollup\'s pool in the same transaction: that sale is a `trades` row with agent_kind \'liquidator\' and the same tx_id.',
    columns: [
      RUN_ID,
      MODE,
      col('at_us', 'int64', 'µs', 'When the block executed it.'),
      col('decided_us', 'int64', 'µs', 'When the liquidator decided and sent it.'),
      col('rollup', 'utf8', '', 'The rollup of the market.'),
      col('market', 'utf8', '', 'Lending market id.'),
      col('borrower', 'int32', '', 'Index of the position in its market (the order they were drawn in).'),
      col('liquidator', 'utf8', '', "The liquidator that won it; 'risk-engine' for a sequencer's risk engine (sequencing.*.risk_engine), whose liquidations are decided in the block that executes them."),
      col('tx_id', 'int64', '', 'The liquidation transaction (txs.tx_id).'),
      col('repaid_usd', 'float64', 'USD', 'Debt repaid.'),
      col('seized', 'float64', 'token', 'Collateral taken from the position, asset units (the protocol fee included).'),
      col('seized_usd', 'float64', 'USD', 'The same at the oracle price.'),
      col('bonus_usd', 'float64', 'USD', 'The bonus part of the seized collateral at the oracle price (seized_usd − repaid_usd when collateral was not exhausted).'),
      col('proceeds_usd', 'float64', 'USD', "What the liquidator's sale of its collateral returned (its value at the oracle price when the market has no pool). Collateral on another rollup (lending.markets[].collateral_rollup): what the sale was quoted at when the debt leg executed; the sale is its collateral leg's trade."),
      col('hf_before', 'float64', '', 'Health factor just before, at the oracle price.'),
      col('hf_after', 'float64', '', 'Health factor just after (Infinity when the debt is gone).'),
      col('oracle_price', 'float64', 'USD', 'The oracle price the market read.'),
      col('oracle_age_us', 'int64', 'µs', 'How old that price was: now minus when it was observed (a push oracle\'s keeper read it; a pool last moved).'),
      col('deficit_usd', 'float64', 'USD', 'Debt written off as bad debt because the collateral ran out.'),
      col('generation', 'int32', '', 'Liquidation generation: 0 when an exogenous price move put the position under HF 1, k + 1 when a pool move caused by a generation-k liquidation did (needs a pool oracle).'),
      nullableCol('episode_id', 'int32', '', 'The fault episode it is attributed to (contagion.episode_id): one hitting its rollup that was in progress or ended less than faults.aftermath before; null otherwise.'),
    ],
  },
  contagion: {
    name: 'contagion',
    description:
      'One row per fault episode (a sequencer outage): what it hit and what followed on the rollups of the failed sequencer during the outage and faults.aftermath after it. ' +
      'Under centralized sequencing an episode hits one rollup; under shared sequencing an outage of the set hits every member at once.',
    columns: [
      RUN_ID,
      MODE,
      col('episode_id', 'int32', '', 'Index of the episode in the run.'),
      col('kind', 'utf8', '', "'outage' (machines crashed), 'equivocation' (lasting until detection), 'posting_stall' (L1 posting; finality waits), 'censorship', 'bridge_halt' (rollups: every rollup) or 'oracle_outage' (a market's push oracle silent; rollups: the market's)."),
      col('cause', 'utf8', '', "'scheduled' (the faults section's lists) or 'random' (the fault budget)."),
      col('start_us', 'int64', 'µs', 'When the machines crashed.'),
      col('duration_us', 'int64', 'µs', 'How long they stayed down.'),
      col('machines', 'int32', '', 'Machines crashed (outage), equivocating (1) or censoring; 0 for posting stalls and bridge halts.'),
      col('of_machines', 'int32', '', "Machines of the failed sequencer (1 for a rollup's own, the node count of a shared set)."),
      col('rollups', 'utf8', '', 'Rollups the failed sequencer orders, comma-separated.'),
      col('rollups_affected', 'int32', '', 'Of those, how many halted: no block from a sequencer (own, shared or fallback; forced inclusion excluded) for at least half the outage.'),
      col('txs_delayed', 'int64', '', 'Transactions to those rollups submitted during the fault (in an outage they waited for the sequencer or a hatch).'),
      col('txs_preconf_broken', 'int64', '', 'Pre-confirmations of transactions to those rollups broken during the fault (txs.preconf_broken_us): slots that did not commit, an equivocating sequencer leaving its promises out.'),
      col('txs_reverted', 'int64', '', 'Of those, how many reverted when they executed.'),
      col('txs_dropped', 'int64', '', 'Of those, how many were dropped or still pending at the horizon.'),
      col('liquidations', 'int64', '', 'Liquidations attributed to the episode.'),
      col('liquidated_usd', 'float64', 'USD', 'Debt they repaid.'),
      nullableCol('cascade_depth', 'int32', '', 'Largest generation among them; null when none.'),
      col('bad_debt_usd', 'float64', 'USD', 'Deficits they recorded.'),
      nullableCol('recovery_s', 'float64', 's', "From the end of the outage to the later of each halted rollup's first sequencer block and the last liquidation attributed to it; null if it had not ended by the horizon."),
      col('max_ref_dislocation_bps', 'float64', 'bps', 'Largest gap between a pool on those rollups and its reference price, |mid / ref − 1|, sampled at every reference tick during the outage and aftermath.'),
      nullableCol('max_cross_dislocation_bps', 'float64', 'bps', 'Largest gap between a pool on those rollups and a pool of the same asset on another rollup, sampled the same way; null when no other rollup has one.'),
      nullableCol('options_spread_pre_bps', 'float64', 'bps', "Options makers that quote or hedge on those rollups: their mean ATM spread, (ask − bid) / spot, over the quote updates that executed in the faults.aftermath before the outage; null when no such maker quoted then."),
      nullableCol('options_spread_peak_bps', 'float64', 'bps', 'Their highest ATM spread from the start of the outage to the end of its aftermath; null when none quoted then (quotes pulled, or their venue halted).'),
      nullableCol('options_recovery_s', 'float64', 's', "From the end of the outage until every such maker's ATM spread was back at its pre-fault level (at most its mean + 2 standard deviations before the outage); null if one was not by the end of the aftermath or the horizon."),
      nullableCol('maker_loss_usd', 'float64', 'USD', "Their loss over the episode: minus the change of their books marked to market (cash from fills, hedges and settlements; options at the true volatility; hedge base at the reference price) from the outage's start to the end of its aftermath or the horizon; null without such makers."),
    ],
  },
  sketches: {
    name: 'sketches',
    description:
      'One row per distribution a run measured (each `<metric>.mean/.p50/.p99` family of `metrics`): its exact count and sum and its DDSketch, ' +
      'which merges across seeds, workers and shards into quantiles of the pooled samples with the same relative accuracy.',
    columns: [
      RUN_ID,
      MODE,
      col('metric', 'utf8', '', 'Base metric name, e.g. `latency.inclusion_ms` (its statistics are in `metrics` as `.mean`, `.p50`, `.p99`).'),
      nullableCol('rollup', 'utf8', '', 'As in metrics.'),
      nullableCol('subject', 'utf8', '', 'As in metrics.'),
      col('unit', 'utf8', '', 'Unit of the samples.'),
      col('count', 'int64', '', 'Number of samples.'),
      col('sum', 'float64', '', 'Sum of the samples, in unit (sum / count is the exact mean).'),
      col('relative_accuracy', 'float64', '', "DDSketch's α: every quantile read from the sketch is within a factor (1 ± α) of a sample at that rank."),
      col('ddsketch', 'binary', '', 'The sketch, serialized as DDSketch protobuf (the format of the DDSketch libraries: @datadog/sketches-js `DDSketch.fromProto`, Python `ddsketch`, Java, Go).'),
    ],
  },
  points: {
    name: 'points',
    description:
      'One row per sweep point (one row, point 0, without a sweep), then one column per swept parameter, in the order the sweep block writes them, ' +
      'named after its path as an identifier (`sequencing.shared.nodes` → `sequencing_shared_nodes`, `rollups[0].block_time` → `rollups_0_block_time_us`) and typed from the sweep definition: ' +
      'int64 for whole numbers and for durations (in µs, the name ending in `_us`), float64 for other numbers and Latin hypercube ranges, utf8 for strings, bool for true/false. ' +
      "Each parameter column's description (field metadata) names its path. Join with runs (and through run_id every other table) on point.",
    columns: [col('point', 'int32', '', 'Point index (runs.point): grid combinations in order, the first path outermost, Latin hypercube samples innermost.')],
  },
  point_metrics: {
    name: 'point_metrics',
    description:
      "One row per distribution (a `sketches` row's metric, rollup and subject), variant and statistic at each point, pooled over the point's seeds: " +
      'the mean from the exact counts and sums, the quantiles from the runs\' DDSketches merged (never from the per-run quantiles, never from samples). ' +
      'Rows are in run-plan order of first appearance, the statistics .mean, .p50, .p99.',
    columns: [
      col('point', 'int32', '', 'Sweep point (points.point).'),
      MODE,
      col('metric', 'utf8', '', 'Metric name: the sketch\'s base metric with `.mean`, `.p50` or `.p99`, as in metrics.'),
      nullableCol('rollup', 'utf8', '', 'As in metrics.'),
      nullableCol('subject', 'utf8', '', 'As in metrics.'),
      col('value', 'float64', '', 'The pooled figure, in unit; NaN when no run of the point measured a finite sample (or, for .mean, a run had a non-finite one).'),
      col('unit', 'utf8', '', 'Unit of value.'),
      col('count', 'int64', '', 'Samples pooled (the sum of the runs\' sketch counts).'),
      col('runs', 'int32', '', 'Runs pooled (finished runs of the point and variant).'),
    ],
  },
  comparison: {
    name: 'comparison',
    description:
      'One row per metric (and rollup, subject) and compared side: the paired comparison of a variant against a baseline, seed by seed on the same exogenous world (common random numbers), ' +
      'over the seeds where both sides have a finite value. `seqsim run` compares every variant with the baseline variant of the scenario (baseline = that variant); ' +
      '`seqsim compare A/ B/` compares each variant of B with the same variant of A (baseline = variant = its name; the seqsim.comparison metadata names the directories). ' +
      'Every figure is in the unit of the unit column. Rows are sorted by point, then metric, rollup, subject (nulls first), then variant in scenario order. Analysis: analysis/comparison.ts.',
    columns: [
      col('point', 'int32', '', 'Sweep point (points.point) whose runs are paired; 0 without a sweep. In seqsim compare of two sweeps, the point of both.'),
      col('metric', 'utf8', '', 'Metric name, as in metrics.metric.'),
      nullableCol('rollup', 'utf8', '', 'As in metrics.'),
      nullableCol('subject', 'utf8', '', 'As in metrics.'),
      col('unit', 'utf8', '', "Unit of every figure of the row (metrics.unit): 'ms', 'bps', 'USD', 'count', '' for dimensionless ratios…"),
      col('baseline', 'utf8', '', 'The baseline side: the baseline variant (seqsim run), or the variant in the first directory (seqsim compare).'),
      col('variant', 'utf8', '', 'The compared side: a variant other than the baseline (seqsim run), or the variant in the second directory (seqsim compare).'),
      col('n', 'int32', '', 'Seeds paired: runs of both sides on the same seed with a finite value.'),
      col('baseline_mean', 'float64', '', "Mean over those seeds of the baseline side's value, in unit."),
      col('variant_mean', 'float64', '', "Mean over those seeds of the compared side's value, in unit."),
      col('diff_mean', 'float64', '', 'Mean paired difference, variant − baseline seed by seed, in unit (= variant_mean − baseline_mean up to rounding).'),
      nullableCol('diff_t_low', 'float64', '', 'Lower end of the Student-t 95% interval of the mean difference (t on n − 1 degrees of freedom), in unit; null when n < 2.'),
      nullableCol('diff_t_high', 'float64', '', 'Upper end of that interval, in unit; null when n < 2.'),
      nullableCol('diff_boot_low', 'float64', '', 'Lower end of the percentile bootstrap 95% interval of the mean difference (4,000 resamples of the seeds from a seeded stream named after the row: deterministic), in unit; null when n < 10.'),
      nullableCol('diff_boot_high', 'float64', '', 'Upper end of that interval, in unit; null when n < 10.'),
    ],
  },
} as const satisfies Record<string, TableSpec>;

export type TableName = keyof typeof TABLES;

/** Names of every table, in declaration order (stable: docs and writers iterate it). */
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** The tables the recorders write row by row as a run goes (the rest summarise runs and points). */
export const EVENT_TABLES = ['txs', 'trades', 'mev', 'bids', 'quotes', 'option_trades', 'exotics', 'liquidations', 'contagion'] as const satisfies readonly TableName[];
export type EventTable = (typeof EVENT_TABLES)[number];

/** Schema-level metadata keys written into every file; values are strings (JSON where structured). */
export const METADATA_KEYS = [
  { key: 'seqsim.table', description: 'Name of the table in this file (added by the writer).' },
  { key: 'seqsim.version', description: 'Version of seqsim that wrote the file.' },
  { key: 'seqsim.arrow_version', description: 'Version of apache-arrow (JS) that wrote the file.' },
  { key: 'seqsim.scenario_sha256', description: 'SHA-256 (hex) of the scenario file.' },
  { key: 'seqsim.files', description: 'JSON object: path of every input file read → its SHA-256.' },
  { key: 'seqsim.seeds', description: 'JSON array of the root seeds run.' },
  { key: 'seqsim.modes', description: "JSON array of the values of the mode column, in run order: the sequencing modes run (e.g. [\"centralized\",\"shared\"]), or the variant names when the scenario names `variants`." },
  { key: 'seqsim.comparison', description: 'comparison.arrow only: JSON object saying what its sides are: {"kind": "variants", "baseline": <variant>} from seqsim run, or {"kind": "outputs", "baseline": <dir A>, "variant": <dir B>, …} from seqsim compare (each side\'s scenario, its SHA-256 and seqsim version).' },
  { key: 'seqsim.variants', description: 'Only when the scenario names `variants`: JSON array of {name, mode, baseline}, each variant with its sequencing mechanism and whether it is the baseline.' },
] as const;

/** The TypeScript value a column accepts from callers; int64 takes exact integer numbers (or bigints). */
type ColumnValue<C extends ColumnSpec> =
  C['type'] extends 'utf8' ? string
  : C['type'] extends 'bool' ? boolean
  : C['type'] extends 'int64' ? number | bigint
  : C['type'] extends 'binary' ? Uint8Array
  : number;

/**
 * A row of a table as handed to a writer: required keys for non-nullable columns, optional for
 * nullable ones. A spec only known as `TableSpec` (column names are plain strings) gives a loose record.
 */
export type RowOf<T extends TableSpec> = string extends T['columns'][number]['name']
  ? Record<string, unknown>
  : & { [C in T['columns'][number] as C['nullable'] extends true ? never : C['name']]: ColumnValue<C> }
    & { [C in T['columns'][number] as C['nullable'] extends true ? C['name'] : never]?: ColumnValue<C> | null };

export type Row<N extends TableName> = RowOf<(typeof TABLES)[N]>;

export function arrowType(type: ColumnType): DataType {
  switch (type) {
    case 'utf8': return new Utf8();
    case 'int32': return new Int32();
    case 'int64': return new Int64();
    case 'float64': return new Float64();
    case 'bool': return new Bool();
    case 'binary': return new Binary();
  }
}

/**
 * The explicit Arrow schema of a table. Each field carries its description (and unit, if any) as
 * field metadata so a file documents itself; schema metadata keys are sorted so that the same
 * inputs give the same bytes whatever order the caller built its record in.
 */
export function tableSchema(spec: TableSpec, metadata: Record<string, string> = {}): Schema {
  const fields = spec.columns.map((c) => {
    const fieldMetadata = new Map<string, string>([['description', c.description]]);
    if (c.unit !== '') fieldMetadata.set('unit', c.unit);
    return new Field(c.name, arrowType(c.type), c.nullable, fieldMetadata);
  });
  const withTable: Record<string, string> = { ...metadata, 'seqsim.table': spec.name };
  const sorted = new Map(Object.keys(withTable).sort().map((k) => [k, withTable[k]] as [string, string]));
  return new Schema(fields, sorted);
}
