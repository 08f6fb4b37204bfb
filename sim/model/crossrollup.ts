// Cross-rollup intents: one economic action with a leg on each of several rollups. How the legs
// travel is the one thing the sequencing mode decides (build.ts picks the router):
//   shared      — one atomic bundle: every leg in the same slot, all executed or none;
//   centralized — independent legs on independent sequencers: sent together when the sender
//                 holds inventory on every rollup, or one after another through a bridge
//                 (latency, fee, failure, halts). Each leg can fail or slip on its own.
import type { Simulation } from '../engine/simulation.ts';
import { Priority } from '../engine/simulation.ts';
import type { Rng } from '../engine/rng.ts';
import type { Micros } from '../engine/time.ts';
import type { Tx, TxAction } from './tx.ts';
import type { Submitter } from './agents/submitter.ts';

/** A leg that fails on its own with its rollup's leg-failure probability (reverts, drops,
 * rejection — failures not driven by prices). The draw is made once, when first asked. */
export class LegAction implements TxAction {
  private outcome: string | null | undefined;

  constructor(private readonly failureProb: number, private readonly rng: Rng, private readonly inner?: TxAction) {}

  check(tx: Tx, nowUs: Micros): string | null {
    if (this.outcome === undefined) this.outcome = this.rng.next() < this.failureProb ? 'leg-failed' : null;
    if (this.outcome !== null) return this.outcome;
    return this.inner?.check ? this.inner.check(tx, nowUs) : null;
  }

  execute(tx: Tx, nowUs: Micros): string | null {
    const failed = this.check(tx, nowUs);
    if (failed !== null) return failed;
    return this.inner ? this.inner.execute(tx, nowUs) : null;
  }
}

export interface Bundle {
  readonly id: number;
  /** One transaction per rollup, in the intent's order. */
  readonly legs: readonly Tx[];
}

/** How an agent sends an intent; built per mode. */
export interface CrossRollupRouter {
  send(bundle: Bundle): void;
}

/** Shared sequencing: the whole bundle goes to the set at once, over the first leg's link. */
export class BundleRouter implements CrossRollupRouter {
  constructor(
    private readonly sim: Simulation,
    private readonly submitters: readonly Submitter[],
    private readonly receiveBundle: (bundle: Bundle) => void,
  ) {}

  send(bundle: Bundle): void {
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
 * Centralized sequencing: legs travel separately. 'inventory' sends every leg at once; 'bridge'
 * sends the first leg, and each next one only after the previous executed and the bridge carried
 * the message (it may be lost, or held while the bridge is halted).
 */
export class LeggedRouter implements CrossRollupRouter {
  constructor(
    private readonly sim: Simulation,
    private readonly submitters: readonly Submitter[],
    private readonly route: 'inventory' | 'bridge',
    private readonly bridge: BridgeParams,
    private readonly bridgeRng: Rng,
    /** Told how many legs of a bundle will never be sent. */
    private readonly abandon: (bundle: Bundle, legsLeft: number) => void,
  ) {}

  send(bundle: Bundle): void {
    if (this.route === 'inventory') {
      for (const leg of bundle.legs) this.submitters[leg.rollup].submit(leg);
      return;
    }
    this.submitters[bundle.legs[0].rollup].submit(bundle.legs[0]);
  }

  /** Called when a leg of a bridged bundle settled; forwards the next leg through the bridge. */
  settled(bundle: Bundle, leg: Tx): void {
    if (this.route !== 'bridge') return;
    const k = bundle.legs.indexOf(leg);
    const next = bundle.legs[k + 1];
    if (next === undefined) return;
    const left = bundle.legs.length - k - 1;
    if (leg.status !== 'included') return this.abandon(bundle, left); // nothing to bridge
    // The draw is made for every message, so the bridge's fate does not shift with earlier outcomes.
    if (this.bridgeRng.next() < this.bridge.failureProb) return this.abandon(bundle, left); // message lost
    let at = this.sim.now + this.bridge.latencyUs;
    // A halted bridge holds messages until it resumes.
    for (const h of this.bridge.halts) if (at >= h.atUs && at < h.atUs + h.forUs) at = h.atUs + h.forUs;
    this.sim.at(at, Priority.agent, (tx: Tx) => this.submitters[tx.rollup].submit(tx), next);
  }
}
