// A shared sequencer set: N staked nodes order every participating rollup's transactions in
// common slots. Slot timing is not a parameter but the outcome of the protocol run over the
// network between nodes (consensus.ts): HotStuff-2 views (pipelined; a block commits when the
// chain of QCs after it is long enough) or Tendermint rounds (propose/prevote/precommit, then a
// commit timeout). A slow, offline or too-small online set therefore shows up as late or missing
// slots — and every rollup on the set halts together when fewer than 2/3 of the stake is online.
//
// Lifecycle in a slot: the leader takes each rollup's pending transactions (policy order, up to
// the rollup's capacity) and, with `preconfirm: leader`, promises them at once; when the slot's
// block commits, every rollup executes its part (include = commit), final at commit + L1 delay.
import type { Simulation } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import type { Rng } from '../../engine/rng.ts';
import type { Micros } from '../../engine/time.ts';
import type { Rollup } from '../rollup.ts';
import type { Tx } from '../tx.ts';
import { PendingTxs, type Policy } from './pending.ts';
import type { Sequencer } from './sequencer.ts';
import { Mempool } from './visibility.ts';
import type { Bundle } from '../crossrollup.ts';
import type { Extractor } from '../agents/extractor.ts';
import type { BuilderMarket } from './pbs.ts';
import { invariant } from '../../engine/assert.ts';
import { ChainCommitter, ConsensusScratch, hotstuffView, tendermintRound, tendermintRoundTimeout, viewTimeoutEnd, type TendermintTimeouts } from './consensus.ts';

export interface SharedParams {
  protocol: 'hotstuff2' | 'tendermint';
  stakes: number[];
  leaderRotation: 'round_robin' | 'stake_weighted' | 'fixed';
  nodeLatencyUs: Micros;
  nodeJitterUs: Micros;
  minSlotUs: Micros;
  viewTimeoutUs: Micros;
  commitChain: number;
  timeouts: TendermintTimeouts & { commit: Micros };
  preconfirm: 'leader' | 'commit';
  l1PostDelayUs: Micros;
  policy: Policy;
  offline: { node: number; atUs: Micros; forUs: Micros }[];
  /** Escape hatch: after this long without a commit, rollups fall back to their own sequencers. */
  fallbackAfterUs?: Micros;
  /** Finality delay of blocks made by a fallback sequencer (its L1 posting). */
  fallbackL1PostDelayUs: Micros;
  censors?: { nodes: ReadonlySet<number>; senders: ReadonlySet<string> };
  /** Nodes that, as leaders, sandwich user swaps on every rollup of their slot. */
  extractiveNodes: ReadonlySet<number>;
  extractor: { current?: Extractor };
  slashing?: { detectionDelayUs: Micros; fraction: number };
  /** Nodes that, as leaders from a time on, sign two conflicting proposals (equivocate). */
  equivocators: { node: number; fromUs: Micros }[];
  /** Under PBS: the builders whose best block the leader proposes, per rollup. */
  builders?: BuilderMarket;
}

/** What the set reports for metrics. */
export class SharedStats {
  /** When each slot (view or round) started, committed, or was missed: filtered by warmup later. */
  slotStarts: number[] = [];
  commitTimes: number[] = [];
  missedTimes: number[] = [];
  /** Leader pre-confirmations withdrawn because their slot did not commit. */
  preconfsBroken = 0;
  fallbackUs = 0;
  /** Slots in which a censoring leader left out at least one eligible transaction. */
  offenceTimes: number[] = [];
  /** Slots whose leader equivocated: no proposal can gather a quorum, and the proof is public. */
  equivocationTimes: number[] = [];
  slashedStake = 0;
  slashTimes: number[] = [];
}

interface Proposal {
  leader: number;
  startUs: Micros;
  /** Atomic bundles first (their legs also sit at the top of `batches`), then single transactions. */
  bundles: Bundle[];
  batches: Tx[][];
}

export class SharedSequencer implements Sequencer {
  readonly stats = new SharedStats();
  readonly mempool: Mempool;
  private readonly n: number;
  /** Current stakes: slashing lowers them, and with them the quorum and the leader schedule. */
  private readonly stakes: number[];
  private total: number;
  /** Nodes with stake left, in index order: the round-robin schedule. */
  private eligible: number[];
  private readonly slashScheduled = new Set<number>();
  private readonly pools: PendingTxs[];
  private readonly d: Float64Array;
  private readonly online: Uint8Array;
  private readonly scratch: ConsensusScratch;
  private readonly committer: ChainCommitter;
  private readonly proposals = new Map<number, Proposal>();
  /** Bundles waiting, in arrival order. */
  private bundles: Bundle[] = [];
  private view = 0; // HotStuff view, or Tendermint height
  private round = 0; // Tendermint round within the height
  private fixedLeader = 0;
  private lastCommitUs = 0;
  private fallbackSinceUs: number | null = null;

  constructor(
    private readonly sim: Simulation,
    private readonly rollups: readonly Rollup[],
    private readonly params: SharedParams,
    private readonly rng: { net: Rng; leaders: Rng; fair: Rng; fallback: Rng },
  ) {
    this.n = params.stakes.length;
    this.stakes = [...params.stakes];
    this.total = this.stakes.reduce((a, b) => a + b, 0);
    this.eligible = this.stakes.flatMap((st, i) => (st > 0 ? [i] : []));
    this.pools = rollups.map(() => new PendingTxs(params.policy));
    this.mempool = new Mempool(params.policy);
    this.d = new Float64Array(this.n * this.n);
    this.online = new Uint8Array(this.n);
    this.scratch = new ConsensusScratch(this.n);
    this.committer = new ChainCommitter(params.commitChain);
    sim.at(0, Priority.block, params.protocol === 'hotstuff2' ? this.startView : this.startRound);
  }

  receive = (tx: Tx): void => {
    const now = this.sim.now;
    tx.arriveUs = now;
    // Fair ordering sees the median time at which the nodes received it (gossip from the entry node).
    const median = this.params.policy === 'fair' ? now + this.medianGossipUs() : now;
    this.pools[tx.rollup].add(tx, now, median);
    this.mempool.arrived(tx, now);
  };

  /** A cross-rollup bundle arrives: its legs travel and are ordered together. */
  receiveBundle = (bundle: Bundle): void => {
    const now = this.sim.now;
    for (const leg of bundle.legs) {
      leg.arriveUs = now;
      this.mempool.arrived(leg, now);
    }
    this.bundles.push(bundle);
  };

  *pending(): Iterable<Tx> {
    for (const p of this.pools) yield* p;
    for (const b of this.bundles) yield* b.legs;
  }

  // ─── HotStuff-2 ───────────────────────────────────────────────────────────────────────────────

  private startView = (): void => {
    const now = this.sim.now;
    const v = this.view;
    const leader = this.leaderOf(v);
    const next = this.leaderOf(v + 1);
    this.refreshOnline(now);
    this.stats.slotStarts.push(now);
    this.sampleDelays(leader, next);
    if (this.online[leader]) {
      const slot = this.takeBatches(now, leader);
      // An equivocating leader sends different proposals to different nodes: none gathers a quorum.
      const { qc } = this.equivocates(leader, now) ? { qc: Infinity } : hotstuffView(now, leader, next, this.d, this.online, this.stakes, this.total, this.scratch);
      if (qc !== Infinity) {
        this.proposals.set(v, { leader, startUs: now, ...slot });
        this.sim.at(qc, Priority.block, this.onQc, v);
        return;
      }
      this.withdraw(slot, now);
    }
    this.failView(now, leader);
  };

  /** The next leader holds the QC: it commits what the chain rule allows and starts the next view. */
  private onQc = (v: number): void => {
    const now = this.sim.now;
    const startUs = this.proposals.get(v)!.startUs;
    for (const w of this.committer.certified(v, now)) this.commit(w, now);
    this.view = v + 1;
    this.sim.at(Math.max(now, startUs + this.params.minSlotUs), Priority.block, this.startView);
  };

  private failView(now: Micros, leader: number): void {
    this.stats.missedTimes.push(now);
    // A fixed leader that failed is replaced by the next node (re-election); schedules move on by themselves.
    if (this.params.leaderRotation === 'fixed') this.fixedLeader = this.nextEligible(leader);
    const next = this.leaderOf(this.view + 1);
    const end = viewTimeoutEnd(now, this.params.viewTimeoutUs, this.d, this.online, this.stakes, this.total, next, this.scratch);
    // Without a quorum nobody can certify the timeout either: retry when the timeout fires again.
    const restart = end === Infinity ? now + this.params.viewTimeoutUs : end;
    this.view++;
    this.checkFallback(now);
    this.sim.at(restart, Priority.block, this.startView);
  }

  // ─── Tendermint ───────────────────────────────────────────────────────────────────────────────

  private startRound = (): void => {
    const now = this.sim.now;
    // Tendermint rotates proposers by round too; the slot number (height + round) indexes the schedule.
    const proposer = this.leaderOf(this.view + this.round);
    this.refreshOnline(now);
    this.stats.slotStarts.push(now);
    this.sampleAllDelays();
    const res = tendermintRound(now, this.round, proposer, this.d, this.online, this.stakes, this.total, this.params.timeouts, this.scratch);
    if (res.committed && this.equivocates(proposer, now)) {
      // Conflicting proposals split the prevotes: no polka, the round times out.
      res.committed = false;
      res.roundEnd = now + tendermintRoundTimeout(this.params.timeouts, this.round);
    }
    if (res.committed) {
      this.proposals.set(this.view, { leader: proposer, startUs: now, ...this.takeBatches(now, proposer) });
      this.sim.at(res.decided, Priority.block, this.onDecided, this.view);
      return;
    }
    this.stats.missedTimes.push(now);
    if (this.params.leaderRotation === 'fixed') this.fixedLeader = this.nextEligible(proposer);
    this.round++;
    this.checkFallback(now);
    this.sim.at(res.roundEnd, Priority.block, this.startRound);
  };

  private onDecided = (height: number): void => {
    const now = this.sim.now;
    this.commit(height, now);
    this.view = height + 1;
    this.round = 0;
    this.sim.at(now + this.params.timeouts.commit, Priority.block, this.startRound);
  };

  // ─── Common ───────────────────────────────────────────────────────────────────────────────────

  /**
   * The leader fills the slot: waiting bundles first, whole (every leg must fit its rollup's
   * capacity, else the bundle waits), then each rollup's ready transactions in policy order; with
   * `preconfirm: leader` it promises them all at once.
   */
  private takeBatches(now: Micros, leader: number): { bundles: Bundle[]; batches: Tx[][] } {
    const room = this.rollups.map((r) => r.params.capacity);
    // A censoring leader leaves its targets out; honest leaders take them in their turn.
    const censors = this.params.censors;
    let refused = 0;
    const accept = censors?.nodes.has(leader)
      ? (tx: Tx) => {
          const ok = !censors.senders.has(tx.sender);
          if (!ok) refused++;
          return ok;
        }
      : undefined;
    const batches: Tx[][] = this.rollups.map(() => []);
    const taken: Bundle[] = [];
    const waiting: Bundle[] = [];
    for (const b of this.bundles) {
      if (b.legs.every((l) => room[l.rollup] > 0) && b.legs.every((l) => l.status === 'pending') && (!accept || b.legs.every(accept))) {
        for (const l of b.legs) {
          room[l.rollup]--;
          batches[l.rollup].push(l);
        }
        taken.push(b);
      } else if (b.legs.some((l) => l.status === 'pending')) waiting.push(b);
    }
    this.bundles = waiting;
    this.rollups.forEach((r, i) => {
      const ordered = this.pools[i].take(room[i], now, accept);
      batches[i].push(...(this.params.builders ? this.params.builders.build(i, ordered, room[i]) : ordered));
    });
    const extractor = this.params.extractiveNodes.has(leader) ? this.params.extractor.current : undefined;
    if (extractor) this.rollups.forEach((r, i) => (batches[i] = extractor.sandwich(batches[i], r.params.capacity, `node-${leader}`)));
    if (refused > 0) this.offence(leader, now);
    for (const batch of batches) {
      if (this.params.preconfirm === 'leader') for (const tx of batch) tx.preconfUs ??= now;
      // The leader's proposal fixes the order: an encrypted mempool decrypts now.
      this.mempool.ordered(batch, now);
    }
    return { bundles: taken, batches };
  }

  /** A slot that will not commit: its promises are broken and its transactions wait again. */
  private withdraw(slot: { bundles: Bundle[]; batches: Tx[][] }, now: Micros): void {
    const inBundle = new Set(slot.bundles.flatMap((b) => b.legs));
    slot.batches.forEach((batch, i) => {
      for (const tx of batch) {
        if (tx.preconfUs === now && this.params.preconfirm === 'leader') {
          tx.preconfUs = undefined;
          this.stats.preconfsBroken++;
        }
      }
      this.pools[i].restore(batch.filter((tx) => !inBundle.has(tx)), now);
    });
    this.bundles = [...slot.bundles, ...this.bundles];
  }

  private commit(view: number, now: Micros): void {
    const p = this.proposals.get(view);
    if (!p) return;
    this.proposals.delete(view);
    this.stats.commitTimes.push(now);
    this.lastCommitUs = now;
    this.endFallback(now);
    const final = now + this.params.l1PostDelayUs;
    const decided = this.settleBundles(p.bundles, now);
    // Transactions already included another way while this block waited for its commit (forced
    // through L1, or by a fallback sequencer during a halt) are dropped from it, as a rollup's
    // derivation skips duplicates.
    p.batches.forEach((batch, i) => this.rollups[i].executeBlock(batch.filter((tx) => tx.status === 'pending'), now, final, `node-${p.leader}`, decided));
  }

  /**
   * Atomic execution across rollups: every leg is asked whether it would succeed before any runs;
   * all run, or none does (the failing leg keeps its reason, the others revert with the bundle).
   */
  private settleBundles(bundles: readonly Bundle[], now: Micros): Map<Tx, string | null> {
    const decided = new Map<Tx, string | null>();
    for (const b of bundles) {
      const failures = b.legs.map((l) => (l.action?.check ? l.action.check(l, now) : null));
      const ok = failures.every((f) => f === null);
      b.legs.forEach((l, k) => {
        const outcome = ok ? (l.action ? l.action.execute(l, now) : null) : (failures[k] ?? 'bundle-reverted');
        invariant(!ok || outcome === null, 'bundles are all-or-nothing', () => `leg ${l.id} of bundle ${b.id} failed after every leg checked ok: ${outcome}`);
        decided.set(l, outcome);
      });
    }
    return decided;
  }

  /** Does this leader equivocate now? If so the offence is on record (two signed proposals). */
  private equivocates(node: number, now: Micros): boolean {
    if (!this.params.equivocators.some((e) => e.node === node && now >= e.fromUs) || this.stakes[node] === 0) return false;
    this.stats.equivocationTimes.push(now);
    this.offence(node, now, false);
    return true;
  }

  /** A provable offence (censorship: the leader's proposal omits transactions everyone saw; or equivocation): slashed after the detection delay. */
  private offence(node: number, now: Micros, censorship = true): void {
    if (censorship) this.stats.offenceTimes.push(now);
    const slashing = this.params.slashing;
    if (!slashing || this.slashScheduled.has(node)) return;
    this.slashScheduled.add(node);
    this.sim.at(now + slashing.detectionDelayUs, Priority.world, this.slash, node);
  }

  private slash = (node: number): void => {
    const amount = Math.floor(this.stakes[node] * this.params.slashing!.fraction);
    this.stakes[node] -= amount;
    this.total -= amount;
    this.stats.slashedStake += amount;
    this.stats.slashTimes.push(this.sim.now);
    this.eligible = this.stakes.flatMap((st, i) => (st > 0 ? [i] : []));
    if (this.fixedLeader === node && this.stakes[node] === 0) this.fixedLeader = this.eligible[0] ?? 0;
  };

  private nextEligible(node: number): number {
    for (let k = 1; k <= this.n; k++) {
      const c = (node + k) % this.n;
      if (this.stakes[c] > 0) return c;
    }
    return node;
  }

  /** Drawn stake-weighted leaders, by slot: asked twice (as next, then as current), drawn once. */
  private readonly drawnLeaders = new Map<number, number>();

  private leaderOf(slot: number): number {
    switch (this.params.leaderRotation) {
      case 'round_robin':
        return this.eligible[slot % this.eligible.length];
      case 'fixed':
        return this.fixedLeader;
      case 'stake_weighted': {
        const known = this.drawnLeaders.get(slot);
        if (known !== undefined) return known;
        for (const old of this.drawnLeaders.keys()) if (old < slot - 1) this.drawnLeaders.delete(old);
        let u = this.rng.leaders.next() * this.total;
        let leader = this.n - 1;
        for (let i = 0; i < this.n; i++) {
          u -= this.stakes[i];
          if (u < 0) {
            leader = i;
            break;
          }
        }
        this.drawnLeaders.set(slot, leader);
        return leader;
      }
    }
  }

  private refreshOnline(now: Micros): void {
    this.online.fill(1);
    for (const o of this.params.offline) if (now >= o.atUs && now < o.atUs + o.forUs) this.online[o.node] = 0;
  }

  private delay(): number {
    const { nodeLatencyUs, nodeJitterUs } = this.params;
    return nodeJitterUs === 0 ? nodeLatencyUs : nodeLatencyUs + Math.round(this.rng.net.exponential(1 / nodeJitterUs));
  }

  /** HotStuff is linear: only the leader's row and the next leader's column are used. */
  private sampleDelays(leader: number, next: number): void {
    const n = this.n;
    for (let i = 0; i < n; i++) {
      this.d[leader * n + i] = i === leader ? 0 : this.delay();
      this.d[i * n + next] = i === next ? 0 : this.delay();
    }
  }

  private sampleAllDelays(): void {
    const n = this.n;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) this.d[i * n + j] = i === j ? 0 : this.delay();
  }

  private medianGossipUs(): number {
    const draws = new Float64Array(this.n);
    for (let i = 1; i < this.n; i++) draws[i] = this.params.nodeJitterUs === 0 ? this.params.nodeLatencyUs : this.params.nodeLatencyUs + this.rng.fair.exponential(1 / this.params.nodeJitterUs);
    draws.sort();
    return Math.round(draws[(this.n - 1) >> 1]);
  }

  // ─── Escape hatch: fallback to each rollup's own sequencer ────────────────────────────────────

  private checkFallback(now: Micros): void {
    const after = this.params.fallbackAfterUs;
    if (after === undefined || this.fallbackSinceUs !== null || now - this.lastCommitUs < after) return;
    this.fallbackSinceUs = now;
    // Blocks proposed but not yet committed may never commit: their transactions go to the
    // fallback sequencers too (if the set commits them later, the duplicates are dropped).
    for (const p of this.proposals.values())
      p.batches.forEach((batch, i) => this.pools[i].restore(batch.filter((tx) => tx.status === 'pending' && tx.bundleId === undefined), now));
    this.rollups.forEach((r, i) => this.sim.at(now, Priority.block, this.fallbackBlock, i));
  }

  private endFallback(now: Micros): void {
    if (this.fallbackSinceUs === null) return;
    this.stats.fallbackUs += now - this.fallbackSinceUs;
    this.fallbackSinceUs = null;
  }

  private fallbackBlock = (i: number): void => {
    if (this.fallbackSinceUs === null) return; // the set is back: the rollup's own sequencer stops
    const now = this.sim.now;
    const r = this.rollups[i];
    const block = this.pools[i].take(r.params.capacity, now);
    this.mempool.ordered(block, now);
    r.executeBlock(block, now, now + this.params.fallbackL1PostDelayUs, 'fallback');
    const { blockTimeUs, blockTimeDist } = r.params;
    const interval = blockTimeDist === 'fixed' ? blockTimeUs : Math.max(1, Math.round(this.rng.fallback.exponential(1 / blockTimeUs)));
    this.sim.after(interval, Priority.block, this.fallbackBlock, i);
  };

  /** Time spent in fallback up to `now` (for metrics at the end of a run). */
  fallbackTimeUs(now: Micros): number {
    return this.stats.fallbackUs + (this.fallbackSinceUs === null ? 0 : now - this.fallbackSinceUs);
  }
}
