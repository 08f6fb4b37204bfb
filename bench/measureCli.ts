// One seqsim command in its own process, for `npm run bench`: runs the CLI's main() with the given
// arguments (its output discarded), then prints a JSON line on stderr: exit code, CPU seconds of
// the command's process (all its threads; not its worker processes) and wall seconds, and the process's peak RSS.
import { main } from '../sim/cli.ts';
import { elapsed, startTimer } from './timer.ts';
import { peakRssMb } from './memory.ts';

const timer = startTimer();
process.stdout.write = (() => true) as typeof process.stdout.write;
const code = await main(process.argv.slice(2));
const t = elapsed(timer);
process.stderr.write(`${JSON.stringify({ code, cpu: t.cpu, wall: t.wall, maxRssMb: peakRssMb() })}\n`);
process.exit(code);
