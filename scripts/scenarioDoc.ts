// docs/scenario.md as `npm run docs` writes it: the schema, with examples from the bundled scenarios.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { scenarioJsonSchema } from '../sim/scenario/schema.ts';
import { collectExamples, renderScenarioDoc } from '../sim/scenario/docs.ts';

export function scenarioDoc(root: string): string {
  const dir = path.join(root, 'scenarios');
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({ file: `scenarios/${f}`, scenario: parse(fs.readFileSync(path.join(dir, f), 'utf8')) }));
  return renderScenarioDoc(scenarioJsonSchema() as Parameters<typeof renderScenarioDoc>[0], collectExamples(files));
}
