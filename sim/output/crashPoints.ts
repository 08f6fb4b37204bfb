// Deterministic crash points for the crash-safety tests: with SEQSIM_TEST_CRASH_AFTER_RENAMES=k
// set, the process kills itself (SIGKILL: no cleanup, no exit handlers) right after its k-th
// rename of a finished file into place. Every rename is a commit point of the output layout, so
// crashing after each one in turn visits every state a real crash can leave (test/long/crash-points.test.ts).
// Unset, it costs a comparison per file written.
const limit = Number(process.env.SEQSIM_TEST_CRASH_AFTER_RENAMES ?? 0);
let renames = 0;

/** Call right after a rename that makes a file visible under its final name. */
export function committed(): void {
  if (limit > 0 && ++renames >= limit) process.kill(process.pid, 'SIGKILL');
}
