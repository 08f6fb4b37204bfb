import { ASTRIA_TIMEOUTS } from './presets.ts';
import { parseDuration } from '../../engine/time.ts';
import { describe, expect, it } from 'vitest';
import { RngStreams, type Rng } from '../../engine/rng.ts';
import {
  ChainCommitter,
  ConsensusScratch,
  hasQuorum,
  hotstuffView,
  quorumTime,
  sumStake,
  tendermintRound,
  tendermintRoundTimeout,
  viewTimeoutEnd,
  type TendermintTimeouts,
} from './consensus.ts';

const F = (xs: number[]) => Float64Array.from(xs);

function uniformDelay(n: number, delta: number): Float64Array {
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = i === j ? 0 : delta;
  return d;
}

function randomDelay(rng: Rng, n: number, range: number): Float64Array {
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = i === j ? 0 : rng.int(range);
  return d;
}

/** Brute force: min over every stake subset holding a quorum of the latest arrival in it. */
function bruteQuorumTime(arr: ArrayLike<number>, stake: number[], total: number): number {
  const n = stake.length;
  let best = Infinity;
  for (let mask = 1; mask < 1 << n; mask++) {
    let s = 0;
    let latest = -Infinity;
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) {
        s += stake[i]!;
        latest = Math.max(latest, arr[i]!);
      }
    }
    if (3 * s > 2 * total && latest < best) best = latest;
  }
  return best;
}

/** Brute force: simulate the Tendermint round message by message with an explicit event list. */
function bruteTendermint(t0: number, p: number, d: Float64Array, online: boolean[], stake: number[], total: number): number[] {
  const n = stake.length;
  type Ev = { t: number; kind: 'prop' | 'prevote' | 'precommit'; from: number; to: number };
  const events: Ev[] = [];
  const pvSum = new Array<number>(n).fill(0);
  const pcSum = new Array<number>(n).fill(0);
  const polka = new Array<boolean>(n).fill(false);
  const commit = new Array<number>(n).fill(Infinity);
  if (online[p]) for (let i = 0; i < n; i++) if (online[i]) events.push({ t: t0 + (i === p ? 0 : d[p * n + i]!), kind: 'prop', from: p, to: i });
  while (events.length > 0) {
    let m = 0;
    for (let e = 1; e < events.length; e++) if (events[e]!.t < events[m]!.t) m = e;
    const ev = events.splice(m, 1)[0]!;
    const at = ev.to;
    if (ev.kind === 'prop') {
      for (let j = 0; j < n; j++) if (online[j]) events.push({ t: ev.t + d[at * n + j]!, kind: 'prevote', from: at, to: j });
    } else if (ev.kind === 'prevote') {
      pvSum[at]! += stake[ev.from]!;
      if (!polka[at] && 3 * pvSum[at]! > 2 * total) {
        polka[at] = true;
        for (let k = 0; k < n; k++) if (online[k]) events.push({ t: ev.t + d[at * n + k]!, kind: 'precommit', from: at, to: k });
      }
    } else {
      pcSum[at]! += stake[ev.from]!;
      if (commit[at] === Infinity && 3 * pcSum[at]! > 2 * total) commit[at] = ev.t;
    }
  }
  return commit;
}

describe('quorum arithmetic', () => {
  it('hasQuorum is strict > 2/3 in integers', () => {
    expect(hasQuorum(2, 3)).toBe(false); // 6 > 6 is false
    expect(hasQuorum(3, 3)).toBe(true);
    expect(hasQuorum(2, 4)).toBe(false);
    expect(hasQuorum(3, 4)).toBe(true);
    expect(hasQuorum(200, 300)).toBe(false);
    expect(hasQuorum(201, 300)).toBe(true);
    expect(hasQuorum(383, 575)).toBe(false);
    expect(hasQuorum(384, 575)).toBe(true);
    expect(hasQuorum(0, 0)).toBe(false);
  });

  it('quorumTime with [1,1,1] needs all three', () => {
    expect(quorumTime(F([5, 1, 3]), [1, 1, 1], 3)).toBe(5);
    expect(quorumTime(F([5, 1, Infinity]), [1, 1, 1], 3)).toBe(Infinity);
  });

  it('quorumTime with [1,1,1,1] needs three', () => {
    expect(quorumTime(F([40, 10, 30, 20]), [1, 1, 1, 1], 4)).toBe(30);
    expect(quorumTime(F([40, 10, Infinity, 20]), [1, 1, 1, 1], 4)).toBe(40);
    expect(quorumTime(F([Infinity, 10, Infinity, 20]), [1, 1, 1, 1], 4)).toBe(Infinity);
    // offline stake still counts in total: 3 of 4 online, all three needed
    expect(quorumTime(F([1, 2, 3]), [1, 1, 1], 4)).toBe(3);
  });

  it('Astria genesis stakes (4×100 + 7×25 = 575): any quorum needs three Astria nodes', () => {
    const stake = [100, 100, 100, 100, 25, 25, 25, 25, 25, 25, 25];
    const total = sumStake(stake);
    expect(total).toBe(575);
    // 7 externals + 2 Astria = 375 ≤ 383.3: still no quorum; the third Astria node decides.
    expect(quorumTime(F([1, 2, 100, 200, 3, 4, 5, 6, 7, 8, 9]), stake, total)).toBe(100);
    // 3 Astria (300) + 3 externals (375) is not enough, the 4th external (400) is.
    expect(quorumTime(F([1, 2, 3, 500, 10, 20, 30, 40, 50, 60, 70]), stake, total)).toBe(40);
    // All 4 Astria (400) first.
    expect(quorumTime(F([1, 2, 3, 4, 10, 20, 30, 40, 50, 60, 70]), stake, total)).toBe(4);
    // Zero-stake and ties are harmless.
    expect(quorumTime(F([7, 7, 7, 7, 0, 0, 0, 0, 0, 0, 0]), stake, total)).toBe(7);
    // Two Astria nodes offline (200/575 > 1/3): no quorum at all.
    expect(quorumTime(F([1, 2, Infinity, Infinity, 3, 4, 5, 6, 7, 8, 9]), stake, total)).toBe(Infinity);
  });

  it('quorumTime matches subset enumeration on random inputs (with ties, Infinity, zero stake)', () => {
    const rng = new RngStreams(7).stream('test/consensus/quorum');
    for (let trial = 0; trial < 2000; trial++) {
      const n = 1 + rng.int(9);
      const stake = Array.from({ length: n }, () => rng.int(6));
      const total = sumStake(stake) + (rng.next() < 0.3 ? rng.int(4) : 0); // extra = slashed-away/offline elsewhere
      const range = [3, 20, 1_000_000][rng.int(3)]!;
      const arr = Float64Array.from({ length: n }, () => (rng.next() < 0.15 ? Infinity : rng.int(range)));
      const idx = new Int32Array(n);
      expect(quorumTime(arr, stake, total, idx)).toBe(bruteQuorumTime(arr, stake, total));
    }
  });

  it('quorumTime matches a sort-and-accumulate reference at n = 200', () => {
    const rng = new RngStreams(8).stream('test/consensus/quorum-large');
    const n = 200;
    const idx = new Int32Array(n);
    for (let trial = 0; trial < 200; trial++) {
      const stake = Array.from({ length: n }, () => rng.int(1000));
      const total = sumStake(stake);
      const arr = Float64Array.from({ length: n }, () => (rng.next() < 0.2 ? Infinity : rng.int(500_000)));
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => arr[a]! - arr[b]! || a - b);
      let s = 0;
      let expected = Infinity;
      for (const i of order) {
        if (arr[i] === Infinity) break;
        s += stake[i]!;
        if (3 * s > 2 * total) {
          expected = arr[i]!;
          break;
        }
      }
      expect(quorumTime(arr, stake, total, idx)).toBe(expected);
    }
  });
});

describe('Tendermint round', () => {
  // Astria mainnet's timeouts, from the preset (docs/calibration.md §2).
  const us = (d: string) => parseDuration(d)!;
  const T = { propose: us(ASTRIA_TIMEOUTS.propose), proposeDelta: us(ASTRIA_TIMEOUTS.propose_delta), prevote: us(ASTRIA_TIMEOUTS.prevote), prevoteDelta: us(ASTRIA_TIMEOUTS.prevote_delta), precommit: us(ASTRIA_TIMEOUTS.precommit), precommitDelta: us(ASTRIA_TIMEOUTS.precommit_delta) };

  it('uniform delay δ: every node commits at t0 + 3δ', () => {
    for (const stake of [[1, 1, 1], [1, 1, 1, 1], [5, 5, 5, 5, 5, 5, 5], [100, 100, 100, 100, 25, 25, 25, 25, 25, 25, 25]]) {
      const n = stake.length;
      const total = sumStake(stake);
      const online = new Array<boolean>(n).fill(true);
      const delta = 80_000;
      const t0 = 1_000_000;
      for (let p = 0; p < n; p++) {
        const r = tendermintRound(t0, 0, p, uniformDelay(n, delta), online, stake, total, T, new ConsensusScratch(n));
        expect(r.committed).toBe(true);
        expect(Array.from(r.commit)).toEqual(new Array<number>(n).fill(t0 + 3 * delta));
        expect(r.decided).toBe(t0 + 3 * delta);
        expect(r.earliest).toBe(t0 + 3 * delta);
        expect(r.median).toBe(t0 + 3 * delta);
        expect(r.roundEnd).toBe(t0 + 3 * delta);
      }
    }
  });

  it('matches a message-by-message event simulation on random asymmetric delays and stakes', () => {
    const rng = new RngStreams(11).stream('test/consensus/tendermint');
    let committedTrials = 0;
    for (let trial = 0; trial < 600; trial++) {
      const n = 4 + rng.int(4); // 4..7
      const stake = Array.from({ length: n }, () => rng.int(5) + (rng.next() < 0.8 ? 1 : 0));
      const total = sumStake(stake);
      const online = Array.from({ length: n }, () => rng.next() < 0.85);
      const d = randomDelay(rng, n, [4, 50, 300_000][rng.int(3)]!);
      const p = rng.int(n);
      const t0 = rng.int(10_000_000);
      const scratch = new ConsensusScratch(n);
      const r = tendermintRound(t0, 1, p, d, online, stake, total, T, scratch);
      const brute = bruteTendermint(t0, p, d, online, stake, total);
      const canCommit = online[p]! && 3 * sumStake(stake, online) > 2 * total;
      expect(r.committed).toBe(canCommit);
      if (!canCommit) {
        expect(brute.every((c) => c === Infinity)).toBe(true);
        expect(r.roundEnd).toBe(t0 + tendermintRoundTimeout(T, 1));
        expect(r.decided).toBe(Infinity);
        continue;
      }
      committedTrials++;
      expect(Array.from(r.commit)).toEqual(brute);
      expect(r.decided).toBe(brute[p]);
      const onl = brute.filter((_, k) => online[k]).sort((a, b) => a - b);
      expect(r.earliest).toBe(onl[0]);
      expect(r.median).toBe(onl[Math.floor((onl.length - 1) / 2)]);
      // Lower bounds: a commit needs at least proposal → prevote → precommit hops.
      for (let k = 0; k < n; k++) if (online[k]) expect(r.commit[k]).toBeGreaterThanOrEqual(t0);
      // Same answer without a scratch (allocating path).
      expect(Array.from(tendermintRound(t0, 1, p, d, online, stake, total, T).commit)).toEqual(brute);
    }
    expect(committedTrials).toBeGreaterThan(200);
  });

  it('exactly 1/3 of stake offline: no commit; just under 1/3: commits', () => {
    const d = uniformDelay(3, 10_000);
    // [1,1,1] with one offline: 2/3 exactly, 3·2 = 6 is not > 6.
    let r = tendermintRound(0, 0, 0, d, [true, true, false], [1, 1, 1], 3, T);
    expect(r.committed).toBe(false);
    expect(r.roundEnd).toBe(4_000_000);
    expect(Array.from(r.commit)).toEqual([Infinity, Infinity, Infinity]);
    // [34,33,33]: 34 offline is > 1/3 → no; 33 offline is just under 1/3 → commits at 3δ.
    r = tendermintRound(0, 0, 1, d, [false, true, true], [34, 33, 33], 100, T);
    expect(r.committed).toBe(false);
    r = tendermintRound(0, 0, 0, d, [true, true, false], [34, 33, 33], 100, T);
    expect(r.committed).toBe(true);
    // Two online nodes: node 1's polka is at δ (its own prevote and p's both arrive at δ), p's at
    // 2δ; so p commits at 2δ (own precommit at 2δ, node 1's at δ + δ) and node 1 at 3δ.
    expect(Array.from(r.commit)).toEqual([20_000, 30_000, Infinity]);
    expect(r.decided).toBe(20_000);
    expect(r.earliest).toBe(20_000);
    expect(r.median).toBe(20_000); // lower median of two
    // [2,2,1,1]: a 2-node offline is exactly 1/3 → no commit; a 1-node offline (1/6) commits.
    const d4 = uniformDelay(4, 10_000);
    expect(tendermintRound(0, 0, 1, d4, [false, true, true, true], [2, 2, 1, 1], 6, T).committed).toBe(false);
    expect(tendermintRound(0, 0, 1, d4, [true, true, false, true], [2, 2, 1, 1], 6, T).committed).toBe(true);
  });

  it('offline proposer: no commit even with all other stake online', () => {
    const r = tendermintRound(500, 0, 2, uniformDelay(4, 1000), [true, true, false, true], [10, 10, 1, 10], 31, T);
    expect(r.committed).toBe(false);
    expect(r.roundEnd).toBe(500 + 4_000_000);
  });

  it('timeout arithmetic for rounds r > 0', () => {
    // Astria: r = 2 → propose 3 s + prevote 2 s + precommit 2 s.
    expect(tendermintRoundTimeout(T, 0)).toBe(4_000_000);
    expect(tendermintRoundTimeout(T, 2)).toBe(7_000_000);
    // Distinct values catch any swapped field: r = 3 → (10+3) + (100+60) + (1000+900).
    const P: TendermintTimeouts = { propose: 10, proposeDelta: 1, prevote: 100, prevoteDelta: 20, precommit: 1000, precommitDelta: 300 };
    expect(tendermintRoundTimeout(P, 3)).toBe(2073);
    const r = tendermintRound(1_000, 3, 0, uniformDelay(3, 5), [false, true, true], [1, 1, 1], 3, P);
    expect(r.committed).toBe(false);
    expect(r.roundEnd).toBe(3073);
    expect(() => tendermintRoundTimeout(P, -1)).toThrow();
  });
});

describe('HotStuff-2 view', () => {
  it('uniform delay δ: QC at tv + 2δ', () => {
    for (const n of [3, 4, 5, 10]) {
      const stake = new Array<number>(n).fill(1);
      const online = new Array<boolean>(n).fill(true);
      for (let L = 0; L < n; L++) {
        expect(hotstuffView(2_000, L, (L + 1) % n, uniformDelay(n, 300), online, stake, n).qc).toBe(2_600);
      }
    }
  });

  it('steady state: views last 2δ (or the minimum view time) and a block commits 4δ after its proposal', () => {
    const n = 5;
    const delta = 250_000;
    const d = uniformDelay(n, delta);
    const stake = [1, 1, 1, 1, 1];
    const online = [true, true, true, true, true];
    const scratch = new ConsensusScratch(n);
    for (const minView of [0, 700_000]) {
      const committer = new ChainCommitter(2);
      const start: number[] = [];
      const commitAt = new Map<number, number>();
      let tv = 1_000_000;
      for (let v = 0; v < 12; v++) {
        start.push(tv);
        const { qc } = hotstuffView(tv, v % n, (v + 1) % n, d, online, stake, n, scratch);
        expect(qc).toBe(tv + 2 * delta);
        for (const c of committer.certified(v, qc)) commitAt.set(c, qc);
        tv = Math.max(qc, tv + minView);
      }
      const viewLen = Math.max(2 * delta, minView);
      for (let v = 0; v < 11; v++) {
        expect(start[v + 1]! - start[v]!).toBe(viewLen);
        expect(commitAt.get(v)).toBe(start[v]! + viewLen + 2 * delta); // = 4δ when minView ≤ 2δ
      }
      if (minView === 0) expect(commitAt.get(3)! - start[3]!).toBe(4 * delta);
      expect(commitAt.has(11)).toBe(false);
    }
  });

  it('matches subset enumeration on random asymmetric delays', () => {
    const rng = new RngStreams(12).stream('test/consensus/hotstuff');
    for (let trial = 0; trial < 1000; trial++) {
      const n = 4 + rng.int(4);
      const stake = Array.from({ length: n }, () => rng.int(6));
      const total = sumStake(stake);
      const online = Array.from({ length: n }, () => rng.next() < 0.85);
      const d = randomDelay(rng, n, [5, 100, 200_000][rng.int(3)]!);
      const L = rng.int(n);
      const L2 = rng.int(n);
      const tv = rng.int(1_000_000);
      let expected = Infinity;
      if (online[L] && online[L2]) {
        const arr = Array.from({ length: n }, (_, i) => (online[i] ? tv + d[L * n + i]! + d[i * n + L2]! : Infinity));
        expected = bruteQuorumTime(arr, stake, total);
      }
      expect(hotstuffView(tv, L, L2, d, online, stake, total).qc).toBe(expected);
      // Timeout path: timeout messages to L2 at tv + T + d[i][L2].
      const T = 10_000_000;
      let expT = Infinity;
      if (online[L2]) {
        const arr = Array.from({ length: n }, (_, i) => (online[i] ? tv + T + d[i * n + L2]! : Infinity));
        expT = bruteQuorumTime(arr, stake, total);
      }
      expect(viewTimeoutEnd(tv, T, d, online, stake, total, L2)).toBe(expT);
    }
  });

  it('offline leader or next leader: no QC; view timeout arithmetic', () => {
    const n = 4;
    const d = uniformDelay(n, 100);
    const stake = [1, 1, 1, 1];
    expect(hotstuffView(0, 0, 1, d, [false, true, true, true], stake, 4).qc).toBe(Infinity);
    expect(hotstuffView(0, 0, 1, d, [true, false, true, true], stake, 4).qc).toBe(Infinity);
    // Leader offline: replicas time out at tv + 10 s; L' has a TC when the 3rd timeout arrives.
    expect(viewTimeoutEnd(5_000, 10_000_000, d, [false, true, true, true], stake, 4, 1)).toBe(5_000 + 10_000_000 + 100);
    expect(viewTimeoutEnd(5_000, 10_000_000, d, [true, false, true, true], stake, 4, 1)).toBe(Infinity);
    // Exactly 1/3 offline ([1,1,1], one down): neither QC nor TC.
    const d3 = uniformDelay(3, 100);
    expect(hotstuffView(0, 0, 1, d3, [true, true, false], [1, 1, 1], 3).qc).toBe(Infinity);
    expect(viewTimeoutEnd(0, 1_000, d3, [true, true, false], [1, 1, 1], 3, 1)).toBe(Infinity);
    // Just under 1/3 offline: a QC. Only L and L' are online: L's vote reaches L' at 0 + δ, and
    // L' votes on receipt of the proposal at δ, so the QC forms at δ, not 2δ.
    expect(hotstuffView(0, 0, 1, d3, [true, true, false], [34, 33, 33], 100).qc).toBe(100);
    // When L and L' hold only 66 of 100, the third replica's vote (at 2δ) is needed.
    expect(hotstuffView(0, 0, 1, d3, [true, true, true], [33, 33, 34], 100).qc).toBe(200);
  });
});

describe('ChainCommitter(2): the HotStuff-2 rule', () => {
  it('commits on consecutive QCs, with uncommitted certified ancestors', () => {
    const c = new ChainCommitter(2);
    expect(c.certified(1, 10)).toEqual([]);
    expect(c.certified(2, 20)).toEqual([1]);
    expect(c.certified(3, 30)).toEqual([2]);
    expect(c.certified(5, 50)).toEqual([]); // view 4 failed: 3 stays pending
    expect(c.certified(7, 70)).toEqual([]); // not consecutive
    expect(c.certified(8, 80)).toEqual([3, 5, 7]);
    expect(c.certified(9, 90)).toEqual([8]);
    expect(c.highestCertified).toBe(9);
  });

  it('rejects out-of-order views and times', () => {
    const c = new ChainCommitter(2);
    c.certified(4, 100);
    expect(() => c.certified(4, 200)).toThrow();
    expect(() => c.certified(5, 50)).toThrow();
  });
});
