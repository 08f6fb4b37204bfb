// A first-in first-out queue over an array with a moving head: O(1) push and shift without
// Array.prototype.shift's O(n) copy. Compacts when the dead prefix dominates.
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns up to `n` items from the front, in order. */
  take(n: number): T[] {
    const count = Math.min(n, this.length);
    const out = new Array<T>(count);
    for (let i = 0; i < count; i++) out[i] = this.shift()!;
    return out;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }
}
