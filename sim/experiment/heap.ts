// The V8 heap policy of seqsim's processes (the command and its workers). A run's live heap is
// flat over its horizon (docs/architecture.md, Memory), but the objects a discrete-event run keeps
// for a few simulated seconds — pending events, mempool entries, open bundles — outlive the young
// generation and die in the old one. On a machine with gigabytes of memory V8 lets the old
// generation grow to up to 4× what the last full collection kept before it collects again, and it
// reaches that factor only after tens of seconds of wall time: peak RSS then rose with the horizon
// (236 MB at a simulated day, 285–299 MB at ten days) on a live heap of under 30 MB. A factor of 2
// holds it level (about 210 MB and 227 MB) for about the same CPU; 1.5 cost 7% more CPU.
import v8 from 'node:v8';

const HEAP_GROWING_PERCENT = 100;
const FLAG = '--heap-growing-percent';

/** Sets V8's old-generation growing factor to 2, unless node was started with its own (on the command line or in NODE_OPTIONS). */
export function limitHeapGrowth(): void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith(`${FLAG}=`) || a.startsWith('--heap_growing_percent='));
  if (!given) v8.setFlagsFromString(`${FLAG}=${HEAP_GROWING_PERCENT}`);
}
