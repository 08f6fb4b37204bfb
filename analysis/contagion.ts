// Contagion episodes (contagion table) and what happened around them, on a time axis relative to
// each fault's start, pooled over the episodes of a variant: the pools' dislocation from the
// reference price on the episode's rollups (trades), near-the-money option spreads (quotes) and the
// debt liquidated in the episode (liquidations). The window runs from `aftermath` before the fault
// to `aftermath` after its end, as the contagion table measures it.
import { groups } from 'd3-array';
import type { Table } from 'apache-arrow';
import { numbers, strings } from './columns.ts';

export interface Episode {
  variant: string;
  runId: number;
  episodeId: number;
  kind: string;
  startUs: number;
  durationUs: number;
  rollups: string[];
}

export type TimelineQuantity = 'dislocation_bps' | 'option_spread_bps' | 'liquidated_usd';

export interface TimelinePoint {
  variant: string;
  quantity: TimelineQuantity;
  /** Start of the bin, seconds since the fault started. */
  t_s: number;
  /** dislocation and spread: mean over the bin's samples (bps); liquidated: USD per episode in the bin. */
  value: number;
  /** Samples (trades, quotes or liquidations) in the bin. */
  n: number;
}

/** Quotes within this relative distance of spot count as near the money. */
export const NEAR_MONEY = 0.025;

export function episodes(contagion: Table): Episode[] {
  const mode = strings(contagion, 'mode');
  const run = numbers(contagion, 'run_id');
  const id = numbers(contagion, 'episode_id');
  const kind = strings(contagion, 'kind');
  const start = numbers(contagion, 'start_us');
  const duration = numbers(contagion, 'duration_us');
  const rollups = strings(contagion, 'rollups');
  return Array.from(mode.keys(), (i) => ({ variant: mode[i]!, runId: run[i], episodeId: id[i], kind: kind[i]!, startUs: start[i], durationUs: duration[i], rollups: rollups[i]!.split(',').filter(Boolean) }));
}

export interface TimelineInput {
  contagion: Table;
  trades?: Table;
  quotes?: Table;
  liquidations?: Table;
  /** faults.aftermath, µs. */
  aftermathUs: number;
  /** Bin width, µs. */
  binUs: number;
}

/** Rows of a table grouped by run: each run's row indices. */
const byRun = (t: Table) => new Map(groups(Array.from(numbers(t, 'run_id').entries()), ([, r]) => r).map(([r, xs]) => [r, xs.map(([i]) => i)]));

export function contagionTimeline(input: TimelineInput): TimelinePoint[] {
  const eps = episodes(input.contagion);
  const { aftermathUs, binUs } = input;
  // Per variant and quantity, per bin: sum and count.
  const acc = new Map<string, { variant: string; quantity: TimelineQuantity; bin: number; sum: number; n: number }>();
  const add = (variant: string, quantity: TimelineQuantity, relUs: number, value: number) => {
    const bin = Math.floor(relUs / binUs);
    const key = `${variant}\u0000${quantity}\u0000${bin}`;
    const a = acc.get(key) ?? { variant, quantity, bin, sum: 0, n: 0 };
    a.sum += value;
    a.n += 1;
    acc.set(key, a);
  };
  const inWindow = (e: Episode, at: number) => at >= e.startUs - aftermathUs && at < e.startUs + e.durationUs + aftermathUs;

  if (input.trades) {
    const t = input.trades;
    const runs = byRun(t);
    const [at, mid, ref] = [numbers(t, 'executed_us'), numbers(t, 'mid_after'), numbers(t, 'ref_executed')];
    const rollup = strings(t, 'rollup');
    for (const e of eps)
      for (const i of runs.get(e.runId) ?? [])
        if (e.rollups.includes(rollup[i]!) && inWindow(e, at[i]) && ref[i] > 0) add(e.variant, 'dislocation_bps', at[i] - e.startUs, Math.abs(mid[i] / ref[i] - 1) * 1e4);
  }
  if (input.quotes) {
    const q = input.quotes;
    const runs = byRun(q);
    const [at, bid, ask, spot, strike] = ['at_us', 'bid', 'ask', 'spot', 'strike'].map((c) => numbers(q, c));
    for (const e of eps)
      for (const i of runs.get(e.runId) ?? [])
        if (inWindow(e, at[i]) && Math.abs(strike[i] / spot[i] - 1) <= NEAR_MONEY) add(e.variant, 'option_spread_bps', at[i] - e.startUs, ((ask[i] - bid[i]) / spot[i]) * 1e4);
  }
  if (input.liquidations) {
    const l = input.liquidations;
    const runs = byRun(l);
    const [at, repaid, episode] = [numbers(l, 'at_us'), numbers(l, 'repaid_usd'), numbers(l, 'episode_id')];
    for (const e of eps) for (const i of runs.get(e.runId) ?? []) if (episode[i] === e.episodeId) add(e.variant, 'liquidated_usd', at[i] - e.startUs, repaid[i]);
  }
  const episodesOf = new Map(groups(eps, (e) => e.variant).map(([v, es]) => [v, es.length]));
  return [...acc.values()]
    .map(({ variant, quantity, bin, sum, n }) => ({ variant, quantity, t_s: (bin * binUs) / 1e6, value: quantity === 'liquidated_usd' ? sum / episodesOf.get(variant)! : sum / n, n }))
    .sort((a, b) => (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : 0) || (a.quantity < b.quantity ? -1 : a.quantity > b.quantity ? 1 : 0) || a.t_s - b.t_s);
}
