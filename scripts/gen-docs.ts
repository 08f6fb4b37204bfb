// Writes docs/tables.md from the table specs (`npm run docs`).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTablesDoc } from '../sim/metrics/docs.ts';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'docs', 'tables.md');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, renderTablesDoc());
console.log(`wrote ${path.relative(root, target)}`);
