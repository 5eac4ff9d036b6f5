"""Start-up: `abisim parse FILE` of a small file, whole process, against `python -c pass`.

    .venv/bin/python benchmarks/startup.py [--runs 15]

Both run alternately as fresh processes; the figure is the best of the runs of each (the
machine's noise only ever adds). The package is byte-compiled first, as an installed one
is (PYTHONDONTWRITEBYTECODE would otherwise make every run compile every module).
Target (issue 15): under 150 ms.
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

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples/answers/ki-magic-1.in.abi"


def once(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    floor_cmd = [sys.executable, "-c", "pass"]
    parse_cmd = [sys.executable, "-m", "abisim.cli", "parse", str(SAMPLE)]
    import compileall

    compileall.compile_dir(str(ROOT / "abisim"), quiet=1)
    once(parse_cmd)  # the flattened LALR table is written on the very first run
    floor = parse = float("inf")
    for _ in range(args.runs):
        floor = min(floor, once(floor_cmd))
        parse = min(parse, once(parse_cmd))
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {platform.node()} {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"date: {dt.date.today().isoformat()}; best of {args.runs} runs each")
    print(f"floor, python -c pass: {floor * 1000:.0f} ms")
    print(f"abisim parse {SAMPLE.name} ({sum(1 for _ in open(SAMPLE))} records): {parse * 1000:.0f} ms "
          f"({parse / floor:.1f}x the floor)")
    print(f"TARGET start-up under 150 ms: {parse * 1000:.0f} ms, {'met' if parse < 0.150 else 'NOT met'}")


if __name__ == "__main__":
    main()
