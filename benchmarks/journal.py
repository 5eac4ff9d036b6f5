"""What journaling costs a bond query (KI), in process.

    .venv/bin/python benchmarks/journal.py [--importers N] [--queries N] [--rounds R]

The database of benchmarks/ki.py (default 100,000 importers); the same one-importer KI
transmissions answered by `Simulator.submit` with no journal at all, then under each body
policy (keep, errors, none), each row in its own commit (one-shot commands) and batched
(`abisim serve`, the live fixture). Rounds alternate the configurations so that the machine's
noise falls on all of them alike; the figure is the median time per answer. Target: the
journal costs at most 20% of a KI's answer time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ki import AS_OF, build, run, transmissions  # noqa: E402

from abisim.clock import fixed  # noqa: E402
from abisim.journal import JournalPolicy  # noqa: E402
from abisim.simulator import Simulator  # noqa: E402

TARGET = 0.20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--importers", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=5_000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    store = build(Path(f"benchmarks/out/gen-{args.importers}.sqlite3"), args.importers)
    configs = {"no journal": (None, False),
               "bodies kept, a row a commit": (JournalPolicy("keep"), False),
               "bodies kept, batched (serve)": (JournalPolicy("keep"), True),
               "bodies of errors, batched": (JournalPolicy("errors"), True),
               "no bodies, batched": (JournalPolicy("none"), True)}
    sims = {}
    for name, (policy, batched) in configs.items():
        sims[name] = Simulator(store, fixed(AS_OF), journal=policy)
        sims[name].journal.batched = batched
    batch = transmissions(args.importers, args.queries, 1)
    for sim in sims.values():
        run(sim, batch[:500])  # warm the caches
    times: dict[str, list[float]] = {name: [] for name in sims}
    cpu_times: dict[str, list[float]] = {name: [] for name in sims}
    for _ in range(args.rounds):
        for name, sim in sims.items():
            c0 = time.process_time()
            times[name].append(run(sim, batch) / len(batch))
            cpu_times[name].append((time.process_time() - c0) / len(batch))
        store.journal_clear()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {platform.node()} {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"date: {dt.date.today().isoformat()}; {args.importers:,} importers; {args.queries:,} KI x "
          f"{args.rounds} rounds")
    base = statistics.median(times["no journal"])
    cpu_base = statistics.median(cpu_times["no journal"])
    worst = cpu_worst = 0.0
    for name, ts in times.items():
        each = statistics.median(ts)
        cost = each / base - 1
        cpu = statistics.median(cpu_times[name])
        if "batched" in name:  # what `abisim serve` and the live fixture do
            worst = max(worst, cost)
            cpu_worst = max(cpu_worst, cpu / cpu_base - 1)
        print(f"{name:<28} {each * 1e6:6.0f} us per KI answer" + ("" if name == "no journal" else f"  ({cost:+.0%})")
              + f"; CPU {cpu * 1e6:4.0f} us" + ("" if name == "no journal" else f" ({cpu / cpu_base - 1:+.0%})"))
    print(f"TARGET journal cost of a served KI at most {TARGET:.0%}: "
          f"{'met' if worst <= TARGET else 'NOT met'} (worst {worst:+.0%}; in CPU time "
          f"{'met' if cpu_worst <= TARGET else 'NOT met'}, worst {cpu_worst:+.0%})")
    # One-shot commands and in-process harnesses commit each row with its exchange.
    kept = statistics.median(times["bodies kept, a row a commit"]) / base - 1
    print(f"TARGET journal cost of an in-process KI, a row a commit, at most {TARGET:.0%}: "
          f"{'met' if kept <= TARGET else 'NOT met'} ({kept:+.0%})")


if __name__ == "__main__":
    main()
