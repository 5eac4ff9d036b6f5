"""`abisim diff` on N importers against N bonds in SQLite: time and peak memory, against
a plain-Python floor measured in the same run.

    .venv/bin/python benchmarks/diff.py [--importers N ...] [--jobs 1 2] [--rounds R]

For each N (default 100,000 and 1,000,000): the database of benchmarks/ki.py, and a TP
file of the same generated importers' 5106 (T1 T2 TD TE TF TL each; about one in ten
inconsistent and one in ten differing by a USPS abbreviation, so that the run finds
discrepancies and warnings too; `abisim generate importers`). The floor: plain Python in a
fresh process reading the same file line by line, slicing the compared columns of T1/T2 and
reading the same importer and bond rows from SQLite, comparing the same fields. Then
`abisim diff FILE --db DB --json --jobs J` runs in a fresh process, its output thrown
away; figures are wall time, CPU time (user + system, all processes) and the peak resident
memory of the process tree. With --rounds R the floor and abisim run alternately R times and
the best of each counts (the machine's noise falls on both alike). Targets (issue 15): one
process at most 2x the floor; under 30 s for 1,000,000 with --jobs 2; memory flat. To
measure other code with the same script (old against new), run it with that code's
directory first on PYTHONPATH: the commands run with this environment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from abisim.generate.importers import Mix  # noqa: E402
from abisim.generate.output import write  # noqa: E402
from ki import SEED, build  # noqa: E402
from proc import children  # noqa: E402

AS_OF = "2026-11-25"


def write_tp(path: Path, n: int) -> None:
    """The 5106 of the first N generated importers (the database's: the mix changes only
    their 5106), one in ten inconsistent with its bond data, one in ten with a street
    spelled out where CBP abbreviates it (a warning)."""
    if path.exists() and path.stat().st_size > 0:
        return
    out = path.parent / f"gen-tp-{n}"
    write(out, n, seed=SEED, mix=Mix(inconsistent=0.1, abbreviated=0.1), as_of=dt.date.fromisoformat(AS_OF),
          per_file=n, fixture=False)
    (out / "5106" / "importers-0001.abi").rename(path)


def _rss_kb(pid: int, field: str = "VmRSS") -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith(field))
    except (OSError, StopIteration):
        return 0


def _tree_kb(pid: int, field: str) -> int:
    return _rss_kb(pid, field) + sum(_rss_kb(c, field) for c in children(pid))


FLOOR = r"""
import sqlite3, sys
tp, db = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db)
norm = lambda v: " ".join((v or "").upper().split())
importer_sql = "SELECT name, mail_address_1, mail_address_2, mail_city, mail_state, mail_postal_code, status " \
               "FROM importers WHERE importer_number = ?"
bonds_sql = "SELECT b.bond_number, b.activity_code, b.termination_date, b.sufficient, p.role FROM bond_parties p " \
            "JOIN bonds b ON b.bond_number = p.bond_number WHERE p.importer_number = ? AND b.bond_type = '8'"
found = 0
t1 = None
def check(t1, t2):
    global found
    number = t1[3:15].rstrip()
    row = conn.execute(importer_sql, (number,)).fetchone()
    bonds = conn.execute(bonds_sql, (number,)).fetchall()
    if row is None or not bonds:
        found += 1
        return
    pairs = ((t1[15:47], row[0]), (t1[47:79], row[1]), (t2[14:46], row[2]), (t2[46:67], row[3]),
             (t2[67:69], row[4]), (t2[69:78], row[5]))
    found += any(norm(a) != norm(b) for a, b in pairs)
with open(tp, encoding="latin-1") as f:
    for line in f:
        if line.startswith("T1"):
            t1 = line
        elif line.startswith("T2") and t1 is not None:
            check(t1, line)
            t1 = None
print(found)
"""


def run(tp: Path, db: Path, jobs: int = 1, floor: bool = False) -> tuple[float, float, float, float, int]:
    """Wall time, CPU time of the processes, peak resident memory of the whole process
    tree (MB), the same without the pages of mapped files (MB: SQLite reads the database
    through mmap, whose pages count as resident as they are read), exit code."""
    tp, db = tp.resolve(), db.resolve()
    cmd = [sys.executable, "-c", FLOOR, str(tp), str(db)] if floor else \
        [sys.executable, "-m", "abisim.cli", "diff", str(tp), "--db", str(db), "--as-of", AS_OF, "--json",
         "--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    # Not from the repository's directory: `-m` would put it first on the path, before PYTHONPATH.
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
    peak = peak_anon = 0
    while p.poll() is None:
        peak = max(peak, _tree_kb(p.pid, "VmRSS"))
        peak_anon = max(peak_anon, _tree_kb(p.pid, "RssAnon"))
        time.sleep(0.1)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, peak / 1024, peak_anon / 1024, p.returncode


def best_of(rounds: list[tuple]) -> tuple:
    """The fastest run's figures, with the least CPU time of any run in place of its own."""
    fastest = min(rounds)
    return (fastest[0], min(r[1] for r in rounds), *fastest[2:])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--importers", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--rounds", type=int, default=1, help="alternate runs, best of each")
    args = ap.parse_args()
    out = Path("benchmarks/out")
    out.mkdir(parents=True, exist_ok=True)
    biggest = max(args.importers)
    db = out / f"gen-{biggest}.sqlite3"
    build(db, biggest).close()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {platform.node()} {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"date: {dt.date.today().isoformat()}, load average {os.getloadavg()[0]:.1f}")
    for n in sorted(args.importers):
        tp = out / f"gen-diff-{n}.abi"
        write_tp(tp, n)
        runs: dict = {}
        for _ in range(args.rounds):
            runs.setdefault("floor", []).append(run(tp, db, floor=True))
            for jobs in args.jobs:
                runs.setdefault(jobs, []).append(run(tp, db, jobs))
        floor_s, floor_cpu, floor_mb, floor_anon, _ = best_of(runs["floor"])
        print(f"{n:>9,} importers ({tp.stat().st_size / 1e6:.0f} MB TP file) against {biggest:,} bonds")
        print(f"    floor, plain Python: {floor_s:.1f} s (CPU {floor_cpu:.1f} s), peak memory {floor_mb:.0f} MB "
              f"({floor_anon:.0f} MB without mapped files)")
        for jobs in args.jobs:
            elapsed, cpu_s, rss_mb, anon_mb, rc = best_of(runs[jobs])
            print(f"    abisim diff --jobs {jobs}: {elapsed:.1f} s (CPU {cpu_s:.1f} s), {n / elapsed:,.0f} importers/s, "
                  f"peak memory {rss_mb:.0f} MB ({anon_mb:.0f} MB without mapped files), exit {rc}")
            if jobs == 1:
                ratio = elapsed / floor_s
                print(f"RATIO diff --jobs 1 / floor = {ratio:.2f}  (target <= 2: {'met' if ratio <= 2 else 'NOT met'}; "
                      f"CPU time {cpu_s / floor_cpu:.2f})")
            if n >= 1_000_000 and jobs == 2:
                print(f"TARGET diff --jobs 2 of 1,000,000 importers under 30 s: {'met' if elapsed < 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
