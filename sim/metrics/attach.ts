// Attaches every recorder to a world's events: the observation side of a run. Recorders only
// listen; a run built without them (a null observer) executes exactly the same events.
import type { World } from '../world/build.ts';
import { SharedSequencer } from '../model/sequencer/shared.ts';
import { TxRecorder } from './txs.ts';
import { MarketRecorder } from './markets.ts';
import { MevRecorder } from './mev.ts';
import { IntentRecorder } from './intents.ts';
import { PbsRecorder } from './pbs.ts';
import { ConsensusRecorder } from './consensus.ts';
import { OptionsRecorder } from './options.ts';
import { ExoticsRecorder } from './exotics.ts';
import { FaultRecorder } from './faults.ts';
import { LendingRecorder } from './lending.ts';
import { ContagionRecorder } from './contagion.ts';
import { MakerBooks } from './makerBooks.ts';
import { NULL_SINK, RunReport, type RowSink } from './rows.ts';
import { EVENT_TABLES, type EventTable } from './tables.ts';

/** The row tables recorders write while a run goes on. */
export type RecorderSinks = Record<EventTable, RowSink>;

/** Sinks that drop every row (a run whose metrics are wanted but not its tables). */
export const NULL_SINKS = Object.fromEntries(EVENT_TABLES.map((t) => [t, NULL_SINK])) as RecorderSinks;

export interface Recorders {
  /** Writes what is still pending and returns the run's metrics and sketches. */
  finish(): RunReport;
}

export function attachRecorders(world: World, sinks: RecorderSinks): Recorders {
  const { scenario, events, sequencing } = world;
  const rollupIds = scenario.rollups.map((r) => r.id);
  const warmupUs = scenario.warmup;
  const censored = new Set([...sequencing.censoredSenders, ...world.faults.censoredSenders]);
  const txs = new TxRecorder({ rollupIds, policies: sequencing.policies, warmupUs, censored }, sinks.txs, events);
  const markets = new MarketRecorder(rollupIds, world.markets, warmupUs, sinks.trades, events);
  const mev = new MevRecorder(rollupIds, warmupUs, sinks.mev, events);
  const intents = new IntentRecorder(warmupUs, scenario.cross_arbitrageurs.map((c) => c.name), events);
  const pbs = new PbsRecorder(rollupIds, warmupUs, sinks.bids, events);
  const o = scenario.options;
  const venueOf = (id: string) => o.venues.find((v) => v.id === id)!;
  const options = new OptionsRecorder(world.options.venues, (id) => venueOf(id).asset, (id) => scenario.assets.find((a) => a.id === venueOf(id).asset)!.vol, warmupUs, (maker) => world.options.makers.find((m) => m.params.name === maker)?.params.collateral === 'pooled', sinks.quotes, sinks.option_trades, events);
  const exotics = new ExoticsRecorder(world.options.exotics.map((e) => e.params.id), warmupUs, sinks.exotics, events);
  const consensus = sequencing.sequencers.some((s) => s instanceof SharedSequencer) ? new ConsensusRecorder(warmupUs, events) : undefined;
  const f = scenario.faults;
  const hasFaults = world.faults.injector.episodes.length > 0 || f.outages.length > 0 || f.random !== undefined;
  const faults = hasFaults ? new FaultRecorder(rollupIds, warmupUs, world.faults.injector.episodes, events) : undefined;
  const makers = world.options.makers;
  const makerLinks = hasFaults && makers.length > 0
    ? {
        makers: makers.map((m) => ({ name: m.params.name, rollups: [...new Set([m.hedgeRollup, ...m.venueRollups])] })),
        venueRollup: new Map([...world.options.venues].map(([id, v]) => [id, v.params.rollup])),
        books: new MakerBooks(world.options.venues, new Map(makers.map((m) => [m.params.name, m.hedgeFeed])), events),
      }
    : undefined;
  const contagion = hasFaults ? new ContagionRecorder(rollupIds, world.faults.injector.episodes, world.markets, f.aftermath, warmupUs, sinks.contagion, events, makerLinks) : undefined;
  const lending = new LendingRecorder(rollupIds, world.lending.markets, warmupUs, (l) => contagion?.episodeOf(l) ?? null, sinks.liquidations, events);
  return {
    finish() {
      const report = new RunReport();
      const end = world.sim.now;
      txs.finish(end, report);
      markets.finish(end, report);
      mev.finish(report);
      pbs.finish(report);
      intents.finish(report);
      consensus?.finish(end, report);
      faults?.finish(end, report);
      lending.finish(report);
      contagion?.finish(end, report);
      exotics.finish(report);
      options.finish(report, (maker) => {
        const m = o.makers.find((x) => x.name === maker);
        return m ? venueOf(m.venues[0]).rollup : null;
      });
      return report;
    },
  };
}
