"""KI answers per second, in-process, against N importers and N bonds (default 1,000,000).

    .venv/bin/python benchmarks/ki.py [--importers N] [--queries Q] [--rounds R] [--sections] [--db PATH]

Builds a generated database (`abisim generate importers`, kept between runs at
benchmarks/out/gen-N.sqlite3), then, in one process and interleaved so that the machine's
noise falls on both alike:
  (floor) plain sqlite3 doing the same lookups (the filer; the importer; its bonds) and one
          journal insert in one transaction per transmission (WAL, synchronous=NORMAL);
  (abisim) Q bond-query transmissions of one importer number each through
          ``Simulator.submit`` (the common KI's fast path: read, sender checks, bond
          query, answer, journal row, one transaction);
  (no journal) the same with the journal rows not written: the journal's share.
Rounds alternate the three; the best of each counts (wall clock, and CPU time, which the
other work of a shared machine disturbs less). Then Q/6 transmissions of six numbers each.
``--sections`` also prints where a KI's time goes. Target: abisim >= 0.5 of the floor.
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


def floor(path: Path, numbers: list[str], bodies: list[bytes], answer: bytes) -> float:
    """The same lookups and one journal insert per transaction (the exchange's row, both
    bodies, ``answer`` standing for each answer), in plain sqlite3."""
    import sqlite3

    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    received = dt.datetime.now(dt.timezone.utc).isoformat()
    text = answer.decode()
    t0 = time.perf_counter()
    for number, body in zip(numbers, bodies):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("SELECT * FROM filers WHERE filer_code = ?", ("XJ5",)).fetchone()
        conn.execute("SELECT * FROM importers WHERE importer_number = ?", (number,)).fetchone()
        conn.execute("SELECT b.*, p.role FROM bond_parties p JOIN bonds b ON b.bond_number = p.bond_number "
                     "WHERE p.importer_number = ?", (number,)).fetchall()
        conn.execute("INSERT INTO journal (received, as_of, channel, filer_code, application_id, "
                     "answer_application_id, status, ms, request_bytes, answer_bytes, request, answer) "
                     "VALUES (?, ?, 'python', ?, ?, ?, 'accepted', 0.1, ?, ?, ?, ?)",
                     (received, "2026-11-25", "XJ5", "KI", "KR", len(body), len(answer), body.decode(), text))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def without_journal(sim: Simulator, batch: list[bytes]) -> float:
    """The same run with the journal rows not written (the instance's method replaced)."""
    sim.store.journal_add = lambda *a, **kw: 0
    try:
        return run(sim, batch)
    finally:
        del sim.store.journal_add


def timed(f, *args) -> tuple[float, float]:
    """(wall, CPU) seconds of one call: the CPU time of this process is less disturbed by
    the other work of a shared machine than the wall clock."""
    w0, c0 = time.perf_counter(), time.process_time()
    f(*args)
    return time.perf_counter() - w0, time.process_time() - c0


def sections(sim: Simulator, batch: list[bytes]) -> dict[str, float]:
    """Where a KI's time goes: median microseconds per KI of each part of ``submit``'s
    fast path (wall clock, one call each timed; the parts' own timing adds ~0.3 us each)."""
    import contextlib
    import statistics

    from abisim import journal, ki_fast
    from abisim.rules import bond_query

    store = sim.store
    spent: dict[str, list[float]] = {}
    clock = time.perf_counter
    patched = []

    def wrap(owner, name, label):
        f = getattr(owner, name)

        def timed_call(*a, **kw):
            t0 = clock()
            try:
                return f(*a, **kw)
            finally:
                spent.setdefault(label, []).append(clock() - t0)
        # Put back afterwards: a class's or a module's own function; an instance's is deleted.
        patched.append((owner, name, owner.__dict__.get(name) if not isinstance(owner, Store) else None))
        setattr(owner, name, timed_call)

    transaction = store.transaction

    @contextlib.contextmanager
    def timed_transaction(*a, **kw):
        t0 = clock()
        with contextlib.ExitStack() as stack:
            conn = stack.enter_context(transaction(*a, **kw))
            spent.setdefault("transaction: lock, BEGIN", []).append(clock() - t0)
            yield conn
            t1 = clock()
        spent.setdefault("transaction: COMMIT, unlock", []).append(clock() - t1)

    wrap(ki_fast.KiForm, "read", "read the transmission (ki_fast)")
    wrap(store, "sender_checks", "SQL: the sender's filer row")
    wrap(store, "importer_and_bonds", "SQL: importer, bonds, switch")
    wrap(bond_query, "answer_values", "answer values (with their SQL)")
    wrap(ki_fast, "write", "write the detail records")
    wrap(ki_fast.KiForm, "answer", "the envelope and the bytes")
    wrap(journal, "exchange_row", "the journal row (exchange_row)")
    wrap(store, "_journal_insert", "SQL: the journal INSERT")
    wrap(Simulator, "submit", "submit, whole")
    store.transaction = timed_transaction
    try:
        for data in batch:
            sim.submit(data)
    finally:
        del store.transaction
        for owner, name, original in patched:
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
    out = {label: statistics.median(ts) * len(ts) / len(batch) * 1e6 for label, ts in spent.items()}
    out["answer values (with their SQL)"] -= out.get("SQL: importer, bonds, switch", 0.0)
    out["answer values, less their SQL"] = out.pop("answer values (with their SQL)")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--importers", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds (best of each)")
    ap.add_argument("--sections", action="store_true", help="also time the parts of a KI (median per KI)")
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    path = Path(args.db or f"benchmarks/out/gen-{args.importers}.sqlite3")
    store = build(path, args.importers)
    with store.transaction() as conn:  # earlier runs' journal rows: every run starts alike
        conn.execute("DELETE FROM journal")
    sim = Simulator(store, fixed(AS_OF))
    single = transmissions(args.importers, args.queries, 1)
    six = transmissions(args.importers, args.queries // 6, 6)
    rnd = random.Random(11)
    numbers = [number(rnd.randrange(args.importers)) for _ in single]
    run(sim, single[:500])  # warm the caches
    answer = sim.submit(single[0])
    floor(path, numbers[:500], single[:500], answer)
    # Interleaved rounds, best of each: the machine is shared, noise falls on all three alike.
    best = {"floor": [float("inf")] * 2, "abisim": [float("inf")] * 2, "no journal": [float("inf")] * 2}
    chunks = [single[i::args.rounds] for i in range(args.rounds)]
    for chunk in chunks:
        for name, f, a in (("floor", floor, (path, numbers[:len(chunk)], chunk, answer)),
                           ("abisim", run, (sim, chunk)), ("no journal", without_journal, (sim, chunk))):
            for i, t in enumerate(timed(f, *a)):
                best[name][i] = min(best[name][i], t / len(chunk))
    (tf, cf), (t1, c1), (tn, cn) = best["floor"], best["abisim"], best["no journal"]
    t6 = run(sim, six)
    rate1 = 1 / t1
    rate6 = len(six) * 6 / t6
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {platform.node()} {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"date: {dt.date.today().isoformat()}")
    print(f"database: {args.importers:,} importers, {args.importers:,} bonds ({path.stat().st_size / 1e6:.0f} MB)")
    print(f"floor, plain sqlite3: {1 / tf:,.0f} transmissions/s ({tf * 1e6:.0f} us each; CPU {cf * 1e6:.0f} us)")
    print(f"one importer per KI: {rate1:,.0f} answers/s ({t1 * 1e6:.0f} us each; CPU {c1 * 1e6:.0f} us; best of "
          f"{args.rounds} rounds of {len(chunks[0]):,})")
    print(f"  without the journal rows: {1 / tn:,.0f} answers/s ({tn * 1e6:.0f} us; CPU {cn * 1e6:.0f} us); "
          f"journal share {(t1 - tn) / t1:.0%} of the answer time (CPU {(c1 - cn) / c1:.0%}), one commit "
          f"per exchange as in process (served queries batch their rows: benchmarks/journal.py, "
          f"target of issue 15 item 6 <= 20%)")
    print(f"six importers per KI: {len(six) * 6:,} answers in {t6:.2f} s = {rate6:,.0f} answers/s")
    if args.sections:
        print("where a one-importer KI's time goes (median us per KI):")
        for label, us in sections(sim, single[: min(len(single), 5000)]).items():
            print(f"  {label:<36} {us:6.1f}")
    ratio = tf / t1
    print(f"RATIO ki in-process / floor = {ratio:.2f}  (target >= 0.5: {'met' if ratio >= 0.5 else 'NOT met'}; "
          f"in CPU time {cf / c1:.2f})")


if __name__ == "__main__":
    main()
