// Whole-run figures of a shared sequencer set (rollup null), after the warmup: slots started,
// committed and missed, broken pre-confirmations, time in fallback, offences and slashing, and
// the interval between commits. Counts and one distribution: nothing grows with the run.
import { MS, SECOND, type Micros } from '../engine/time.ts';
import type { HaltEvent, ModelEvents, SlotEvent } from '../model/events.ts';
import { Distribution } from './distribution.ts';
import type { RunReport } from './rows.ts';

export class ConsensusRecorder {
  private slots = 0;
  private committed = 0;
  private missed = 0;
  private preconfsBroken = 0;
  private censorship = 0;
  private equivocations = 0;
  private slashedStake = 0;
  private lastCommitUs: number | null = null;
  private readonly commitIntervalMs = new Distribution();
  private fallbackUs = 0;
  private fallbackSinceUs: number | null = null;

  constructor(private readonly warmupUs: Micros, events: ModelEvents) {
    const after = (count: () => void) => (e: SlotEvent) => {
      if (e.atUs >= this.warmupUs) count();
    };
    events.slotStarted.on(after(() => this.slots++));
    events.slotMissed.on(after(() => this.missed++));
    events.slotCommitted.on(this.commit);
    events.preconfBroken.on(() => this.preconfsBroken++);
    events.offence.on((o) => {
      if (o.atUs < this.warmupUs) return;
      if (o.kind === 'censorship') this.censorship++;
      else this.equivocations++;
    });
    events.slashed.on((s) => (this.slashedStake += s.stake));
    events.fallback.on(this.fallback);
  }

  private commit = (e: SlotEvent): void => {
    if (e.atUs < this.warmupUs) return;
    this.committed++;
    if (this.lastCommitUs !== null) this.commitIntervalMs.add((e.atUs - this.lastCommitUs) / MS);
    this.lastCommitUs = e.atUs;
  };

  private fallback = (e: HaltEvent): void => {
    if (e.halted) this.fallbackSinceUs = e.atUs;
    else if (this.fallbackSinceUs !== null) {
      this.fallbackUs += e.atUs - this.fallbackSinceUs;
      this.fallbackSinceUs = null;
    }
  };

  finish(endUs: Micros, report: RunReport): void {
    const r = report.scope(null);
    r.add('consensus.slots', this.slots, 'count');
    r.add('consensus.slots_committed', this.committed, 'count');
    r.add('consensus.slots_missed', this.missed, 'count');
    r.add('consensus.preconfs_broken', this.preconfsBroken, 'count');
    r.add('consensus.fallback_s', (this.fallbackUs + (this.fallbackSinceUs === null ? 0 : endUs - this.fallbackSinceUs)) / SECOND, 's');
    r.add('censorship.offences', this.censorship, 'count');
    r.add('consensus.equivocations', this.equivocations, 'count');
    r.add('stake.slashed', this.slashedStake, 'stake');
    r.distribution('consensus.commit_interval_ms', this.commitIntervalMs, 'ms');
  }
}
