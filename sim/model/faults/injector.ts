// Applies faults to sequencers: at its start an outage crashes machines of the sequencer that
// orders its rollups (a rollup's own sequencer, or a shared set's nodes), at its end they recover.
// The other kinds hand the sequencer (or the bridge) a window and let its own mechanism act:
// equivocation (a shared node's failed slots and slashing, or a rollup's own sequencer's broken
// promises), a posting stall (finality waits), censorship (senders left out), a bridge halt
// (messages held), an oracle outage (its keeper silent).
// Which rollups a fault hits is not chosen here: it is the set of rollups that component orders —
// one under centralized sequencing, every member of a shared set — so correlation comes from the
// failure domain, not from the mode.
import { Priority, type Simulation } from '../../engine/simulation.ts';
import type { Micros } from '../../engine/time.ts';
import type { ModelEvents } from '../events.ts';
import type { Sequencer } from '../sequencer/sequencer.ts';
import type { BridgeParams } from '../crossrollup.ts';
import type { OutageWindow } from './budget.ts';
import type { OracleKeeper } from '../lending/oracle.ts';

export type FaultKind = 'outage' | 'equivocation' | 'posting_stall' | 'censorship' | 'bridge_halt' | 'oracle_outage';

export interface FaultEpisode {
  /** Index of the episode in the run (scheduled faults first, in scenario order, then random ones by domain and time). */
  readonly id: number;
  readonly kind: FaultKind;
  /** 'scheduled' (the scenario's list) or 'random' (the fault budget). */
  readonly cause: 'scheduled' | 'random';
  /** Indices of the rollups the failed sequencer orders (a bridge halt: every rollup). */
  readonly rollups: readonly number[];
  readonly atUs: Micros;
  /** How long it lasts (an equivocation: until detection). */
  readonly forUs: Micros;
  /** Machines crashed (outages) or misbehaving (equivocation: 1), of the sequencer's `machines` (0 and 0 for a bridge halt). */
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

  private record(kind: FaultKind, rollups: readonly number[], window: OutageWindow, machines: number, ofMachines: number, cause: FaultEpisode['cause']): FaultEpisode {
    const episode: FaultEpisode = { id: this.next++, kind, cause, rollups, atUs: window.atUs, forUs: window.forUs, machines, ofMachines };
    this.episodes.push(episode);
    this.sim.at(window.atUs, Priority.world, () => this.events.faultStarted.emit(episode));
    this.sim.at(window.atUs + window.forUs, Priority.world, () => this.events.faultEnded.emit(episode));
    return episode;
  }

  /** `sequencer` equivocates from `atUs` (a shared set: its node `node`) until detected `detectionDelayUs` later. */
  equivocation(sequencer: Sequencer, atUs: Micros, detectionDelayUs: Micros, node: number, slashFraction: number, cause: FaultEpisode['cause'] = 'scheduled'): FaultEpisode {
    sequencer.equivocate(atUs, detectionDelayUs, Math.min(node, sequencer.machines - 1), slashFraction);
    return this.record('equivocation', sequencer.rollups, { atUs, forUs: detectionDelayUs }, 1, sequencer.machines, cause);
  }

  postingStall(sequencer: Sequencer, window: OutageWindow, cause: FaultEpisode['cause'] = 'scheduled'): FaultEpisode {
    sequencer.stallPosting(window.atUs, window.atUs + window.forUs);
    return this.record('posting_stall', sequencer.rollups, window, 0, sequencer.machines, cause);
  }

  censorship(sequencer: Sequencer, window: OutageWindow, senders: ReadonlySet<string>, nodes?: ReadonlySet<number>, cause: FaultEpisode['cause'] = 'scheduled'): FaultEpisode {
    sequencer.censor(window.atUs, window.atUs + window.forUs, senders, nodes);
    return this.record('censorship', sequencer.rollups, window, Math.min(nodes?.size ?? sequencer.machines, sequencer.machines), sequencer.machines, cause);
  }

  /** A push oracle's keeper sends nothing in the window (its rollup: the oracle's). */
  oracleOutage(keeper: OracleKeeper, rollup: number, window: OutageWindow, cause: FaultEpisode['cause'] = 'scheduled'): FaultEpisode {
    keeper.pause(window.atUs, window.atUs + window.forUs);
    return this.record('oracle_outage', [rollup], window, 0, 0, cause);
  }

  /** The bridge holds every message sent in the window until it ends (see LeggedRouter). */
  bridgeHalt(bridge: BridgeParams, window: OutageWindow, rollups: readonly number[], cause: FaultEpisode['cause'] = 'scheduled'): FaultEpisode {
    bridge.halts.push({ atUs: window.atUs, forUs: window.forUs });
    return this.record('bridge_halt', rollups, window, 0, 0, cause);
  }
}
