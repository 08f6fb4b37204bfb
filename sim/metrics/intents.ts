// Follows cross-rollup intents leg by leg: whether each was filled completely, partially (some
// legs executed, others not: the exposure atomic bundles remove), or not at all, and how far
// apart in time its legs executed.
import type { Micros } from '../engine/time.ts';
import { MS } from '../engine/time.ts';
import { invariant } from '../engine/assert.ts';
import type { Bundle } from '../model/crossrollup.ts';
import type { Tx } from '../model/tx.ts';
import { addDistribution, type MetricRow } from './recorder.ts';

interface Tracked {
  bundle: Bundle;
  sender: string;
  settled: number;
  ok: number;
  firstUs: number;
  lastUs: number;
}

export class IntentRecorder {
  private readonly live = new Map<number, Tracked>();
  private readonly done: Tracked[] = [];

  constructor(
    private readonly warmupUs: Micros,
    /** Told when a leg settles (a bridge forwards the next leg). */
    private readonly onLegSettled: (bundle: Bundle, leg: Tx) => void,
    /** True when a bundle's legs must share one fate (atomic execution). */
    private readonly atomic: boolean,
  ) {}

  /** Not every leg executed, reverted or was abandoned yet. */
  isOpen(bundleId: number): boolean {
    return this.live.has(bundleId);
  }

  submitted(bundle: Bundle): void {
    this.live.set(bundle.id, { bundle, sender: bundle.legs[0].sender, settled: 0, ok: 0, firstUs: Infinity, lastUs: -Infinity });
  }

  legSettled(tx: Tx): void {
    const t = this.live.get(tx.bundleId!);
    if (!t) return;
    t.settled++;
    if (tx.status === 'included') {
      t.ok++;
      t.firstUs = Math.min(t.firstUs, tx.includeUs!);
      t.lastUs = Math.max(t.lastUs, tx.includeUs!);
    }
    this.onLegSettled(t.bundle, tx);
    this.close(t);
  }

  /** Legs that will never be sent (the previous leg failed, or the bridge lost the message). */
  abandoned(bundle: Bundle, legsLeft: number): void {
    const t = this.live.get(bundle.id);
    if (!t) return;
    t.settled += legsLeft;
    this.close(t);
  }

  private close(t: Tracked): void {
    // Once only: abandoning legs from inside legSettled (a failed first leg) closes it early.
    if (t.settled === t.bundle.legs.length && this.live.has(t.bundle.id)) {
      invariant(!this.atomic || t.ok === 0 || t.ok === t.settled, 'bundles are all-or-nothing', () => `bundle ${t.bundle.id}: ${t.ok} of ${t.settled} legs executed`);
      this.live.delete(t.bundle.id);
      this.done.push(t);
    }
  }

  finish(): MetricRow[] {
    const bySender = new Map<string, Tracked[]>();
    const all = [...this.done, ...this.live.values()].filter((t) => t.bundle.legs[0].submitUs >= this.warmupUs);
    for (const t of all) {
      if (!bySender.has(t.sender)) bySender.set(t.sender, []);
      bySender.get(t.sender)!.push(t);
    }
    const rows: MetricRow[] = [];
    for (const [sender, ts] of bySender) {
      const add = (metric: string, value: number, unit: string) => rows.push({ metric, rollup: null, subject: sender, value, unit });
      // Resolved: every leg executed, reverted, or abandoned; still in flight at the horizon: unresolved.
      const resolved = ts.filter((t) => t.settled === t.bundle.legs.length);
      const frac = (n: number) => (resolved.length ? n / resolved.length : NaN);
      add('crossrollup.intents', ts.length, 'count');
      add('crossrollup.filled_fraction', frac(resolved.filter((t) => t.ok === t.bundle.legs.length).length), 'fraction');
      add('crossrollup.partial_fraction', frac(resolved.filter((t) => t.ok > 0 && t.ok < t.bundle.legs.length).length), 'fraction');
      add('crossrollup.failed_fraction', frac(resolved.filter((t) => t.ok === 0).length), 'fraction');
      add('crossrollup.unresolved', ts.length - resolved.length, 'count');
      addDistribution(add, 'crossrollup.leg_gap_ms', resolved.filter((t) => t.ok === t.bundle.legs.length).map((t) => (t.lastUs - t.firstUs) / MS), 'ms');
    }
    return rows;
  }
}
