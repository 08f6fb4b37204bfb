// The event queue: a binary min-heap ordered by (time, priority class, insertion sequence).
// Priority and sequence are packed into one double (class * 2^40 + seq), exact below 2^53, so a
// comparison is at most two number compares. Only typed arrays move during sifts: keys sit
// interleaved in one Float64Array (time, order), and each heap entry points to a fixed slot that
// holds the handler and its data until the event pops. No per-event object is allocated.

export type Handler = (data: any) => void;

const SEQ_BITS = 2 ** 40; // ~1.1e12 events per run before the packed order would collide

export class EventQueue {
  /** keys[2i] = time, keys[2i+1] = packed (priority, sequence) of heap entry i. */
  private keys: Float64Array;
  /** Payload slot of heap entry i. */
  private slots: Int32Array;
  private handlers: (Handler | undefined)[];
  private datas: unknown[];
  /** Stack of unused payload slots. */
  private free: Int32Array;
  private nFree: number;
  private n = 0;
  private seq = 0;

  constructor(initialCapacity = 1024) {
    this.keys = new Float64Array(2 * initialCapacity);
    this.slots = new Int32Array(initialCapacity);
    this.handlers = new Array(initialCapacity).fill(undefined);
    this.datas = new Array(initialCapacity).fill(undefined);
    this.free = new Int32Array(initialCapacity);
    for (let i = 0; i < initialCapacity; i++) this.free[i] = initialCapacity - 1 - i;
    this.nFree = initialCapacity;
  }

  get size(): number {
    return this.n;
  }

  /** Time of the next event; Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.keys[0] : Infinity;
  }

  push(time: number, priority: number, handler: Handler, data: unknown): void {
    if (this.n === this.slots.length) this.grow();
    const slot = this.free[--this.nFree];
    this.handlers[slot] = handler;
    this.datas[slot] = data;
    const order = priority * SEQ_BITS + this.seq++;
    const keys = this.keys;
    const slots = this.slots;
    // Sift up with a hole: move parents down until the new key fits, then write it once.
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = keys[2 * p];
      if (pt < time || (pt === time && keys[2 * p + 1] < order)) break;
      keys[2 * i] = pt;
      keys[2 * i + 1] = keys[2 * p + 1];
      slots[i] = slots[p];
      i = p;
    }
    keys[2 * i] = time;
    keys[2 * i + 1] = order;
    slots[i] = slot;
  }

  /** The last popped event (one reused object: read it before the next pop). */
  readonly popped: { time: number; handler: Handler; data: unknown } = { time: 0, handler: () => {}, data: undefined };

  /** Pops the next event into `this.popped`. Returns false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const out = this.popped;
    const slot = this.slots[0];
    out.time = this.keys[0];
    out.handler = this.handlers[slot]!;
    out.data = this.datas[slot];
    // Release the payload so finished events can be collected, and recycle the slot.
    this.handlers[slot] = undefined;
    this.datas[slot] = undefined;
    this.free[this.nFree++] = slot;
    const last = --this.n;
    if (last > 0) this.siftDownFromRoot(last);
    return true;
  }

  private siftDownFromRoot(last: number): void {
    const keys = this.keys;
    const slots = this.slots;
    const t = keys[2 * last];
    const o = keys[2 * last + 1];
    const s = slots[last];
    const n = this.n;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n) {
        const tr = keys[2 * r];
        const tc = keys[2 * c];
        if (tr < tc || (tr === tc && keys[2 * r + 1] < keys[2 * c + 1])) c = r;
      }
      const ct = keys[2 * c];
      if (t < ct || (t === ct && o < keys[2 * c + 1])) break;
      keys[2 * i] = ct;
      keys[2 * i + 1] = keys[2 * c + 1];
      slots[i] = slots[c];
      i = c;
    }
    keys[2 * i] = t;
    keys[2 * i + 1] = o;
    slots[i] = s;
  }

  private grow(): void {
    const old = this.slots.length;
    const cap = old * 2;
    const keys = new Float64Array(2 * cap);
    keys.set(this.keys);
    this.keys = keys;
    const slots = new Int32Array(cap);
    slots.set(this.slots);
    this.slots = slots;
    // Every slot is in use when the heap is full, so the free stack is empty: refill it with the new ones.
    const free = new Int32Array(cap);
    this.nFree = 0;
    for (let i = cap - 1; i >= old; i--) free[this.nFree++] = i;
    this.free = free;
    for (let i = old; i < cap; i++) {
      this.handlers.push(undefined);
      this.datas.push(undefined);
    }
  }
}
