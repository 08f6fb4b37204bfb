// The package version, read once from package.json, for --version and provenance metadata.
import { readFileSync } from 'node:fs';

export const SEQSIM_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
