"""`abisim diff` on N importers against N bonds in SQLite: time and peak memory.

    .venv/bin/python benchmarks/diff.py [--importers N ...]

For each N (default 100,000 and 1,000,000): the database of benchmarks/ki.py, and a TP
file of the same generated importers' 5106 (T1 T2 TD TE TF TL each; about one in ten
inconsistent and one in ten differing by a USPS abbreviation, so that the run finds
discrepancies and warnings too; `abisim generate importers`). Then
`abisim diff FILE --db DB --json` runs in a fresh process, its output thrown away; the figure is wall time and the peak
resident memory of that process. Targets: under 60 s and under 200 MB for 1,000,000, and
memory flat from 100,000 to 1,000,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from abisim.generate.importers import Mix  # noqa: E402
from abisim.generate.output import write  # noqa: E402
from ki import SEED, build  # noqa: E402

AS_OF = "2026-11-25"


def write_tp(path: Path, n: int) -> None:
    """The 5106 of the first N generated importers (the database's: the mix changes only
    their 5106), one in ten inconsistent with its bond data, one in ten with a street
    spelled out where CBP abbreviates it (a warning)."""
    if path.exists() and path.stat().st_size > 0:
        return
    out = path.parent / f"gen-tp-{n}"
    write(out, n, seed=SEED, mix=Mix(inconsistent=0.1, abbreviated=0.1), as_of=dt.date.fromisoformat(AS_OF), per_file=n,
          fixture=False)
    (out / "5106" / "importers-0001.abi").rename(path)


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmRSS"))
    except (OSError, StopIteration):
        return 0


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return out


def run(tp: Path, db: Path) -> tuple[float, float, int]:
    """Wall time, peak resident memory of the whole process tree (MB), exit code."""
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "abisim.cli", "diff", str(tp), "--db", str(db), "--as-of", AS_OF,
                          "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while p.poll() is None:
        peak = max(peak, _rss_kb(p.pid) + sum(_rss_kb(c) for c in _children(p.pid)))
        time.sleep(0.1)
    return time.perf_counter() - t0, peak / 1024, p.returncode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--importers", type=int, nargs="+", default=[100_000, 1_000_000])
    args = ap.parse_args()
    out = Path("benchmarks/out")
    out.mkdir(parents=True, exist_ok=True)
    biggest = max(args.importers)
    db = out / f"gen-{biggest}.sqlite3"
    build(db, biggest).close()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {platform.node()} {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"date: {dt.date.today().isoformat()}")
    for n in sorted(args.importers):
        tp = out / f"gen-diff-{n}.abi"
        write_tp(tp, n)
        elapsed, rss_mb, rc = run(tp, db)
        print(f"{n:>9,} importers ({tp.stat().st_size / 1e6:.0f} MB TP file) against {biggest:,} bonds: "
              f"{elapsed:.1f} s, {n / elapsed:,.0f} importers/s, peak memory {rss_mb:.0f} MB, exit {rc}")


if __name__ == "__main__":
    main()
