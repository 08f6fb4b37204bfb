// One seqsim command in its own process, for `npm run bench`: runs the CLI's main() with the given
// arguments (its output discarded), then prints a JSON line on stderr: exit code, CPU seconds of
// the command's process (all its threads; not its worker processes) and wall seconds, and the process's peak RSS.
import { readFileSync } from 'node:fs';
import { main } from '../sim/cli.ts';
import { elapsed, startTimer } from './timer.ts';

const timer = startTimer();
process.stdout.write = (() => true) as typeof process.stdout.write;
const code = await main(process.argv.slice(2));
const t = elapsed(timer);
// Peak RSS from /proc: VmHWM starts afresh at exec, while getrusage's maxrss carries over the peak
// of the process that spawned this one (the bench itself, hundreds of MB by the time it gets here).
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
const maxRssMb = (hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS) / 1024;
process.stderr.write(`${JSON.stringify({ code, cpu: t.cpu, wall: t.wall, maxRssMb })}\n`);
process.exit(code);
