// The reference point for the hold-model benchmark: the fastest reasonable priority queue in JS,
// a binary min-heap of bare event times in one Float64Array. No tie-break key, no payloads, no
// handler calls: what is left is the irreducible cost of a heap of 1e5 doubles, so the engine's
// ratio to it measures the engine's own overhead (order key, payload arrays, dispatch, checks).

export class BareHeap {
  private heap: Float64Array;
  private n = 0;

  constructor(capacity: number) {
    this.heap = new Float64Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** The minimum; Infinity when empty. */
  peek(): number {
    return this.n > 0 ? this.heap[0] : Infinity;
  }

  push(t: number): void {
    if (this.n === this.heap.length) {
      const bigger = new Float64Array(this.heap.length * 2);
      bigger.set(this.heap);
      this.heap = bigger;
    }
    const h = this.heap;
    let i = this.n++;
    // Sift up with a hole: shift parents down, write the new key once.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = h[p];
      if (pt <= t) break;
      h[i] = pt;
      i = p;
    }
    h[i] = t;
  }

  /** Removes and returns the minimum; the heap must not be empty. */
  pop(): number {
    const h = this.heap;
    const top = h[0];
    const n = --this.n;
    if (n > 0) {
      const t = h[n];
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && h[c + 1] < h[c]) c++;
        const ct = h[c];
        if (t <= ct) break;
        h[i] = ct;
        i = c;
      }
      h[i] = t;
    }
    return top;
  }
}
