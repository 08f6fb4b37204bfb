// Pure consensus-timing functions for the shared sequencer set (docs/architecture.md; docs/calibration.md §1–3).
//
// Everything here is a deterministic function of its inputs: no randomness, no clock, no state
// beyond caller-owned scratch buffers. The event-driven driver (shared.ts) samples per-slot delays
// and calls these once per round / view.
//
// Conventions shared by every function:
// - `n` nodes, indexed 0..n-1; n is taken from `online.length` (stake and d must match).
// - `stake[i]` is an integer ≥ 0. `total` is the total stake of the set, offline stake included
//   (the caller removes slashed stake from `stake` and `total` itself). For exact integer
//   comparisons 3·total must stay below 2^53.
// - `online[i]` truthy = online. Offline nodes send and receive nothing.
// - `d` is an n×n row-major matrix of one-way delays in µs: d[from*n + to] ≥ 0, d[i*n+i] = 0.
//   Heterogeneous and asymmetric matrices are fine.
// - Quorum: strictly more than 2/3 of total stake, in integers: 3·votes > 2·total.
// - Times are µs as `number`; `Infinity` means "never".
import { invariant } from '../../engine/assert.ts';

export type Stakes = ArrayLike<number>;
export type Online = ArrayLike<boolean | number>;

// ---------------------------------------------------------------------------------------------
// Quorum arithmetic

/** True iff `votes` is strictly more than 2/3 of `total` (3·votes > 2·total, exact in integers). */
export function hasQuorum(votes: number, total: number): boolean {
  return 3 * votes > 2 * total;
}

/** Sum of `stake`, or of the online nodes' stake when `online` is given. */
export function sumStake(stake: Stakes, online?: Online): number {
  let s = 0;
  for (let i = 0; i < stake.length; i++) if (!online || online[i]) s += stake[i]!;
  return s;
}

/** Reusable buffers for the functions below, sized for `n` nodes. One per driver; the functions
 * overwrite them on every call. Arrays returned inside results (e.g. `commit`) belong to it and
 * are valid only until the next call that uses the same scratch. */
export class ConsensusScratch {
  readonly idx: Int32Array;
  readonly arrivals: Float64Array;
  readonly prop: Float64Array;
  readonly prevoteQuorum: Float64Array;
  readonly commit: Float64Array;
  constructor(readonly n: number) {
    this.idx = new Int32Array(n);
    this.arrivals = new Float64Array(n);
    this.prop = new Float64Array(n);
    this.prevoteQuorum = new Float64Array(n);
    this.commit = new Float64Array(n);
  }
}

function scratchFor(n: number, scratch: ConsensusScratch | undefined): ConsensusScratch {
  if (!scratch) return new ConsensusScratch(n);
  invariant(scratch.n === n, 'consensus/scratch-size', () => `scratch for ${scratch.n} nodes, set has ${n}`);
  return scratch;
}

function checkShapes(n: number, d: Float64Array, stake: Stakes): void {
  invariant(d.length === n * n, 'consensus/delay-matrix-shape', () => `d has ${d.length} entries, n=${n}`);
  invariant(stake.length === n, 'consensus/stake-shape', () => `stake has ${stake.length} entries, n=${n}`);
}

/**
 * The earliest time t such that the nodes whose message arrived by t (arrivals[i] ≤ t;
 * Infinity = never) hold a quorum of stake (3·sum > 2·total); Infinity if they never do.
 * Equivalently: order messages by arrival, accumulate stake, return the arrival at which the
 * running sum first exceeds 2/3. Ties are irrelevant to the result.
 *
 * Allocation-free when `idx` (an Int32Array of length ≥ arrivals.length) is supplied. Runs a
 * min-heap that stops as soon as the quorum is reached: O(n + k log n) for the k-th message.
 */
export function quorumTime(arrivals: Float64Array, stake: Stakes, total: number, idx?: Int32Array): number {
  const n = arrivals.length;
  const heap = idx ?? new Int32Array(n);
  // Candidates: finite arrival and positive stake (zero-stake messages never change the sum).
  let m = 0;
  let reachable = 0;
  for (let i = 0; i < n; i++) {
    const s = stake[i]!;
    if (s > 0 && arrivals[i]! < Infinity) {
      heap[m++] = i;
      reachable += s;
    }
  }
  if (!hasQuorum(reachable, total)) return Infinity;
  // Heapify (min by arrival), then pop until quorum.
  for (let k = (m >> 1) - 1; k >= 0; k--) siftDown(heap, m, k, arrivals);
  let sum = 0;
  while (m > 0) {
    const top = heap[0]!;
    sum += stake[top]!;
    if (hasQuorum(sum, total)) return arrivals[top]!;
    m--;
    heap[0] = heap[m]!;
    siftDown(heap, m, 0, arrivals);
  }
  // Unreachable: `reachable` had a quorum.
  return Infinity;
}

function siftDown(heap: Int32Array, m: number, k: number, key: Float64Array): void {
  const x = heap[k]!;
  const kx = key[x]!;
  for (;;) {
    let c = 2 * k + 1;
    if (c >= m) break;
    if (c + 1 < m && key[heap[c + 1]!]! < key[heap[c]!]!) c++;
    if (key[heap[c]!]! >= kx) break;
    heap[k] = heap[c]!;
    k = c;
  }
  heap[k] = x;
}

// ---------------------------------------------------------------------------------------------
// Tendermint / CometBFT round (Astria)

/** CometBFT round timeouts in µs: timeoutX(r) = X + r·XDelta (r = round number, 0-based). */
export interface TendermintTimeouts {
  propose: number;
  proposeDelta: number;
  prevote: number;
  prevoteDelta: number;
  precommit: number;
  precommitDelta: number;
}

/** How long a failed round r lasts before nodes move to round r+1:
 * timeoutPropose(r) + timeoutPrevote(r) + timeoutPrecommit(r). */
export function tendermintRoundTimeout(p: TendermintTimeouts, round: number): number {
  invariant(Number.isInteger(round) && round >= 0, 'consensus/round-number', () => `round ${round}`);
  return p.propose + round * p.proposeDelta + p.prevote + round * p.prevoteDelta + p.precommit + round * p.precommitDelta;
}

export interface TendermintRoundResult {
  /** Whether the round commits (proposer online and online stake a quorum). */
  committed: boolean;
  /** Per-node commit time (Infinity for offline nodes, or everywhere if not committed). Owned by
   * the scratch when one was passed. */
  commit: Float64Array;
  /** The decision time the driver should use by default: the commit time at the proposer (it is
   * the node that also serves pre-confirmations and posts the block). Infinity if not committed. */
  decided: number;
  /** Earliest commit among online nodes (Infinity if not committed). */
  earliest: number;
  /** Lower median of the online nodes' commit times (an actual node's time; Infinity if not
   * committed). */
  median: number;
  /** When this round ends: `decided` if committed, else when it is abandoned under the CometBFT
   * timeouts: t0 + tendermintRoundTimeout(timeouts, round). */
  roundEnd: number;
}

/**
 * One CometBFT round starting at `t0` with proposer `proposer`, fault-free message timing:
 * - node i receives the proposal at prop_i = t0 + d[p][i] (prop_p = t0);
 * - each online node broadcasts its prevote on receipt; node j has a polka at
 *   PV_j = quorumTime over i of (prop_i + d[i][j]);
 * - each online node broadcasts its precommit at PV_j; node k commits at
 *   C_k = quorumTime over j of (PV_j + d[j][k]).
 * With uniform delay δ every node commits at t0 + 3δ.
 *
 * The round fails (committed: false) iff the proposer is offline or the online stake is not a
 * quorum; then roundEnd = t0 + timeoutPropose(r) + timeoutPrevote(r) + timeoutPrecommit(r).
 * Not modelled: a proposal arriving after timeoutPropose (a nil prevote in real CometBFT); with
 * sub-second delays against 2 s timeouts this does not arise. The commit timeout between heights
 * is the driver's business.
 */
export function tendermintRound(
  t0: number,
  round: number,
  proposer: number,
  d: Float64Array,
  online: Online,
  stake: Stakes,
  total: number,
  timeouts: TendermintTimeouts,
  scratch?: ConsensusScratch,
): TendermintRoundResult {
  const n = online.length;
  checkShapes(n, d, stake);
  invariant(proposer >= 0 && proposer < n, 'consensus/proposer-index', () => `proposer ${proposer}, n=${n}`);
  const s = scratchFor(n, scratch);
  const { prop, prevoteQuorum: pv, commit, arrivals, idx } = s;

  if (!online[proposer] || !hasQuorum(sumStake(stake, online), total)) {
    commit.fill(Infinity);
    return {
      committed: false,
      commit,
      decided: Infinity,
      earliest: Infinity,
      median: Infinity,
      roundEnd: t0 + tendermintRoundTimeout(timeouts, round),
    };
  }

  const pRow = proposer * n;
  for (let i = 0; i < n; i++) prop[i] = online[i] ? t0 + d[pRow + i]! : Infinity;
  prop[proposer] = t0;

  // Prevotes: at j, the prevote of i arrives at prop_i + d[i][j].
  for (let j = 0; j < n; j++) {
    if (!online[j]) {
      pv[j] = Infinity;
      continue;
    }
    for (let i = 0; i < n; i++) arrivals[i] = online[i] ? prop[i]! + d[i * n + j]! : Infinity;
    pv[j] = quorumTime(arrivals, stake, total, idx);
  }
  // Precommits: at k, the precommit of j arrives at PV_j + d[j][k].
  for (let k = 0; k < n; k++) {
    if (!online[k]) {
      commit[k] = Infinity;
      continue;
    }
    for (let j = 0; j < n; j++) arrivals[j] = online[j] ? pv[j]! + d[j * n + k]! : Infinity;
    commit[k] = quorumTime(arrivals, stake, total, idx);
  }

  // Earliest and lower median over online nodes: reuse `arrivals` as a sort buffer.
  let m = 0;
  for (let k = 0; k < n; k++) if (online[k]) arrivals[m++] = commit[k]!;
  const sorted = arrivals.subarray(0, m).sort();
  const decided = commit[proposer]!;
  // Only reachable with infinite entries in d (a partitioned link): treat as a failed round.
  const committed = decided < Infinity;
  return {
    committed,
    commit,
    decided,
    earliest: sorted[0]!,
    median: sorted[(m - 1) >> 1]!,
    roundEnd: committed ? decided : t0 + tendermintRoundTimeout(timeouts, round),
  };
}

// ---------------------------------------------------------------------------------------------
// HotStuff-2 view (Espresso HotShot: pipelined, linear — votes go to the next leader)

/**
 * View v led by `leader`, starting at `tv`: replica i receives the proposal at tv + d[L][i]
 * (the leader at tv) and sends its vote to the next leader L'; L' forms the QC at
 * qc = quorumTime over i of (tv + d[L][i] + d[i][L']).
 * qc = Infinity if the leader or the next leader is offline, or the online stake is no quorum
 * (then the driver uses viewTimeoutEnd).
 * With uniform delay δ, qc = tv + 2δ.
 *
 * Steady state (driver's job): L' proposes view v+1 at max(qc_v, tv + minViewTime) carrying
 * QC_v, so each view lasts 2δ (or the minimum view time), and under the two-chain rule (see
 * ChainCommitter(2)) the block of view v commits when QC_{v+1} forms: 4δ after its proposal.
 */
export function hotstuffView(
  tv: number,
  leader: number,
  nextLeader: number,
  d: Float64Array,
  online: Online,
  stake: Stakes,
  total: number,
  scratch?: ConsensusScratch,
): { qc: number } {
  const n = online.length;
  checkShapes(n, d, stake);
  invariant(leader >= 0 && leader < n && nextLeader >= 0 && nextLeader < n, 'consensus/leader-index', () => `leader ${leader}, next ${nextLeader}, n=${n}`);
  if (!online[leader] || !online[nextLeader]) return { qc: Infinity };
  const s = scratchFor(n, scratch);
  const { arrivals, idx } = s;
  const lRow = leader * n;
  for (let i = 0; i < n; i++) arrivals[i] = online[i] ? tv + d[lRow + i]! + d[i * n + nextLeader]! : Infinity;
  return { qc: quorumTime(arrivals, stake, total, idx) };
}

/**
 * A failed view (leader offline or no QC): every online replica times out at tv + viewTimeout
 * (all entered the view at tv — the driver's synchronization assumption) and sends a timeout
 * message to the next leader L', who forms a timeout certificate and starts the next view at
 * quorumTime over i of (tv + viewTimeout + d[i][L']). Infinity if L' is offline or the online
 * stake is no quorum (the set halts until stake comes back).
 * HotShot defaults (docs/calibration.md §1): next-view timeout 10 s.
 */
export function viewTimeoutEnd(
  tv: number,
  viewTimeout: number,
  d: Float64Array,
  online: Online,
  stake: Stakes,
  total: number,
  nextLeader: number,
  scratch?: ConsensusScratch,
): number {
  const n = online.length;
  checkShapes(n, d, stake);
  invariant(nextLeader >= 0 && nextLeader < n, 'consensus/leader-index', () => `next ${nextLeader}, n=${n}`);
  if (!online[nextLeader]) return Infinity;
  const s = scratchFor(n, scratch);
  const { arrivals, idx } = s;
  const t = tv + viewTimeout;
  for (let i = 0; i < n; i++) arrivals[i] = online[i] ? t + d[i * n + nextLeader]! : Infinity;
  return quorumTime(arrivals, stake, total, idx);
}

/**
 * The HotStuff-2 two-chain commit rule as a tiny state machine. Feed it every QC as it forms,
 * in increasing view order. The block of view v commits when the QC of view v+1 forms (views
 * exactly consecutive, v+1's block extending v's). A QC whose view does not follow the previous
 * QC's view commits nothing; when a consecutive pair later forms, the earlier block of the pair
 * commits together with all its certified, not-yet-committed ancestors. Blocks of views without
 * a QC are orphaned (the next leader extends the highest QC) and never commit.
 * (Espresso's epoch change needs an extended, three-QC chain: not modelled here.)
 */
export class ChainCommitter {
  private lastView = -Infinity;
  private lastTime = -Infinity;
  /** Length of the run of consecutive certified views ending at lastView. */
  private run = 0;
  /** Certified views not yet committed, ascending. */
  private pending: number[] = [];

  /** `chain` consecutive QCs commit the first block of the run: 2 for HotStuff-2, 3 for chained HotStuff. */
  constructor(readonly chain = 2) {
    invariant(Number.isInteger(chain) && chain >= 1, 'consensus/chain-length', () => `chain ${chain}`);
  }

  /** QC for `view` formed at `time`. Returns the views committed now (ascending; often empty). */
  certified(view: number, time: number): number[] {
    invariant(view > this.lastView, 'consensus/qc-view-order', () => `QC for view ${view} after view ${this.lastView}`);
    invariant(time >= this.lastTime, 'consensus/qc-time-order', () => `QC at ${time} after ${this.lastTime}`);
    this.run = view === this.lastView + 1 ? this.run + 1 : 1;
    this.lastView = view;
    this.lastTime = time;
    this.pending.push(view);
    if (this.run < this.chain) return [];
    // The run's first block commits, and with it every certified ancestor still waiting.
    const upTo = view - (this.chain - 1);
    const cut = this.pending.findIndex((v) => v > upTo);
    const committed = cut === -1 ? this.pending : this.pending.slice(0, cut);
    this.pending = cut === -1 ? [] : this.pending.slice(cut);
    return committed;
  }

  /** The highest view with a QC so far (-Infinity before the first). */
  get highestCertified(): number {
    return this.lastView;
  }
}
