"""`abisim generate importers N`: time and peak memory, and (--check) that `abisim diff`
over its output gives its expected verdicts exactly.

    .venv/bin/python benchmarks/generate.py [--importers N] [--check]

The generator runs in a fresh process (`python -m abisim.cli generate importers N ...`
with a mix of every outcome); the figures are its wall time, CPU time and peak resident
memory (ru_maxrss of the child). Targets: 1,000,000 importers in under 60 s and under
200 MB. With --check, the same importers go into a database (`--db`, bulk), `abisim diff
--json` runs over the TP files, and every importer's verdict and findings are compared with
verdicts.jsonl, streaming both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

MIX = ["--inconsistent", "10%", "--terminated", "2%", "--insufficient", "2%", "--users", "3%",
       "--terminated-users", "1%", "--no-bond", "1%", "--voided", "1%", "--ssn", "10%", "--cbp", "10%",
       "--foreign", "10%", "--abbreviated", "10%"]
AS_OF = "2026-11-25"


def child(args: list[str]) -> tuple[float, float, float, int]:
    """Run a command; (wall s, CPU s, peak MB of the children so far, exit code)."""
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    rc = subprocess.run(args, stdout=subprocess.DEVNULL).returncode
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return time.perf_counter() - t0, cpu, after.ru_maxrss / 1024, rc


def check(out: Path, db: Path) -> tuple[int, int]:
    """(importers compared, mismatches) of diff --json against verdicts.jsonl."""
    files = sorted(str(p) for p in (out / "5106").glob("*.abi"))
    diff = subprocess.Popen([sys.executable, "-m", "abisim.cli", "diff", *files, "--db", str(db), "--as-of", AS_OF,
                             "--json"], stdout=subprocess.PIPE, text=True)
    compared = bad = 0
    with open(out / "verdicts.jsonl", encoding="utf-8") as expected:
        for line in diff.stdout:
            d = json.loads(line)
            if d["type"] != "importer":
                continue
            e = json.loads(next(expected))
            compared += 1
            got = (d["importer_number"].strip(), d["verdict"], sorted(f["code"] for f in d["findings"]),
                   [w["code"] for w in d["warnings"]])
            if got != (e["importer_number"], e["verdict"], e["findings"], e["warnings"]):
                bad += 1
    diff.wait()
    return compared, bad


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--importers", type=int, default=1_000_000)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    out = Path("benchmarks/out") / f"generated-{args.importers}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "abisim.cli", "generate", "importers", str(args.importers), "--out", str(out),
           "--seed", "1", "--as-of", AS_OF, *MIX]
    wall, cpu, peak, rc = child(cmd)
    cpuinfo = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    print(f"machine: {platform.node()} {cpuinfo}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"date: {dt.date.today().isoformat()}")
    print(f"generate importers {args.importers:,}: {wall:.1f} s wall, {cpu:.1f} s CPU, peak {peak:.0f} MB, "
          f"{size:,.0f} MB written, exit {rc}")
    if args.check:
        db = out / "db.sqlite3"
        wall, cpu, _, rc = child(cmd[:-len(MIX)] + MIX + ["--db", str(db), "--out", str(out / "again")])
        print(f"  the same into a database too: {wall:.1f} s wall, {cpu:.1f} s CPU")
        t0 = time.perf_counter()
        compared, bad = check(out, db)
        print(f"  abisim diff over the TP files: {compared:,} importers in {time.perf_counter() - t0:.1f} s, "
              f"{bad:,} verdicts differ from verdicts.jsonl")


if __name__ == "__main__":
    main()
