"""KI answers per second, in-process, against 1,000,000 importers and 1,000,000 bonds.

    .venv/bin/python benchmarks/ki.py [--importers N] [--queries Q] [--db PATH]

Builds a generated database (kept between runs at benchmarks/out/gen-N.sqlite3), then
submits Q bond-query transmissions of one importer number each through
``Simulator.submit`` (parse, envelope, rules, journal in and out, one durable
transaction each), and Q/6 transmissions of six numbers each. Target: >= 5,000 answers/s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import abisim  # noqa: E402
from abisim import sample  # noqa: E402
from abisim.clock import fixed  # noqa: E402
from abisim.generate.importers import importer_number  # noqa: E402
from abisim.generate.output import to_store  # noqa: E402
from abisim.layouts import layout_set  # noqa: E402
from abisim.simulator import Simulator  # noqa: E402
from abisim.store import Store  # noqa: E402

AS_OF = dt.date(2026, 11, 25)


SEED = 1


def number(i: int) -> str:
    """The i-th importer of the generated database."""
    return importer_number(i, SEED)


def build(path: Path, n: int) -> Store:
    """N generated importers, each with its continuous bond (abisim generate importers)."""
    store = Store(path)
    if store.conn.execute("SELECT COUNT(*) FROM importers").fetchone()[0] >= n:
        return store
    store.reset()
    t0 = time.perf_counter()
    to_store(store, n, seed=SEED, as_of=AS_OF)
    print(f"built {n:,} importers and {n:,} bonds in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return store


def transmissions(n_importers: int, count: int, per_k: int) -> list[bytes]:
    ls = layout_set()
    rnd = random.Random(7)
    out = []
    for _ in range(count):
        values = {f"importer_number_{j + 1}": number(rnd.randrange(n_importers)) for j in range(per_k)}
        out.append(abisim.render(sample.envelope("KI", [abisim.make(ls["K"], **values)], "XJ5")))
    return out


def run(sim: Simulator, batch: list[bytes]) -> float:
    t0 = time.perf_counter()
    for data in batch:
        sim.submit(data)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--importers", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    path = Path(args.db or f"benchmarks/out/gen-{args.importers}.sqlite3")
    store = build(path, args.importers)
    sim = Simulator(store, fixed(AS_OF))
    single = transmissions(args.importers, args.queries, 1)
    six = transmissions(args.importers, args.queries // 6, 6)
    run(sim, single[:500])  # warm the caches
    t1 = run(sim, single)
    t6 = run(sim, six)
    rate1 = len(single) / t1
    rate6 = len(six) * 6 / t6
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {platform.node()} {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"date: {dt.date.today().isoformat()}")
    print(f"database: {args.importers:,} importers, {args.importers:,} bonds ({path.stat().st_size / 1e6:.0f} MB)")
    print(f"one importer per KI: {len(single):,} transmissions in {t1:.2f} s = {rate1:,.0f} answers/s "
          f"({t1 / len(single) * 1e6:.0f} us each)")
    print(f"six importers per KI: {len(six) * 6:,} answers in {t6:.2f} s = {rate6:,.0f} answers/s")
    print(f"target >= 5,000 answers/s: {'met' if min(rate1, rate6) >= 5000 else 'NOT met'}")


if __name__ == "__main__":
    main()
