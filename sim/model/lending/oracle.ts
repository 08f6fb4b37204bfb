// Price oracles a lending market reads, both on-chain state that only moves through executed
// transactions — so a halted sequencer leaves them stale:
//   PushOracle: a contract holding the last price a keeper's update transaction carried. The
//     keeper watches the reference price and sends an update when it deviates past a threshold
//     from the oracle's or when the heartbeat has elapsed (Chainlink / API3 push feeds).
//   PoolOracle: the mid price of the rollup's own pool, read at execution: every swap moves it,
//     including liquidators' sales of seized collateral (the feedback that makes cascades).
// Each move tells its listener which liquidation generation caused it: 0 for an exogenous move
// (a keeper's update, a user's swap), k + 1 for the sale of a generation-k liquidation.
import type { IdSpace, Simulation } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import type { ModelEvents } from '../events.ts';
import { newTx, type Tx, type TxAction } from '../tx.ts';
import type { Submitter } from '../agents/submitter.ts';
import type { ReferenceFeed } from '../market/feed.ts';
import type { MarketPool } from '../market/marketPool.ts';
import { midPrice } from '../market/amm.ts';
import type { TradeRecord } from '../market/swap.ts';

export type OracleListener = (causeGeneration: number) => void;

export interface PriceOracle {
  /** The price the contract returns now, USD per unit. */
  readonly price: number;
  /** When the price it returns was observed (a push oracle's keeper read it; a pool last moved). */
  readonly observedUs: Micros;
  onChange(listener: OracleListener): void;
}

export interface OracleUpdate {
  readonly market: string;
  readonly rollup: number;
  readonly atUs: Micros;
  readonly price: number;
  readonly observedUs: Micros;
}

export class PushOracle implements PriceOracle {
  price: number;
  observedUs: Micros = 0;
  private listener: OracleListener = () => {};

  constructor(readonly market: string, readonly rollup: number, initialPrice: number, private readonly events: ModelEvents) {
    this.price = initialPrice;
  }

  onChange(listener: OracleListener): void {
    this.listener = listener;
  }

  /** An update transaction executed. */
  set(price: number, observedUs: Micros, nowUs: Micros): void {
    this.price = price;
    this.observedUs = observedUs;
    this.events.oracleUpdated.emit({ market: this.market, rollup: this.rollup, atUs: nowUs, price, observedUs });
    this.listener(0);
  }
}

class UpdateAction implements TxAction {
  constructor(private readonly oracle: PushOracle, private readonly price: number, private readonly observedUs: Micros) {}

  execute(_tx: Tx, nowUs: Micros): string | null {
    // A report older than the one already stored is rejected, as feeds compare round timestamps.
    if (this.observedUs < this.oracle.observedUs) return 'stale-report';
    this.oracle.set(this.price, this.observedUs, nowUs);
    return null;
  }
}

export interface KeeperParams {
  deviationBps: number;
  heartbeatUs: Micros;
}

/** Sends a push oracle's updates: one in flight at a time, decided on every reference tick. */
export class OracleKeeper {
  private inFlight: Tx | null = null;
  private readonly ids: IdSpace;
  /** Windows in which its reporting is down (an oracle outage fault). */
  private readonly paused: { fromUs: Micros; untilUs: Micros }[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly oracle: PushOracle,
    private readonly feed: ReferenceFeed,
    private readonly params: KeeperParams,
    private readonly submitter: Submitter,
    private readonly sender: string,
  ) {
    this.ids = sim.ids(sender);
    feed.subscribe(this.look);
  }

  /** It sends nothing in [fromUs, untilUs). */
  pause(fromUs: Micros, untilUs: Micros): void {
    this.paused.push({ fromUs, untilUs });
  }

  private look = (): void => {
    if (this.inFlight?.status === 'pending') return;
    const now = this.sim.now;
    for (const w of this.paused) if (now >= w.fromUs && now < w.untilUs) return;
    const ref = this.feed.price;
    const deviated = Math.abs(ref / this.oracle.price - 1) * 1e4 > this.params.deviationBps;
    if (!deviated && now - this.oracle.observedUs < this.params.heartbeatUs) return;
    const tx = newTx(this.ids.next(), this.oracle.rollup, this.sender, now, new UpdateAction(this.oracle, ref, now));
    this.inFlight = tx;
    this.submitter.submit(tx);
  };
}

/** Reads the pool's mid price; every executed swap in the pool moves it. */
export class PoolOracle implements PriceOracle {
  observedUs: Micros = 0;
  private listener: OracleListener = () => {};

  constructor(private readonly market: MarketPool, events: ModelEvents, generationOf: (record: TradeRecord) => number) {
    events.swap.on((record) => {
      if (record.market !== market || !record.result.ok) return;
      this.observedUs = record.executedUs;
      this.listener(generationOf(record));
    });
  }

  get price(): number {
    return midPrice(this.market.pool);
  }

  onChange(listener: OracleListener): void {
    this.listener = listener;
  }
}
