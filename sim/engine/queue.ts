// The event queue: a binary min-heap ordered by (time, priority class, insertion sequence).
// Priority and sequence are packed into one double (class * 2^40 + seq), exact below 2^53, so a
// comparison is at most two number compares. Only two typed arrays move during sifts: the times
// and, per heap entry, a fixed payload slot; the slot holds the event's order (read only to break
// ties), handler and data until the event pops. Moving 12 bytes per level instead of 20 matters:
// with many pending events a sift is bound by memory traffic. No per-event object is allocated.
//
// Pop is lazy: the root's event is handed out but its entry stays until the next operation. The
// usual next operation is its handler scheduling a new event, which then takes the root's place
// with one sift-down instead of a sift-down (pop) and a sift-up (push).
//
// Cancellation is lazy deletion: a cancelled event keeps its heap entry, its slot's handler is
// replaced by a sentinel, and it is discarded when it reaches the root. `size` counts live events
// only. A cancel names the slot and the event's packed order, so a slot reused by a later event
// can never be cancelled by a stale handle.

export type Handler = (data: any) => void;

/** Marks the slot of a cancelled event. */
const CANCELLED: Handler = () => {};

const SEQ_BITS = 2 ** 40; // ~1.1e12 events per run before the packed order would collide

export class EventQueue {
  /** Time of heap entry i. */
  private times: Float64Array;
  /** Payload slot of heap entry i. */
  private slots: Int32Array;
  /** Packed (priority, sequence) of the event in each slot. */
  private orders: Float64Array;
  private handlers: (Handler | undefined)[];
  private datas: unknown[];
  /** Stack of unused payload slots. */
  private free: Int32Array;
  private nFree: number;
  /** Heap entries, counting a popped root not yet removed. */
  private n = 0;
  private seq = 0;
  /** The root's event was popped; its entry is removed (or replaced) lazily. */
  private rootPopped = false;
  /** Cancelled events still in the heap. */
  private cancelled = 0;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.slots = new Int32Array(initialCapacity);
    this.orders = new Float64Array(initialCapacity);
    this.handlers = new Array(initialCapacity).fill(undefined);
    this.datas = new Array(initialCapacity).fill(undefined);
    this.free = new Int32Array(initialCapacity);
    for (let i = 0; i < initialCapacity; i++) this.free[i] = initialCapacity - 1 - i;
    this.nFree = initialCapacity;
  }

  /** Live (not cancelled, not yet popped) events. */
  get size(): number {
    return (this.rootPopped ? this.n - 1 : this.n) - this.cancelled;
  }

  /** Time of the next live event; Infinity when empty. */
  peekTime(): number {
    if (this.rootPopped) this.removeRoot();
    if (this.cancelled > 0) this.dropCancelledRoots();
    return this.n > 0 ? this.times[0] : Infinity;
  }

  /** The packed order of the event most recently pushed (with its slot, what a timer handle keeps). */
  lastOrder = 0;

  /** Schedules an event; returns its payload slot (for `cancel`). */
  push(time: number, priority: number, handler: Handler, data: unknown): number {
    const order = priority * SEQ_BITS + this.seq++;
    this.lastOrder = order;
    if (this.rootPopped) {
      // Take the popped root's place: one sift-down does the work of a pop and a push.
      this.rootPopped = false;
      const s = this.store(order, handler, data);
      this.siftDown(time, s, order, this.n);
      return s;
    }
    if (this.n === this.slots.length) this.grow();
    const slot = this.store(order, handler, data);
    const times = this.times;
    const slots = this.slots;
    const orders = this.orders;
    // Sift up with a hole: move parents down until the new key fits, then write it once.
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && orders[slots[p]] < order)) break;
      times[i] = pt;
      slots[i] = slots[p];
      i = p;
    }
    times[i] = time;
    slots[i] = slot;
    return slot;
  }

  /** Is the event pushed into `slot` with `order` still waiting? */
  isLive(slot: number, order: number): boolean {
    const h = this.handlers[slot];
    return h !== undefined && h !== CANCELLED && this.orders[slot] === order;
  }

  /** Cancels the waiting event (slot, order); false when it already ran or was cancelled. O(1). */
  cancel(slot: number, order: number): boolean {
    if (!this.isLive(slot, order)) return false;
    this.handlers[slot] = CANCELLED;
    this.datas[slot] = undefined;
    this.cancelled++;
    return true;
  }

  /** The last popped event (one reused object: read it before the next pop). */
  readonly popped: { time: number; handler: Handler; data: unknown } = { time: 0, handler: () => {}, data: undefined };

  /** Pops the next event into `this.popped`. Returns false when empty. */
  pop(): boolean {
    if (this.rootPopped) this.removeRoot();
    if (this.cancelled > 0) this.dropCancelledRoots();
    if (this.n === 0) return false;
    const out = this.popped;
    const slot = this.slots[0];
    out.time = this.times[0];
    out.handler = this.handlers[slot]!;
    out.data = this.datas[slot];
    // Release the payload so finished events can be collected, and recycle the slot.
    this.handlers[slot] = undefined;
    this.datas[slot] = undefined;
    this.free[this.nFree++] = slot;
    this.rootPopped = true;
    return true;
  }

  private store(order: number, handler: Handler, data: unknown): number {
    const slot = this.free[--this.nFree];
    this.orders[slot] = order;
    this.handlers[slot] = handler;
    this.datas[slot] = data;
    return slot;
  }

  /** Discards cancelled events sitting at the root, releasing their slots. */
  private dropCancelledRoots(): void {
    while (this.n > 0) {
      const slot = this.slots[0];
      if (this.handlers[slot] !== CANCELLED) return;
      this.handlers[slot] = undefined;
      this.free[this.nFree++] = slot;
      this.cancelled--;
      this.removeRoot();
    }
  }

  /** Removes the popped root: the last entry moves to the root and sifts down. */
  private removeRoot(): void {
    this.rootPopped = false;
    const last = --this.n;
    if (last > 0) this.siftDown(this.times[last], this.slots[last], this.orders[this.slots[last]], last);
  }

  /** Places the entry (t, s, o) at the root of the first `n` entries and sifts it down. */
  private siftDown(t: number, s: number, o: number, n: number): void {
    const times = this.times;
    const slots = this.slots;
    const orders = this.orders;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n) {
        const tr = times[r];
        const tc = times[c];
        if (tr < tc || (tr === tc && orders[slots[r]] < orders[slots[c]])) c = r;
      }
      const ct = times[c];
      if (t < ct || (t === ct && o < orders[slots[c]])) break;
      times[i] = ct;
      slots[i] = slots[c];
      i = c;
    }
    times[i] = t;
    slots[i] = s;
  }

  private grow(): void {
    const old = this.slots.length;
    const cap = old * 2;
    const times = new Float64Array(cap);
    times.set(this.times);
    this.times = times;
    const slots = new Int32Array(cap);
    slots.set(this.slots);
    this.slots = slots;
    const orders = new Float64Array(cap);
    orders.set(this.orders);
    this.orders = orders;
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
