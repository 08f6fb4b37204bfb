// The `faults` section: sequencer outages, scheduled (at, duration, which rollup's sequencer) or
// random on one fault budget (a rate per year and a duration distribution, drawn per failure
// domain from its own named stream). A fault names a rollup, never a mode: it hits whatever
// orders that rollup — its own sequencer, or the shared set it belongs to (every member at once).
import { z } from 'zod';
import { duration, list, name, nonNegativeNumber } from './fields.ts';
import { LIMITS } from './limits.ts';

export const OutageSchema = z
  .strictObject({
    rollup: name("The rollup whose sequencer fails: its own sequencer, or the shared set that orders it (then every rollup of the set)"),
    at: duration('When the sequencer fails'),
    duration: duration('How long it stays down', { positive: true }),
    machines: z
      .number()
      .int()
      .min(1)
      .max(LIMITS.listItems)
      .optional()
      .describe("How many of the sequencer's machines crash (default: all). A centralized sequencer is one machine; a shared set's machines are its nodes, 0 … k−1 — fewer than a third of the stake keeps the set committing"),
  })
  .describe('A scheduled outage');

export const OutageBudgetSchema = z
  .strictObject({
    rate_per_year: nonNegativeNumber('a number of outages per year', 100_000).default(2).describe('Outages per year per failure domain (Poisson); every rollup sees this rate in every mode. Default 2: docs/calibration.md, "Sequencer outages"'),
    median: duration('Median outage duration (lognormal)', { positive: true }).prefault('73m'),
    sigma: nonNegativeNumber('a lognormal sigma', 5).default(1.1).describe('Sigma of log(duration); 0 for fixed durations. Default 1.1 with median 73m: the fit to documented rollup outages (docs/calibration.md)'),
    rollups: list(name('A rollup id')).min(1).optional().describe('Rollups on the budget (default: all). A failure domain draws outages when any of its rollups is on it'),
  })
  .describe('The fault budget: the same outage rate and duration distribution per rollup in every mode; only their correlation differs (a shared set is one failure domain)');

export const FaultsSchema = z
  .strictObject({
    outages: list(OutageSchema).default([]).describe('Scheduled outages'),
    random: OutageBudgetSchema.optional().describe('Random outages on one fault budget'),
    aftermath: duration('How long after an outage ends liquidations, bad debt and price dislocations on its rollups are attributed to it (the contagion table)').prefault('2h'),
  })
  .describe('Sequencer faults, in every mode');

export type FaultsConfig = z.output<typeof FaultsSchema>;

/** Faults name existing rollups. */
export function checkFaults(s: { rollups: { id: string }[]; faults: FaultsConfig }, ctx: z.RefinementCtx): void {
  const ids = s.rollups.map((r) => r.id);
  const expected = `expected a rollup id (one of ${ids.map((x) => `"${x}"`).join(', ')})`;
  s.faults.outages.forEach((o, i) => {
    if (!ids.includes(o.rollup)) ctx.addIssue({ code: 'custom', message: expected, path: ['faults', 'outages', i, 'rollup'], input: o.rollup });
  });
  s.faults.random?.rollups?.forEach((r, i) => {
    if (!ids.includes(r)) ctx.addIssue({ code: 'custom', message: expected, path: ['faults', 'random', 'rollups', i], input: r });
  });
}
