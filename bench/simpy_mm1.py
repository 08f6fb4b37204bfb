"""M/M/1 (lambda=0.8, mu=1) in SimPy 3, written the idiomatic SimPy way (a customer process per
arrival, a Resource of capacity 1), for bench/run.ts to compare customers served per second.

Prints one JSON object on stdout. Run it with Debian's /usr/bin/python3 (python3-simpy3).
"""
import json
import random
import statistics
import sys
import time


def main():
    args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
    customers = int(args.get("--customers", "100000"))
    reps = int(args.get("--reps", "3"))
    try:
        import simpy
    except ImportError as e:
        print(json.dumps({"error": "import simpy failed: %s" % e}))
        return
    version = getattr(simpy, "__version__", "unknown")
    if not version.startswith("3."):
        print(json.dumps({"error": "simpy %s is not SimPy 3" % version}))
        return

    lam, mu = 0.8, 1.0

    def run(seed):
        rnd = random.Random(seed)
        env = simpy.Environment()
        server = simpy.Resource(env, capacity=1)
        state = {"served": 0, "wait": 0.0}

        def customer(env):
            arrived = env.now
            with server.request() as req:
                yield req
                state["wait"] += env.now - arrived
                yield env.timeout(rnd.expovariate(mu))
            state["served"] += 1

        def source(env):
            for _ in range(customers):
                env.process(customer(env))
                yield env.timeout(rnd.expovariate(lam))

        env.process(source(env))
        # CPU time of this process, like bench/timer.ts: robust to other load on a shared machine.
        t0, w0 = time.process_time(), time.perf_counter()
        env.run()
        seconds, wall = time.process_time() - t0, time.perf_counter() - w0
        # SimPy 3 numbers every scheduled event from one counter; run to exhaustion, every
        # scheduled event was also processed. Private, so only used for the report.
        eid = getattr(env, "_eid", None)
        events = next(eid) if eid is not None else None
        return seconds, state["served"], events, state["wait"] / state["served"], wall

    run(0)  # warm-up: imports, allocator, bytecode caches
    results = [run(seed + 1) for seed in range(reps)]
    seconds = statistics.median(r[0] for r in results)
    wall = statistics.median(r[4] for r in results)
    served = results[0][1]
    events = results[0][2]
    print(json.dumps({
        "version": version,
        "python": sys.version.split()[0],
        "customers": served,
        "reps": reps,
        "seconds_median": seconds,
        "customers_per_s": served / seconds,
        "wall_customers_per_s": served / wall,
        "events_per_customer": events / served if events else None,
        "events_per_s": events / seconds if events else None,
        "mean_wait": statistics.mean(r[3] for r in results),
    }))


if __name__ == "__main__":
    main()
