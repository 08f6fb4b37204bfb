// The reference (CEX) price feed of one asset, as the world sees it: the path advances on a fixed
// tick grid (so its random draws never depend on what else happens in the run, which keeps modes
// a paired comparison), listeners hear every tick — as their own event in the agent phase, before
// the blocks of that µs are cut — and a short history answers "what was the price at t" for agents whose
// information is delayed.
import type { Simulation } from '../../engine/simulation.ts';
import { Priority } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import type { PricePath } from './price.ts';
import type { ModelEvents } from '../events.ts';

export class ReferenceFeed {
  private readonly listeners: ((feed: ReferenceFeed) => void)[] = [];
  // Ring buffer of the latest ticks: times and prices.
  private readonly times: Float64Array;
  private readonly prices: Float64Array;
  private head = 0; // index of the newest entry
  private count = 0;
  /** Ticks generated ahead of time for look-ahead (the informed taker's signal), oldest first. */
  private readonly ahead: number[] = [];
  private aheadHead = 0;
  /** Time of the last tick generated (current or ahead). */
  private generatedUs: Micros;

  constructor(
    private readonly sim: Simulation,
    readonly asset: string,
    private readonly path: PricePath,
    private readonly tickUs: Micros,
    /** How far back `priceAt` must answer exactly. */
    historyUs: Micros,
    /** Where each tick is reported (a `priceTick` domain event). */
    private readonly events?: ModelEvents,
  ) {
    const capacity = Math.max(4, Math.ceil(historyUs / tickUs) + 2);
    this.times = new Float64Array(capacity);
    this.prices = new Float64Array(capacity);
    this.record(sim.now, path.price);
    this.generatedUs = sim.now;
    sim.after(tickUs, Priority.world, this.tick);
  }

  /**
   * The price the path will have at time t > now (the last tick at or before t): the one
   * sanctioned look-ahead, for a taker's private signal of the future. Generating ticks early
   * draws the same numbers in the same order, so the path does not depend on who looks ahead.
   */
  futurePrice(t: Micros): number {
    const last = Math.floor(t / this.tickUs) * this.tickUs;
    while (this.generatedUs < last) {
      this.generatedUs += this.tickUs;
      this.ahead.push(this.path.advanceTo(this.generatedUs));
    }
    const lastTickUs = this.times[this.head];
    if (last <= lastTickUs) return this.priceAt(t);
    return this.ahead[this.aheadHead + Math.round((last - lastTickUs) / this.tickUs) - 1];
  }

  get price(): number {
    return this.prices[this.head];
  }

  subscribe(listener: (feed: ReferenceFeed) => void): void {
    this.listeners.push(listener);
  }

  /** The price in force at time t ≤ now; before the kept history, the oldest price kept. */
  priceAt(t: Micros): number {
    const n = this.times.length;
    let i = this.head;
    for (let k = 0; k < this.count; k++) {
      if (this.times[i] <= t) return this.prices[i];
      i = (i - 1 + n) % n;
    }
    return this.prices[(this.head - this.count + 1 + n) % n];
  }

  private tick = (): void => {
    const now = this.sim.now;
    let price: number;
    if (this.aheadHead < this.ahead.length) {
      price = this.ahead[this.aheadHead++];
      if (this.aheadHead > 1024 && this.aheadHead * 2 > this.ahead.length) {
        this.ahead.splice(0, this.aheadHead);
        this.aheadHead = 0;
      }
    } else {
      price = this.path.advanceTo(now);
      this.generatedUs = now;
    }
    this.record(now, price);
    if (this.events?.priceTick.heard) this.events.priceTick.emit({ asset: this.asset, atUs: now, price });
    if (this.listeners.length > 0) this.sim.at(this.sim.now, Priority.agent, this.notify);
    this.sim.after(this.tickUs, Priority.world, this.tick);
  };

  private notify = (): void => {
    for (const listener of this.listeners) listener(this);
  };

  private record(t: Micros, price: number): void {
    if (this.count > 0) this.head = (this.head + 1) % this.times.length;
    this.times[this.head] = t;
    this.prices[this.head] = price;
    this.count = Math.min(this.count + 1, this.times.length);
  }
}
