// Id spaces of the scenario's sources, declared first and in scenario order, so that every
// exogenous flow and every agent has the same source number — and its transactions the same ids —
// in every mode; sources only one mode has (an extractive sequencer) are numbered after them.
import type { Simulation } from '../engine/simulation.ts';
import type { Scenario } from '../scenario/schema.ts';

/** Labels of every source the scenario declares, in a fixed order. */
export function sourceLabels(scenario: Scenario): string[] {
  const labels: string[] = [];
  for (const r of scenario.rollups) {
    for (const u of r.users) labels.push(`users/${r.id}/${u.name}`);
    for (const t of r.traders) labels.push(`traders/${r.id}/${t.name}`);
  }
  for (const it of scenario.intents) labels.push(`intents/${it.name}`, `intents/${it.name}/bundles`);
  for (const r of scenario.rollups) {
    for (const a of r.arbitrageurs) labels.push(`arbitrageurs/${r.id}/${a.name}`);
    for (const se of r.searchers) labels.push(`searchers/${r.id}/${se.name}`);
  }
  for (const c of scenario.cross_arbitrageurs) labels.push(`cross/${c.name}`, `cross/${c.name}/bundles`);
  for (const v of scenario.options.venues) labels.push(`options/venues/${v.id}`);
  for (const t of scenario.options.takers) labels.push(`options/takers/${t.name}`);
  for (const m of scenario.options.makers) labels.push(`options/makers/${m.name}`);
  // Added after every earlier kind, so that scenarios without lending keep their ids.
  for (const m of scenario.lending.markets) if (m.oracle.source === 'reference') labels.push(`lending/oracles/${m.id}`);
  for (const q of scenario.lending.liquidators) labels.push(`lending/liquidators/${q.name}`);
  return labels;
}

export function declareSources(sim: Simulation, scenario: Scenario): void {
  for (const label of sourceLabels(scenario)) sim.ids(label);
}
