// The event queue: a binary min-heap ordered by (time, priority class, insertion sequence).
// Priority and sequence are packed into one double (class * 2^40 + seq), exact below 2^53, so a
// comparison is two number compares. Keys live in typed arrays and payloads in parallel plain
// arrays: no per-event object is allocated on push or pop.

export type Handler = (data: any) => void;

const SEQ_BITS = 2 ** 40; // ~1.1e12 events per run before the packed order would collide
export const MAX_PRIORITY = 2 ** 12;

export class EventQueue {
  private times: Float64Array;
  private orders: Float64Array;
  private handlers: (Handler | undefined)[];
  private datas: unknown[];
  private n = 0;
  private seq = 0;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.orders = new Float64Array(initialCapacity);
    this.handlers = new Array(initialCapacity);
    this.datas = new Array(initialCapacity);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the next event; Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.times[0] : Infinity;
  }

  push(time: number, priority: number, handler: Handler, data: unknown): void {
    if (this.n === this.times.length) this.grow();
    const order = priority * SEQ_BITS + this.seq++;
    // Sift up with a hole: move parents down until the new key fits, then write it once.
    let i = this.n++;
    const times = this.times;
    const orders = this.orders;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && orders[p] < order)) break;
      times[i] = pt;
      orders[i] = orders[p];
      this.handlers[i] = this.handlers[p];
      this.datas[i] = this.datas[p];
      i = p;
    }
    times[i] = time;
    orders[i] = order;
    this.handlers[i] = handler;
    this.datas[i] = data;
  }

  /** Removes the minimum; the caller reads it first through the `pop*` fields. */
  popped: { time: number; handler: Handler; data: unknown } = { time: 0, handler: () => {}, data: undefined };

  /** Pops the next event into `this.popped` (reused object, no allocation). Returns false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const out = this.popped;
    out.time = this.times[0];
    out.handler = this.handlers[0]!;
    out.data = this.datas[0];
    const last = --this.n;
    if (last > 0) this.siftDownFromRoot(last);
    this.handlers[last] = undefined; // release references so finished payloads can be collected
    this.datas[last] = undefined;
    return true;
  }

  private siftDownFromRoot(last: number): void {
    const times = this.times;
    const orders = this.orders;
    const t = times[last];
    const o = orders[last];
    const h = this.handlers[last];
    const d = this.datas[last];
    const n = this.n;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (times[r] < times[c] || (times[r] === times[c] && orders[r] < orders[c]))) c = r;
      const ct = times[c];
      if (t < ct || (t === ct && o < orders[c])) break;
      times[i] = ct;
      orders[i] = orders[c];
      this.handlers[i] = this.handlers[c];
      this.datas[i] = this.datas[c];
      i = c;
    }
    times[i] = t;
    orders[i] = o;
    this.handlers[i] = h;
    this.datas[i] = d;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const times = new Float64Array(cap);
    times.set(this.times);
    const orders = new Float64Array(cap);
    orders.set(this.orders);
    this.times = times;
    this.orders = orders;
    this.handlers.length = cap;
    this.datas.length = cap;
  }
}
