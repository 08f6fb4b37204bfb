// Applies outages to sequencers: at its start a fault crashes machines of the sequencer that
// orders its rollups (a rollup's own sequencer, or a shared set's nodes), at its end they recover.
// Which rollups a fault hits is not chosen here: it is the set of rollups that component orders —
// one under centralized sequencing, every member of a shared set — so correlation comes from the
// failure domain, not from the mode.
import { Priority, type Simulation } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import type { ModelEvents } from '../events.ts';
import type { Sequencer } from '../sequencer/sequencer.ts';
import type { OutageWindow } from './budget.ts';

export interface FaultEpisode {
  /** Index of the episode in the run (scheduled faults first, in scenario order, then random ones by domain and time). */
  readonly id: number;
  readonly kind: 'outage';
  /** 'scheduled' (the scenario's list) or 'random' (the fault budget). */
  readonly cause: 'scheduled' | 'random';
  /** Indices of the rollups the failed sequencer orders. */
  readonly rollups: readonly number[];
  readonly atUs: Micros;
  readonly forUs: Micros;
  /** Machines crashed, of the sequencer's `machines`. */
  readonly machines: number;
  readonly ofMachines: number;
}

export class FaultInjector {
  private next = 0;
  readonly episodes: FaultEpisode[] = [];

  constructor(private readonly sim: Simulation, private readonly events: ModelEvents) {}

  /** Schedules an outage of `sequencer`: `machines` of its machines (default all) for the window. */
  outage(sequencer: Sequencer, window: OutageWindow, cause: FaultEpisode['cause'], machines = sequencer.machines): FaultEpisode {
    const k = Math.min(machines, sequencer.machines);
    const episode: FaultEpisode = { id: this.next++, kind: 'outage', cause, rollups: sequencer.rollups, atUs: window.atUs, forUs: window.forUs, machines: k, ofMachines: sequencer.machines };
    this.episodes.push(episode);
    this.sim.at(window.atUs, Priority.world, () => {
      sequencer.crash(k);
      this.events.faultStarted.emit(episode);
    });
    this.sim.at(window.atUs + window.forUs, Priority.world, () => {
      sequencer.recover(k);
      this.events.faultEnded.emit(episode);
    });
    return episode;
  }
}
