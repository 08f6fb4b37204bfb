// Contagion: one `contagion` row per fault episode, and whole-run contagion.* metrics. An episode
// covers its outage and `aftermath` after it, on the rollups its failed sequencer orders: the
// transactions submitted during the outage and what became of them, whether each rollup halted
// (no sequencer block for half the outage or more), the liquidations attributed to it (on those
// rollups, in that window; the latest such episode when several are), their depth and bad debt,
// how long until the rollups and the liquidation backlog were through, the largest gaps
// between its rollups' pools and the reference price or other rollups' pools, and what it did to
// the options makers that quote or hedge on those rollups: their ATM spread before, its peak, how
// long after the outage it took to come back to the pre-fault level, and their P&L over the
// episode (marked to market from their fills, hedges and settlements).
import { SECOND, type Micros } from '../engine/time.ts';
import type { BlockExecuted, ModelEvents } from '../model/events.ts';
import type { FaultEpisode } from '../model/faults/injector.ts';
import type { LiquidationEvent } from '../model/lending/market.ts';
import type { MarketPool } from '../model/market/marketPool.ts';
import { midPrice } from '../model/market/amm.ts';
import type { Tx } from '../model/tx.ts';
import type { OptionQuoteEvent } from '../model/options/venue.ts';
import { Distribution } from './distribution.ts';
import type { MakerBooks } from './makerBooks.ts';
import type { RowSink, RunReport } from './rows.ts';

class EpisodeStats {
  /** Per rollup of the episode: the longest gap between sequencer blocks overlapping the outage, and the first block after it. */
  readonly maxGapUs: number[];
  readonly firstAfterUs: (number | null)[];
  delayed = 0;
  preconfsBroken = 0;
  reverted = 0;
  executed = 0;
  liquidations = 0;
  liquidatedUsd = 0;
  badDebtUsd = 0;
  depth = -1;
  lastLiquidationUs = -1;
  refBps = 0;
  crossBps: number | null = null;
  /** Options makers quoting or hedging on its rollups: ATM spreads (bps of spot) per maker. */
  readonly spreads = new Map<string, MakerSpread>();
  /** Makers' marked-to-market books at the episode's start, once a tick reached it. */
  bookAtStart: number | null = null;
  bookAtEnd: number | null = null;

  constructor(readonly e: FaultEpisode) {
    this.maxGapUs = e.rollups.map(() => 0);
    this.firstAfterUs = e.rollups.map(() => null);
  }

  get endUs(): Micros {
    return this.e.atUs + this.e.forUs;
  }
}

/** One maker's ATM spread around one episode. */
class MakerSpread {
  // Before the outage (Welford): the pre-fault level and its spread.
  n = 0;
  mean = 0;
  m2 = 0;
  peak = -Infinity;
  /** First quote after the outage back at the pre-fault level (≤ mean + 2 sd of the quotes before). */
  recoveredUs: number | null = null;

  pre(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }

  get level(): number {
    return this.mean + 2 * Math.sqrt(this.n > 1 ? this.m2 / (this.n - 1) : 0);
  }
}

/** What the contagion recorder needs of the options makers (none: no options columns). */
export interface MakerLinks {
  /** Each maker's name and the rollups it quotes or hedges on. */
  readonly makers: readonly { readonly name: string; readonly rollups: readonly number[] }[];
  readonly venueRollup: ReadonlyMap<string, number>;
  readonly books: MakerBooks;
}

export class ContagionRecorder {
  private readonly stats: EpisodeStats[];
  private readonly lastBlockUs: number[];
  /** Episodes by rollup, in start order. */
  private readonly byRollup: EpisodeStats[][];
  private totalBadDebtUsd = 0;

  constructor(
    private readonly rollupIds: readonly string[],
    episodes: readonly FaultEpisode[],
    private readonly pools: readonly MarketPool[],
    private readonly aftermathUs: Micros,
    private readonly warmupUs: Micros,
    private readonly rows: RowSink,
    events: ModelEvents,
    private readonly options?: MakerLinks,
  ) {
    this.stats = episodes.map((e) => new EpisodeStats(e));
    if (options && options.makers.length > 0) events.optionQuote.on(this.quoted);
    else this.options = undefined;
    this.lastBlockUs = rollupIds.map(() => 0);
    this.byRollup = rollupIds.map((_, r) => this.stats.filter((s) => s.e.rollups.includes(r)).sort((a, b) => a.e.atUs - b.e.atUs));
    events.blockExecuted.on(this.block);
    events.txSubmitted.on(this.submitted);
    events.txExecuted.on(this.executed);
    events.preconfBroken.on(this.broken);
    events.priceTick.on(this.tick);
    events.liquidation.on((l) => (this.totalBadDebtUsd += l.atUs >= this.warmupUs ? l.deficitUsd : 0));
  }

  /**
   * The episode a liquidation on this rollup at this time belongs to: the latest one in progress
   * or in its aftermath. The lending recorder asks once per liquidation (for its row), which is
   * also when the episode counts it.
   */
  episodeOf = (l: LiquidationEvent): number | null => {
    const s = this.attributed(l.rollup, l.atUs);
    if (s === undefined) return null;
    s.liquidations++;
    s.liquidatedUsd += l.repaidUsd;
    s.badDebtUsd += l.deficitUsd;
    s.depth = Math.max(s.depth, l.generation);
    s.lastLiquidationUs = l.atUs;
    return s.e.id;
  };

  private attributed(rollup: number, t: Micros): EpisodeStats | undefined {
    const list = this.byRollup[rollup];
    for (let k = list.length - 1; k >= 0; k--) if (list[k].e.atUs <= t && t < list[k].endUs + this.aftermathUs) return list[k];
    return undefined;
  }

  private during(rollup: number, t: Micros): EpisodeStats | undefined {
    const list = this.byRollup[rollup];
    for (let k = list.length - 1; k >= 0; k--) if (list[k].e.atUs <= t && t < list[k].endUs) return list[k];
    return undefined;
  }

  private block = (b: BlockExecuted): void => {
    if (b.sequencer === 'l1') return;
    const prev = this.lastBlockUs[b.rollup];
    for (const s of this.byRollup[b.rollup]) {
      const k = s.e.rollups.indexOf(b.rollup);
      if (prev < s.endUs && b.atUs > s.e.atUs) s.maxGapUs[k] = Math.max(s.maxGapUs[k], b.atUs - prev);
      if (b.atUs >= s.endUs && s.firstAfterUs[k] === null) s.firstAfterUs[k] = b.atUs;
    }
    this.lastBlockUs[b.rollup] = b.atUs;
  };

  /** Transactions submitted during an outage of their rollup's sequencer, by episode. */
  private readonly delayedTxs = new WeakMap<Tx, EpisodeStats>();

  private submitted = (tx: Tx): void => {
    const s = this.during(tx.rollup, tx.submitUs);
    if (s === undefined) return;
    s.delayed++;
    this.delayedTxs.set(tx, s);
  };

  /**
   * A pre-confirmation broken on a rollup during one of its episodes (of any kind), its end
   * included: an equivocator's outstanding promises break when it is caught.
   */
  private broken = (tx: Tx): void => {
    const t = tx.preconfBrokenUs ?? tx.submitUs;
    const list = this.byRollup[tx.rollup];
    for (let k = list.length - 1; k >= 0; k--)
      if (list[k].e.atUs <= t && t <= list[k].endUs) {
        list[k].preconfsBroken++;
        return;
      }
  };

  /** Delayed transactions that never execute (dropped, or pending at the horizon) are the rest. */
  private executed = (tx: Tx): void => {
    const s = this.delayedTxs.get(tx);
    if (s === undefined) return;
    this.delayedTxs.delete(tx);
    s.executed++;
    if (tx.status === 'reverted') s.reverted++;
  };

  /** Makers whose quotes or hedges an episode touches. */
  private makersOf(s: EpisodeStats): string[] {
    return this.options!.makers.filter((m) => m.rollups.some((r) => s.e.rollups.includes(r))).map((m) => m.name);
  }

  /**
   * An executed quote update: its ATM spread (mean over the ATM entries, bps of the spot it was
   * quoted from) counts toward the pre-fault level of every episode starting within `aftermath`
   * after it, and toward the peak and the recovery of every episode in progress or in its
   * aftermath that touches the maker.
   */
  private quoted = (q: OptionQuoteEvent): void => {
    const venueRollup = this.options!.venueRollup.get(q.venue)!;
    const maker = this.options!.makers.find((m) => m.name === q.maker);
    if (!maker || q.entries.length === 0) return;
    let atm = NaN;
    for (const e of q.entries) {
      const k = q.instruments[e.instrument].strike;
      if (Number.isNaN(atm) || Math.abs(k - e.detail.spot) < Math.abs(atm - e.detail.spot)) atm = k;
    }
    let sum = 0;
    let n = 0;
    for (const e of q.entries) {
      if (q.instruments[e.instrument].strike !== atm) continue;
      sum += ((e.ask - e.bid) / e.detail.spot) * 1e4;
      n++;
    }
    const bps = sum / n;
    const t = q.atUs;
    for (const s of this.stats) {
      if (t < s.e.atUs - this.aftermathUs || t >= s.endUs + this.aftermathUs) continue;
      if (!maker.rollups.some((r) => s.e.rollups.includes(r)) && !s.e.rollups.includes(venueRollup)) continue;
      let m = s.spreads.get(q.maker);
      if (!m) s.spreads.set(q.maker, (m = new MakerSpread()));
      if (t < s.e.atUs) m.pre(bps);
      else {
        m.peak = Math.max(m.peak, bps);
        if (t >= s.endUs && m.recoveredUs === null && m.n > 0 && bps <= m.level) m.recoveredUs = t;
      }
    }
  };

  private markBooks(s: EpisodeStats, nowUs: Micros): number {
    let v = 0;
    for (const name of this.makersOf(s)) v += this.options!.books.value(name, nowUs);
    return v;
  }

  private tick = (t: { asset: string; atUs: Micros; price: number }): void => {
    if (this.options)
      for (const s of this.stats) {
        if (s.bookAtStart === null && t.atUs >= s.e.atUs) s.bookAtStart = this.markBooks(s, t.atUs);
        if (s.bookAtEnd === null && t.atUs >= s.endUs + this.aftermathUs) s.bookAtEnd = this.markBooks(s, t.atUs);
      }
    for (const s of this.stats) {
      if (t.atUs < s.e.atUs || t.atUs >= s.endUs + this.aftermathUs) continue;
      for (const p of this.pools) {
        if (p.feed.asset !== t.asset || !s.e.rollups.includes(p.rollup)) continue;
        const mid = midPrice(p.pool);
        s.refBps = Math.max(s.refBps, Math.abs(mid / t.price - 1) * 1e4);
        for (const q of this.pools) {
          if (q.feed.asset !== t.asset || q.rollup === p.rollup) continue;
          s.crossBps = Math.max(s.crossBps ?? 0, Math.abs(mid / midPrice(q.pool) - 1) * 1e4);
        }
      }
    }
  };

  finish(endUs: Micros, report: RunReport): void {
    const affected = new Distribution();
    const recovery = new Distribution();
    let depth = -1;
    let episodes = 0;
    let liquidatedUsd = 0;
    const spreadPeak = new Distribution();
    const spreadRecovery = new Distribution();
    let makerLossUsd = 0;
    for (const s of this.stats) {
      if (s.e.atUs >= endUs) continue;
      const o = this.options ? this.optionColumns(s, endUs) : null;
      s.e.rollups.forEach((r, k) => {
        if (this.lastBlockUs[r] < s.endUs) s.maxGapUs[k] = Math.max(s.maxGapUs[k], endUs - Math.max(this.lastBlockUs[r], s.e.atUs));
      });
      const halted = s.e.rollups.filter((_, k) => s.maxGapUs[k] * 2 >= s.e.forUs);
      const ended = s.endUs <= endUs;
      const back = s.e.rollups.map((_, k) => (s.maxGapUs[k] * 2 >= s.e.forUs ? s.firstAfterUs[k] : s.endUs));
      const recoveryS = ended && back.every((t) => t !== null) ? (Math.max(s.endUs, s.lastLiquidationUs, ...(back as number[])) - s.endUs) / SECOND : null;
      this.rows.append({
        episode_id: s.e.id,
        kind: s.e.kind,
        cause: s.e.cause,
        start_us: s.e.atUs,
        duration_us: s.e.forUs,
        machines: s.e.machines,
        of_machines: s.e.ofMachines,
        rollups: s.e.rollups.map((r) => this.rollupIds[r]).join(','),
        rollups_affected: halted.length,
        txs_delayed: s.delayed,
        txs_preconf_broken: s.preconfsBroken,
        txs_reverted: s.reverted,
        txs_dropped: s.delayed - s.executed,
        liquidations: s.liquidations,
        liquidated_usd: s.liquidatedUsd,
        cascade_depth: s.depth >= 0 ? s.depth : null,
        bad_debt_usd: s.badDebtUsd,
        recovery_s: recoveryS,
        max_ref_dislocation_bps: s.refBps,
        max_cross_dislocation_bps: s.crossBps,
        options_spread_pre_bps: o?.preBps ?? null,
        options_spread_peak_bps: o?.peakBps ?? null,
        options_recovery_s: o?.recoveryS ?? null,
        maker_loss_usd: o?.lossUsd ?? null,
      });
      if (s.endUs <= this.warmupUs) continue;
      episodes++;
      affected.add(halted.length);
      if (recoveryS !== null) recovery.add(recoveryS);
      depth = Math.max(depth, s.depth);
      liquidatedUsd += s.liquidatedUsd;
      if (o?.peakBps != null) spreadPeak.add(o.peakBps);
      if (o?.recoveryS != null) spreadRecovery.add(o.recoveryS);
      if (o?.lossUsd != null) makerLossUsd += o.lossUsd;
    }
    const r = report.scope(null);
    r.add('contagion.episodes', episodes, 'count');
    r.add('contagion.bad_debt_usd', this.totalBadDebtUsd, 'USD');
    r.add('contagion.liquidated_usd', liquidatedUsd, 'USD');
    r.distribution('contagion.rollups_affected', affected, 'count');
    r.distribution('contagion.recovery_s', recovery, 's');
    if (depth >= 0) r.add('contagion.cascade_depth.max', depth, 'count');
    if (this.options) {
      r.distribution('contagion.options_spread_peak_bps', spreadPeak, 'bps');
      r.distribution('contagion.options_recovery_s', spreadRecovery, 's');
      r.add('contagion.maker_loss_usd', makerLossUsd, 'USD');
    }
  }

  /**
   * The options columns of an episode: the makers' pooled pre-fault ATM spread, the highest ATM
   * spread quoted from the outage to the end of its aftermath, the time from the outage's end
   * until every maker quoted back at its pre-fault level (null if one had not by the end of the
   * aftermath or the horizon), and the makers' loss over the episode (minus the change of their
   * marked-to-market books from its start to the end of its aftermath, or to the horizon).
   */
  private optionColumns(s: EpisodeStats, endUs: Micros): { preBps: number | null; peakBps: number | null; recoveryS: number | null; lossUsd: number | null } {
    const ms = [...s.spreads.values()];
    const pre = ms.filter((m) => m.n > 0);
    const preBps = pre.length > 0 ? pre.reduce((a, m) => a + m.mean * m.n, 0) / pre.reduce((a, m) => a + m.n, 0) : null;
    const peaks = ms.filter((m) => m.peak > -Infinity).map((m) => m.peak);
    const peakBps = peaks.length > 0 ? Math.max(...peaks) : null;
    const recovered = pre.length > 0 && pre.every((m) => m.recoveredUs !== null);
    const recoveryS = recovered ? (Math.max(...pre.map((m) => m.recoveredUs!)) - s.endUs) / SECOND : null;
    const makers = this.makersOf(s).length;
    const startV = s.bookAtStart;
    const endV = s.bookAtEnd ?? (startV !== null ? this.markBooks(s, endUs) : null);
    const lossUsd = makers > 0 && startV !== null && endV !== null ? -(endV - startV) : null;
    return { preBps, peakBps, recoveryS, lossUsd };
  }
}
