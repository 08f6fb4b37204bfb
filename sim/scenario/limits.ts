// The ranges every scenario field is held to (README "Limits"). Each bound is chosen from what one
// run can hold or what can be meant: a value past it is a unit mistake or a typo, and the AMM,
// the pricing and the event queue stay far from floating-point overflow inside them. The work a
// run would do (events, pending transactions) is estimated from these fields before it starts
// (budget.ts); the bounds here keep each field sane on its own.
import { DAY } from '../engine/time.ts';

export const LIMITS = {
  /** Scenario file size, checked before parsing (a padded file must not take minutes to read). */
  fileBytes: 2 * 1024 * 1024,
  /** Nesting depth of the scenario's data (mappings and lists), checked after parsing. */
  depth: 32,
  /** Entries in any list (users of a rollup, strikes, node indices, …). */
  listItems: 1000,
  /** Regions in a delay matrix. */
  regions: 64,
  /** Rollups in one world. */
  rollups: 64,
  /** Sequencing variants of one scenario. */
  variants: 64,
  /** Seeds of one scenario. */
  runs: 100_000,
  /** Any duration: a horizon, latency, block time or timeout. */
  durationUs: 30 * DAY,
  /** Arrival rates of flows (users, traders, intents, takers), per second. */
  ratePerS: 10_000,
  /** Amounts in USD: pool values, trade sizes, capital. Reserves stay far from overflow. */
  usd: 1e15,
  /** Per-transaction costs in USD: gas, fees, bids, profit thresholds. */
  feeUsd: 1e6,
  /** Prices in USD per unit. */
  priceUsd: 1e9,
  /** The lowest starting price in USD per unit (the reference price then stays above 10⁻¹⁵: model/market/price.ts). */
  priceMinUsd: 1e-9,
  /** Basis points of tolerances, thresholds and fees (10,000 bps = 100%). */
  bps: 10_000,
  /** Annualized volatilities and drifts (10 = 1000%). */
  annual: 10,
  /** Contracts or underlying units in one quote, trade or hedge threshold. */
  units: 1e6,
  /** Transactions per block. */
  capacity: 1_000_000,
  /** Jumps per year (one a second: tests of sniping use one every 20 s). */
  jumpsPerYear: 31_536_000,
  /** Stake of one node (an integer). */
  stake: 1e15,
  /** Estimated events of one run (about 15 minutes of CPU at the realistic scenario's speed). */
  eventsPerRun: 1e9,
  /** Estimated memory held by transactions waiting in mempools at the end of a run, bytes. */
  pendingBytes: 1024 ** 3,
} as const;
