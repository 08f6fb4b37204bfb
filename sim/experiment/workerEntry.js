// Entry of a run worker process: TypeScript compiles on load through tsx, as in bin/seqsim.js.
import { register } from 'tsx/esm/api';
register();
await import('./worker.ts');
