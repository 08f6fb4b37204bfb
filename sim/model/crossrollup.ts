// Cross-rollup intents: one economic action with a leg on each of several rollups. How the legs
// travel is decided by the sequencers the legs go to (world/sequencing.ts asks whether they can
// execute a bundle atomically):
//   one shared set for every leg — one atomic bundle: every leg in the same slot, all or none;
//   otherwise — independent legs on independent sequencers: sent together when the sender holds
//               inventory on every rollup, or one after another through a bridge (latency, fee,
//               loss, halts). Each leg can fail or slip on its own.
// The bundle itself is model state: it knows which legs settled, and agents ask it (never a
// recorder) whether it is still open.
import type { Simulation } from '../engine/simulation.ts';
import { Priority } from '../engine/simulation.ts';
import type { KeyedRng } from '../engine/rng.ts';
import type { Micros } from '../engine/time.ts';
import { invariant } from '../engine/assert.ts';
import type { Tx, TxAction } from './tx.ts';
import type { Submitter } from './agents/submitter.ts';
import type { ModelEvents } from './events.ts';

export class Bundle {
  readonly legs: Tx[] = [];
  /** Legs executed (included or reverted) or abandoned. */
  settled = 0;
  /** Legs that executed successfully. */
  ok = 0;
  firstUs = Infinity;
  lastUs = -Infinity;
  /** Set by the router: the legs travel and execute together, all or none. */
  atomic = false;
  closed = false;
  /** Bridge fees paid for this bundle's messages, USD. */
  bridgeFeesUsd = 0;
  /** The router's hook: told each time a leg settles (a bridge then forwards the next leg). */
  onLegSettled?: (leg: Tx) => void;

  constructor(
    readonly id: number,
    readonly sender: string,
    readonly openedUs: Micros,
    private readonly events: ModelEvents,
  ) {}

  /** Adds a leg (before the bundle is sent). */
  add(tx: Tx): void {
    tx.bundle = this;
    this.legs.push(tx);
  }

  open(): void {
    this.events.bundleOpened.emit(this);
  }

  /** A block executed one of its legs. */
  legExecuted(tx: Tx): void {
    this.settled++;
    if (tx.status === 'included') {
      this.ok++;
      this.firstUs = Math.min(this.firstUs, tx.includeUs!);
      this.lastUs = Math.max(this.lastUs, tx.includeUs!);
    }
    this.onLegSettled?.(tx);
    this.closeIfDone();
  }

  /** Legs that will never be sent (the previous leg failed, or the bridge lost the message). */
  abandon(legsLeft: number): void {
    this.settled += legsLeft;
    this.closeIfDone();
  }

  private closeIfDone(): void {
    // Once only: abandoning legs from inside legExecuted (a failed first leg) closes it early.
    if (this.closed || this.settled < this.legs.length) return;
    invariant(!this.atomic || this.ok === 0 || this.ok === this.settled, 'bundles are all-or-nothing', () => `bundle ${this.id}: ${this.ok} of ${this.settled} legs executed`);
    this.closed = true;
    this.events.bundleClosed.emit(this);
  }
}

/**
 * A leg that fails on its own with its rollup's leg-failure probability (reverts, drops,
 * rejection — failures not driven by prices). The draw is keyed to (bundle, leg), so the same leg
 * attempted in every mode draws the same outcome, whatever else was drawn before it.
 */
export class LegAction implements TxAction {
  private outcome: string | null | undefined;

  constructor(private readonly failureProb: number, private readonly draws: KeyedRng, readonly inner?: TxAction) {}

  check(tx: Tx, nowUs: Micros): string | null {
    if (this.outcome === undefined) {
      const bundle = tx.bundle!;
      this.outcome = this.failureProb > 0 && this.draws.uniform(bundle.id, bundle.legs.indexOf(tx)) < this.failureProb ? 'leg-failed' : null;
    }
    if (this.outcome !== null) return this.outcome;
    return this.inner?.check ? this.inner.check(tx, nowUs) : null;
  }

  execute(tx: Tx, nowUs: Micros): string | null {
    const failed = this.check(tx, nowUs);
    if (failed !== null) return failed;
    return this.inner ? this.inner.execute(tx, nowUs) : null;
  }
}

/** How an agent sends an intent; chosen by what the legs' sequencers can do. */
export interface CrossRollupRouter {
  /** Whether its bundles execute atomically (every leg in one slot, all or none): what the legs' sequencers can do. */
  readonly atomic: boolean;
  send(bundle: Bundle): void;
}

/** One shared set orders every leg: the whole bundle goes to it at once, over the first leg's link. */
export class BundleRouter implements CrossRollupRouter {
  readonly atomic = true;

  constructor(
    private readonly sim: Simulation,
    private readonly submitters: readonly Submitter[],
    private readonly receiveBundle: (bundle: Bundle) => void,
  ) {}

  send(bundle: Bundle): void {
    bundle.atomic = true;
    bundle.open();
    for (const leg of bundle.legs) this.submitters[leg.rollup].record(leg);
    this.sim.after(this.submitters[bundle.legs[0].rollup].delay(), Priority.arrival, this.receiveBundle, bundle);
  }
}

export interface BridgeParams {
  latencyUs: Micros;
  feeUsd: number;
  failureProb: number;
  halts: { atUs: Micros; forUs: Micros }[];
}

/**
 * Legs on independent sequencers travel separately. 'inventory' sends every leg at once;
 * 'bridge' sends the first leg, and each next one only after the previous executed and the bridge
 * carried the message (it pays the bridge fee; the message may be lost, or held while the bridge
 * is halted).
 */
export class LeggedRouter implements CrossRollupRouter {
  readonly atomic = false;

  constructor(
    private readonly sim: Simulation,
    private readonly submitters: readonly Submitter[],
    private readonly route: 'inventory' | 'bridge',
    private readonly bridge: BridgeParams,
    /** Message losses, keyed to (bundle, leg). */
    private readonly losses: KeyedRng,
  ) {}

  send(bundle: Bundle): void {
    bundle.open();
    if (this.route === 'inventory') {
      for (const leg of bundle.legs) this.submitters[leg.rollup].submit(leg);
      return;
    }
    bundle.onLegSettled = (leg) => this.forward(bundle, leg);
    this.submitters[bundle.legs[0].rollup].submit(bundle.legs[0]);
  }

  /** A leg of a bridged bundle settled: the bridge carries the message for the next one. */
  private forward(bundle: Bundle, leg: Tx): void {
    const k = bundle.legs.indexOf(leg);
    const next = bundle.legs[k + 1];
    if (next === undefined) return;
    const left = bundle.legs.length - k - 1;
    if (leg.status !== 'included') return bundle.abandon(left); // nothing to bridge
    bundle.bridgeFeesUsd += this.bridge.feeUsd;
    if (this.bridge.failureProb > 0 && this.losses.uniform(bundle.id, k + 1) < this.bridge.failureProb) return bundle.abandon(left); // message lost
    let at = this.sim.now + this.bridge.latencyUs;
    // A halted bridge holds messages until it resumes.
    for (const h of this.bridge.halts) if (at >= h.atUs && at < h.atUs + h.forUs) at = h.atUs + h.forUs;
    this.sim.at(at, Priority.agent, (tx: Tx) => this.submitters[tx.rollup].submit(tx), next);
  }
}
