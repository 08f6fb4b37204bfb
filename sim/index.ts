// The library API: the same runs and tables as the CLI, in memory.
//   import { loadScenario, runScenario } from 'seqsim';
//   const { tables } = await runScenario(loadScenario('scenarios/default.yaml'));
import { loadScenario, type LoadedScenario } from './scenario/load.ts';
import { runToMemory, type MemoryResult } from './experiment/outputs.ts';
import type { ExecuteOptions } from './experiment/run.ts';

export { loadScenario };
export type { LoadedScenario, MemoryResult };
export type { Scenario, ScenarioInput } from './scenario/schema.ts';
export { ScenarioError } from './scenario/errors.ts';
export { TABLES } from './metrics/tables.ts';
export { runToDirectory } from './experiment/outputs.ts';
export type { RunSummary } from './experiment/run.ts';

/** Runs every seed × mode of a scenario (a loaded scenario or a file path) and returns the tables. */
export async function runScenario(scenario: LoadedScenario | string, options: ExecuteOptions = {}): Promise<MemoryResult> {
  const loaded = typeof scenario === 'string' ? loadScenario(scenario) : scenario;
  return runToMemory(loaded, options);
}
