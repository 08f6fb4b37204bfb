// Writes docs/tables.md from the table specs and docs/scenario.md from the scenario schema (`npm run docs`).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTablesDoc } from '../sim/metrics/docs.ts';
import { scenarioDoc } from './scenarioDoc.ts';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const [name, text] of [['tables.md', renderTablesDoc()], ['scenario.md', scenarioDoc(root)]] as const) {
  const target = path.join(root, 'docs', name);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  console.log(`wrote ${path.relative(root, target)}`);
}
