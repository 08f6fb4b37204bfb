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
import type { Simulation, Timer } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import type { Rng } from '../../engine/rng.ts';
import type { Micros } from '../../engine/time.ts';
import type { Rollup } from '../rollup.ts';
import type { Tx } from '../tx.ts';
import { PendingTxs, type Policy } from './pending.ts';
import { postingFinalUs, type BlockBackstop, type Capabilities, type Sequencer, type Window } from './sequencer.ts';
import { Mempool, policyCapabilities } from './visibility.ts';
import type { Bundle } from '../crossrollup.ts';
import type { Extractor } from '../agents/extractor.ts';
import type { BuilderMarket } from './pbs.ts';
import { invariant } from '../../engine/assert.ts';
import type { ModelEvents } from '../events.ts';
import { ChainCommitter, ConsensusScratch, hotstuffView, tendermintRound, tendermintRoundTimeout, viewTimeoutEnd, type TendermintTimeouts } from './consensus.ts';

export interface SharedParams {
  protocol: 'hotstuff2' | 'tendermint';
  stakes: number[];
  leaderRotation: 'round_robin' | 'stake_weighted' | 'fixed';
  nodeLatencyUs: Micros;
  nodeJitterUs: Micros;
  /** One-way base delay from node i to node j at [i·n + j] (regions); when absent, nodeLatencyUs for every pair. */
  nodeBaseUs?: Float64Array;
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
  extractor?: Extractor;
  slashing?: { detectionDelayUs: Micros; fraction: number };
  /** Nodes that, as leaders from a time on, sign two conflicting proposals (equivocate). */
  equivocators: { node: number; fromUs: Micros }[];
  /** Under PBS: the builders whose best block the leader proposes, per rollup. */
  builders?: BuilderMarket;
}

interface Proposal {
  leader: number;
  startUs: Micros;
  /** Atomic bundles first (their legs also sit at the top of `batches`), then single transactions. */
  bundles: Bundle[];
  batches: Tx[][];
}

export class SharedSequencer implements Sequencer {
  readonly mempool: Mempool;
  readonly capabilities: Capabilities;
  backstop: BlockBackstop | undefined = undefined;
  /** Global indices of the rollups the set orders. */
  readonly rollups: readonly number[];
  /** Local index (position in `members`) of each global rollup index, -1 when not a member. */
  private readonly local: Int32Array;
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
  /** Faults currently holding each node down (fault injection; `params.offline` is the scenario's own list). */
  private readonly crashes: Uint16Array;
  private readonly scratch: ConsensusScratch;
  private readonly committer: ChainCommitter;
  private readonly proposals = new Map<number, Proposal>();
  /** Bundles waiting, in arrival order. */
  private bundles: Bundle[] = [];
  private view = 0; // HotStuff view, or Tendermint height
  private round = 0; // Tendermint round within the height
  private fixedLeader = 0;
  private lastCommitUs = 0;
  private inFallback = false;
  /** Each member rollup's next fallback block, while the set is halted. */
  private readonly fallbackTimers: (Timer | undefined)[];
  /** Fault injection: posting stalls, censorship windows, and the slashing of injected equivocators. */
  private readonly stalls: Window[] = [];
  private readonly censorWindows: { fromUs: Micros; untilUs: Micros; senders: ReadonlySet<string>; nodes?: ReadonlySet<number> }[] = [];
  private readonly slashingOf = new Map<number, { detectionDelayUs: Micros; fraction: number }>();

  constructor(
    private readonly sim: Simulation,
    /** The rollups the set orders (a subset of the world's, in world order). */
    private readonly members: readonly Rollup[],
    worldRollups: number,
    private readonly params: SharedParams,
    private readonly rng: { net: Rng; leaders: Rng; fair: Rng; fallback: Rng },
    private readonly events: ModelEvents,
  ) {
    this.rollups = members.map((r) => r.params.index);
    this.local = new Int32Array(worldRollups).fill(-1);
    members.forEach((r, i) => (this.local[r.params.index] = i));
    this.fallbackTimers = members.map(() => undefined);
    this.n = params.stakes.length;
    this.stakes = [...params.stakes];
    this.total = this.stakes.reduce((a, b) => a + b, 0);
    this.eligible = this.stakes.flatMap((st, i) => (st > 0 ? [i] : []));
    this.pools = members.map(() => new PendingTxs(params.policy));
    this.mempool = new Mempool(params.policy);
    this.capabilities = policyCapabilities(params.policy, params.builders);
    this.d = new Float64Array(this.n * this.n);
    this.online = new Uint8Array(this.n);
    this.crashes = new Uint16Array(this.n);
    this.scratch = new ConsensusScratch(this.n);
    this.committer = new ChainCommitter(params.commitChain);
    // The first slot starts one slot interval after the start, as a rollup's own first block comes one block time in.
    const first = params.protocol === 'hotstuff2' ? params.minSlotUs : params.timeouts.commit;
    sim.at(first, Priority.sequencing, params.protocol === 'hotstuff2' ? this.startView : this.startRound);
  }

  receive = (tx: Tx): void => {
    const now = this.sim.now;
    tx.arriveUs = now;
    // Fair ordering sees the median time at which the nodes received it (gossip from the entry node).
    const median = this.params.policy === 'fair' ? now + this.medianGossipUs() : now;
    this.pools[this.local[tx.rollup]].add(tx, now, median);
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

  get machines(): number {
    return this.n;
  }

  /** Nodes 0 … k−1 crash: below a third of the stake the set carries on; past it no quorum forms, and every member rollup halts. */
  crash(k: number): void {
    for (let i = 0; i < Math.min(k, this.n); i++) this.crashes[i]++;
  }

  recover(k: number): void {
    for (let i = 0; i < Math.min(k, this.n); i++) {
      invariant(this.crashes[i] > 0, 'a node recovers only from a crash', () => `node ${i} was not crashed`);
      this.crashes[i]--;
    }
  }

  /** Node `node` equivocates whenever it leads from `atUs`, slashed by `slashFraction` `detectionDelayUs` after its first offence. */
  equivocate(atUs: Micros, detectionDelayUs: Micros, node: number, slashFraction: number): void {
    invariant(node < this.n, 'an equivocator is a node of the set', () => `node ${node} of ${this.n}`);
    this.params.equivocators.push({ node, fromUs: atUs });
    this.slashingOf.set(node, { detectionDelayUs, fraction: slashFraction });
  }

  stallPosting(fromUs: Micros, untilUs: Micros): void {
    this.stalls.push({ fromUs, untilUs });
  }

  censor(fromUs: Micros, untilUs: Micros, senders: ReadonlySet<string>, nodes?: ReadonlySet<number>): void {
    this.censorWindows.push({ fromUs, untilUs, senders, nodes });
  }

  /** Senders this leader leaves out now (its standing censorship and any window in progress); null: none. */
  private censoredBy(leader: number, now: Micros): ((sender: string) => boolean) | null {
    const standing = this.params.censors?.nodes.has(leader) ? this.params.censors.senders : undefined;
    const windows = this.censorWindows.filter((w) => now >= w.fromUs && now < w.untilUs && (w.nodes === undefined || w.nodes.has(leader)));
    if (!standing && windows.length === 0) return null;
    return (sender) => (standing?.has(sender) ?? false) || windows.some((w) => w.senders.has(sender));
  }

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
    this.events.slotStarted.emit({ atUs: now, leader });
    this.sampleDelays(leader, next);
    if (this.online[leader]) {
      const slot = this.takeBatches(now, leader);
      // An equivocating leader sends different proposals to different nodes: none gathers a quorum.
      const { qc } = this.equivocates(leader, now) ? { qc: Infinity } : hotstuffView(now, leader, next, this.d, this.online, this.stakes, this.total, this.scratch);
      if (qc !== Infinity) {
        this.proposals.set(v, { leader, startUs: now, bundles: slot.bundles, batches: slot.batches });
        this.sim.at(qc, Priority.sequencing, this.onQc, v);
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
    this.sim.at(Math.max(now, startUs + this.params.minSlotUs), Priority.sequencing, this.startView);
  };

  private failView(now: Micros, leader: number): void {
    this.events.slotMissed.emit({ atUs: now, leader });
    // A fixed leader that failed is replaced by the next node (re-election); schedules move on by themselves.
    if (this.params.leaderRotation === 'fixed') this.fixedLeader = this.nextEligible(leader);
    const next = this.leaderOf(this.view + 1);
    const end = viewTimeoutEnd(now, this.params.viewTimeoutUs, this.d, this.online, this.stakes, this.total, next, this.scratch);
    // Without a quorum nobody can certify the timeout either: retry when the timeout fires again.
    const restart = end === Infinity ? now + this.params.viewTimeoutUs : end;
    this.view++;
    this.checkFallback(now);
    this.sim.at(restart, Priority.sequencing, this.startView);
  }

  // ─── Tendermint ───────────────────────────────────────────────────────────────────────────────

  private startRound = (): void => {
    const now = this.sim.now;
    // Tendermint rotates proposers by round too; the slot number (height + round) indexes the schedule.
    const proposer = this.leaderOf(this.view + this.round);
    this.refreshOnline(now);
    this.events.slotStarted.emit({ atUs: now, leader: proposer });
    this.sampleAllDelays();
    const res = tendermintRound(now, this.round, proposer, this.d, this.online, this.stakes, this.total, this.params.timeouts, this.scratch);
    if (res.committed && this.equivocates(proposer, now)) {
      // Conflicting proposals split the prevotes: no polka, the round times out.
      res.committed = false;
      res.roundEnd = now + tendermintRoundTimeout(this.params.timeouts, this.round);
    }
    if (res.committed) {
      const slot = this.takeBatches(now, proposer);
      this.proposals.set(this.view, { leader: proposer, startUs: now, bundles: slot.bundles, batches: slot.batches });
      this.sim.at(res.decided, Priority.sequencing, this.onDecided, this.view);
      return;
    }
    this.events.slotMissed.emit({ atUs: now, leader: proposer });
    if (this.params.leaderRotation === 'fixed') this.fixedLeader = this.nextEligible(proposer);
    this.round++;
    this.checkFallback(now);
    this.sim.at(res.roundEnd, Priority.sequencing, this.startRound);
  };

  private onDecided = (height: number): void => {
    const now = this.sim.now;
    this.commit(height, now);
    this.view = height + 1;
    this.round = 0;
    this.sim.at(now + this.params.timeouts.commit, Priority.sequencing, this.startRound);
  };

  // ─── Common ───────────────────────────────────────────────────────────────────────────────────

  /**
   * The leader fills the slot: waiting bundles first, whole (every leg must fit its rollup's
   * capacity, else the bundle waits), then each rollup's ready transactions in policy order; with
   * `preconfirm: leader` it promises them all at once.
   */
  private takeBatches(now: Micros, leader: number): { bundles: Bundle[]; batches: Tx[][] } {
    const room = this.members.map((r) => r.params.capacity);
    // A censoring leader leaves its targets out; honest leaders take them in their turn.
    const censored = this.censoredBy(leader, now);
    let refused = 0;
    const accept = censored
      ? (tx: Tx) => {
          const ok = !censored(tx.sender);
          if (!ok) refused++;
          return ok;
        }
      : undefined;
    const batches: Tx[][] = this.members.map(() => []);
    const taken: Bundle[] = [];
    const waiting: Bundle[] = [];
    for (const b of this.bundles) {
      if (b.legs.every((l) => room[this.local[l.rollup]] > 0) && b.legs.every((l) => l.status === 'pending') && (!accept || b.legs.every(accept))) {
        for (const l of b.legs) {
          room[this.local[l.rollup]]--;
          batches[this.local[l.rollup]].push(l);
        }
        taken.push(b);
      } else if (b.legs.some((l) => l.status === 'pending')) waiting.push(b);
    }
    this.bundles = waiting;
    this.members.forEach((r, i) => {
      const ordered = this.pools[i].take(room[i], now, accept);
      batches[i].push(...(this.params.builders ? this.params.builders.build(r.params.index, ordered, room[i]) : ordered));
    });
    const extractor = this.params.extractiveNodes.has(leader) ? this.params.extractor : undefined;
    if (extractor) this.members.forEach((r, i) => (batches[i] = extractor.sandwich(batches[i], r.params.capacity, `node-${leader}`)));
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
          tx.preconfBrokenUs ??= now;
          this.events.preconfBroken.emit(tx);
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
    this.events.slotCommitted.emit({ atUs: now, leader: p.leader });
    this.lastCommitUs = now;
    this.endFallback(now);
    const final = postingFinalUs(now, this.params.l1PostDelayUs, this.stalls);
    const decided = this.settleBundles(p.bundles, now);
    // Transactions already included another way while this block waited for its commit (forced
    // through L1, or by a fallback sequencer during a halt) are dropped from it, as a rollup's
    // derivation skips duplicates.
    p.batches.forEach((batch, i) => this.members[i].executeBlock(batch.filter((tx) => tx.status === 'pending'), now, final, `node-${p.leader}`, decided, this.backstop));
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
    this.offence(node, now, 'equivocation');
    return true;
  }

  /** A provable offence (censorship: the leader's proposal omits transactions everyone saw; or equivocation): slashed after the detection delay. */
  private offence(node: number, now: Micros, kind: 'censorship' | 'equivocation' = 'censorship'): void {
    this.events.offence.emit({ atUs: now, node, kind });
    const slashing = this.slashingOf.get(node) ?? this.params.slashing;
    if (!slashing || this.slashScheduled.has(node)) return;
    this.slashScheduled.add(node);
    this.sim.at(now + slashing.detectionDelayUs, Priority.world, this.slash, node);
  }

  private slash = (node: number): void => {
    const amount = Math.floor(this.stakes[node] * (this.slashingOf.get(node) ?? this.params.slashing)!.fraction);
    this.stakes[node] -= amount;
    this.total -= amount;
    this.events.slashed.emit({ atUs: this.sim.now, node, stake: amount });
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
        // Every node slashed out: slots still start (and fail: no stake, no quorum), led by anyone.
        return this.eligible.length > 0 ? this.eligible[slot % this.eligible.length] : slot % this.n;
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
    for (let i = 0; i < this.n; i++) this.online[i] = this.crashes[i] === 0 ? 1 : 0;
    for (const o of this.params.offline) if (now >= o.atUs && now < o.atUs + o.forUs) this.online[o.node] = 0;
  }

  private base(i: number, j: number): number {
    const m = this.params.nodeBaseUs;
    return m === undefined ? this.params.nodeLatencyUs : m[i * this.n + j];
  }

  private delay(i: number, j: number): number {
    const { nodeJitterUs } = this.params;
    return nodeJitterUs === 0 ? this.base(i, j) : this.base(i, j) + Math.round(this.rng.net.exponential(1 / nodeJitterUs));
  }

  /** HotStuff is linear: only the leader's row and the next leader's column are used. */
  private sampleDelays(leader: number, next: number): void {
    const n = this.n;
    for (let i = 0; i < n; i++) {
      this.d[leader * n + i] = i === leader ? 0 : this.delay(leader, i);
      this.d[i * n + next] = i === next ? 0 : this.delay(i, next);
    }
  }

  private sampleAllDelays(): void {
    const n = this.n;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) this.d[i * n + j] = i === j ? 0 : this.delay(i, j);
  }

  /** Fair ordering: the median time at which the nodes hear a transaction gossiped from node 0 (the entry). */
  private medianGossipUs(): number {
    const draws = new Float64Array(this.n);
    const jitter = this.params.nodeJitterUs;
    for (let i = 1; i < this.n; i++) draws[i] = jitter === 0 ? this.base(0, i) : this.base(0, i) + this.rng.fair.exponential(1 / jitter);
    draws.sort();
    return Math.round(draws[(this.n - 1) >> 1]);
  }

  // ─── Escape hatch: fallback to each rollup's own sequencer ────────────────────────────────────
  // Each member rollup's own sequencer makes blocks while the set is halted; the chain of its
  // blocks is one cancellable timer, cancelled when the set commits again, so a second halt can
  // never leave two chains running.

  private checkFallback(now: Micros): void {
    const after = this.params.fallbackAfterUs;
    if (after === undefined || this.inFallback || now - this.lastCommitUs < after) return;
    this.inFallback = true;
    this.events.fallback.emit({ atUs: now, rollups: this.rollups, halted: true });
    // Blocks proposed but not yet committed may never commit: their transactions go to the
    // fallback sequencers too (if the set commits them later, the duplicates are dropped).
    for (const p of this.proposals.values())
      p.batches.forEach((batch, i) => this.pools[i].restore(batch.filter((tx) => tx.status === 'pending' && tx.bundle === undefined), now));
    this.members.forEach((r, i) => (this.fallbackTimers[i] = this.sim.timer(now, Priority.sequencing, this.fallbackBlock, i)));
  }

  private endFallback(now: Micros): void {
    if (!this.inFallback) return;
    this.inFallback = false;
    for (let i = 0; i < this.fallbackTimers.length; i++) {
      this.fallbackTimers[i]?.cancel();
      this.fallbackTimers[i] = undefined;
    }
    this.events.fallback.emit({ atUs: now, rollups: this.rollups, halted: false });
  }

  private fallbackBlock = (i: number): void => {
    const now = this.sim.now;
    const r = this.members[i];
    const block = this.pools[i].take(r.params.capacity, now);
    this.mempool.ordered(block, now);
    r.executeBlock(block, now, postingFinalUs(now, this.params.fallbackL1PostDelayUs, this.stalls), 'fallback');
    const { blockTimeUs, blockTimeDist } = r.params;
    const interval = blockTimeDist === 'fixed' ? blockTimeUs : Math.max(1, Math.round(this.rng.fallback.exponential(1 / blockTimeUs)));
    this.fallbackTimers[i] = this.sim.timer(now + interval, Priority.sequencing, this.fallbackBlock, i);
  };
}
