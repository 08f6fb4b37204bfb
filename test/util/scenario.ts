// Scenarios built in code for tests, loaded through the same path as files.
import { parseScenarioText, type LoadedScenario } from '../../sim/scenario/load.ts';
import type { ScenarioInput } from '../../sim/scenario/schema.ts';

export function inlineScenario(input: ScenarioInput, name = 'inline.json'): LoadedScenario {
  return parseScenarioText(JSON.stringify(input), name);
}
