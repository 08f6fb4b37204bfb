// What a run would cost, estimated from the scenario before it starts: events to process and
// transactions left waiting in mempools. A scenario past LIMITS.eventsPerRun or
// LIMITS.pendingBytes is refused with the field that drives the cost, instead of running for
// hours or until memory runs out. The estimate counts each mechanism's events at its mean rate;
// the bundled scenarios' actual counts sit within it (test/limits.test.ts).
import { SECOND } from '../engine/time.ts';
import { LIMITS } from './limits.ts';
import { oneWayDelayUs } from '../model/regions.ts';
import type { Scenario } from './schema.ts';
import type { PathSegment } from './errors.ts';
import { parseOverridePath } from './overrides.ts';

/** Events one transaction causes: submission, arrival at the sequencer, inclusion, reactions. */
const EVENTS_PER_TX = 4;
/** Events of one block: production and the reactions of the slot. */
const EVENTS_PER_BLOCK = 3;
/** Consensus message deliveries cost about a hundredth of an event each (measured: ≈ 3.4 ns vs ≈ 0.4 µs). */
const MESSAGES_PER_EVENT = 100;
/** Memory held by one transaction waiting in a mempool (the object, its queue slot, its record). */
const BYTES_PER_PENDING_TX = 500;

export interface Cost {
  /** Field path of the contribution (in the scenario's notation). */
  path: string;
  what: string;
  eventsPerS: number;
}

export interface Estimate {
  /** Events of one run (the more expensive mode). */
  events: number;
  /** Events plus consensus message deliveries in event-equivalents: what LIMITS.eventsPerRun bounds. */
  work: number;
  contributions: Cost[];
  /** Per rollup: transactions per second offered and served, and the backlog at the horizon. */
  backlog: { path: string; offeredPerS: number; servedPerS: number; pending: number; bytes: number }[];
  /** Set when the shared set's slots would take no simulated time. */
  zeroTimeSlots?: string;
}

export function estimateRun(s: Scenario): Estimate {
  const costs: Cost[] = [];
  const add = (path: string, what: string, eventsPerS: number) => costs.push({ path, what, eventsPerS });
  const horizonS = s.horizon / SECOND;
  const offered = new Map<string, number>(s.rollups.map((r) => [r.id, 0]));
  const offer = (rollup: string, perS: number) => offered.set(rollup, (offered.get(rollup) ?? 0) + perS);

  s.rollups.forEach((r, i) => {
    add(`rollups[${i}].block_time`, 'blocks', (EVENTS_PER_BLOCK * SECOND) / r.block_time);
    r.users.forEach((u, j) => (add(`rollups[${i}].users[${j}].rate`, 'user transactions', EVENTS_PER_TX * u.rate), offer(r.id, u.rate)));
    // Every visible swap may draw a front-run and a back-run from each searcher.
    const perSwap = EVENTS_PER_TX * (1 + 2 * r.searchers.length);
    r.traders.forEach((t, j) => (add(`rollups[${i}].traders[${j}].rate`, 'swaps and the searchers they draw', perSwap * t.rate), offer(r.id, t.rate * (1 + 2 * r.searchers.length))));
  });
  s.intents.forEach((t, i) => {
    add(`intents[${i}].rate`, 'intent legs', EVENTS_PER_TX * t.rate * t.rollups.length);
    for (const r of t.rollups) offer(r, t.rate);
  });
  // Each feed tick is one event for all its listeners; a share of ticks moves a watcher to act.
  s.assets.forEach((a, i) => {
    const watchers = watchersOf(s, a.id);
    add(`assets[${i}].tick`, `price ticks to ${watchers} watcher${watchers === 1 ? '' : 's'}`, ((1 + watchers / 2) * SECOND) / a.tick);
  });
  s.options.takers.forEach((t, i) => {
    if (t.kind === 'sniper') return; // counted with the feed it watches
    // A cross-rollup spread is two transactions, one on each venue's rollup; a one-venue strategy is one.
    const legs = t.strategy === 'cross_rollup_spread' ? 2 : 1;
    add(`options.takers[${i}].rate`, legs === 1 ? 'option trades' : 'option trade legs', EVENTS_PER_TX * t.rate * legs);
    for (const id of legs === 1 ? [t.venue] : [t.venue, t.other_venue!]) {
      const venue = s.options.venues.find((v) => v.id === id);
      if (venue) offer(venue.rollup, t.rate);
    }
  });
  s.options.makers.forEach((m, i) => {
    const listed = m.venues.reduce((n, id) => {
      const v = s.options.venues.find((x) => x.id === id);
      return n + (v ? v.strikes_pct.length * v.expiries.length * v.kinds.length : 0);
    }, 0);
    add(`options.makers[${i}].refresh`, `quote updates on ${listed} options`, (EVENTS_PER_TX * listed * SECOND) / m.refresh);
  });

  let zeroTimeSlots: string | undefined;
  let consensusWorkPerS = 0;
  if (s.modes.includes('shared')) {
    const sh = s.sequencing.shared;
    // A slot lasts at least min_slot_time and at least a few message delays between nodes.
    // One node sends its votes to itself, at no delay.
    const delay = sh.nodes === 1 ? 0 : nodeDelayUs(s) + sh.node_jitter;
    const slotUs = Math.max(sh.min_slot_time, 3 * delay);
    // Votes are tallied within a slot's events (their count does not grow with the nodes), but
    // each slot computes every vote's arrival: all-to-all (n²) for Tendermint, linear for HotStuff.
    if (slotUs <= 0) zeroTimeSlots = 'sequencing.shared.min_slot_time';
    else {
      add('sequencing.shared.min_slot_time', 'consensus slots', (EVENTS_PER_BLOCK * SECOND) / slotUs);
      const messages = sh.protocol === 'tendermint' ? 2 * sh.nodes * sh.nodes : 2 * sh.nodes;
      consensusWorkPerS = (messages * SECOND) / slotUs / MESSAGES_PER_EVENT;
    }
  }

  const backlog = s.rollups.map((r, i) => {
    const offeredPerS = offered.get(r.id) ?? 0;
    const servedPerS = (r.capacity * SECOND) / r.block_time;
    const pending = Math.max(0, offeredPerS - servedPerS) * horizonS;
    return { path: `rollups[${i}]`, offeredPerS, servedPerS, pending, bytes: pending * BYTES_PER_PENDING_TX };
  });
  const perS = costs.reduce((sum, c) => sum + c.eventsPerS, 0);
  const contributions = [...costs];
  if (consensusWorkPerS > 0) contributions.push({ path: 'sequencing.shared.nodes', what: `consensus messages among ${s.sequencing.shared.nodes} nodes`, eventsPerS: consensusWorkPerS });
  contributions.sort((a, b) => b.eventsPerS - a.eventsPerS);
  return { events: perS * horizonS, work: (perS + consensusWorkPerS) * horizonS, contributions, backlog, zeroTimeSlots };
}

/** The base delay between two nodes of the shared set: the largest pair of the regions its nodes name, else node_latency. */
function nodeDelayUs(s: Scenario): number {
  const { regions } = s.network;
  const listed = s.sequencing.shared.node_regions;
  if (regions === undefined || listed === undefined) return s.sequencing.shared.node_latency;
  let most = 0;
  for (const a of listed) for (const b of listed) most = Math.max(most, oneWayDelayUs(regions, a, b));
  return most;
}

/** Agents that react to each tick of an asset's feed. */
function watchersOf(s: Scenario, asset: string): number {
  let n = 0;
  for (const r of s.rollups) {
    const pools = new Set(r.pools.filter((p) => p.asset === asset).map((p) => p.id));
    n += r.arbitrageurs.filter((a) => (a.pools ?? [...pools]).some((p) => pools.has(p))).length;
  }
  n += s.cross_arbitrageurs.filter((c) => c.asset === asset).length;
  const venues = new Set(s.options.venues.filter((v) => v.asset === asset).map((v) => v.id));
  n += s.options.makers.filter((m) => m.venues.some((v) => venues.has(v))).length;
  n += s.options.takers.filter((t) => t.kind === 'sniper' && venues.has(t.venue)).length;
  return n;
}

export interface BudgetIssue {
  path: PathSegment[];
  message: string;
}

const sci = (x: number) => (x >= 1e6 ? x.toExponential(1).replace('e+', 'e') : Math.round(x).toLocaleString('en-US'));
const mib = (bytes: number) => `${sci(bytes / 1024 / 1024)} MiB`;

/** The reasons a scenario would exceed what one run can hold, each at the field that drives it. */
export function budgetIssues(s: Scenario): BudgetIssue[] {
  const e = estimateRun(s);
  const issues: BudgetIssue[] = [];
  if (e.zeroTimeSlots)
    issues.push({ path: parseOverridePath(e.zeroTimeSlots)!, message: 'expected slots that take time: with min_slot_time 0s and no delay between nodes (or a single node) the shared set would make slots forever without the clock advancing' });
  if (e.work > LIMITS.eventsPerRun) {
    const top = e.contributions[0];
    issues.push({
      path: parseOverridePath(top.path)!,
      message: `a run would process about ${sci(e.work)} events (limit ${sci(LIMITS.eventsPerRun)}, consensus messages counted as ${MESSAGES_PER_EVENT} per event); the largest share, ${sci(top.eventsPerS)} events/s, comes from ${top.what} here — lower it or shorten the horizon`,
    });
  }
  for (const b of e.backlog)
    if (b.bytes > LIMITS.pendingBytes)
      issues.push({
        path: parseOverridePath(b.path)!,
        message: `transactions arrive at ${sci(b.offeredPerS)}/s but blocks hold ${sci(b.servedPerS)}/s (capacity ÷ block_time): about ${sci(b.pending)} would wait in the mempool by the horizon (≈ ${mib(b.bytes)}, limit ${mib(LIMITS.pendingBytes)}) — lower the rates, raise capacity or shorten the horizon`,
      });
  return issues;
}
