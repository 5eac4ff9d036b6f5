"""The long fuzz run: N mutated transmissions (tests/fuzzing.py) through Simulator.submit on
the sample database; counts uncaught exceptions and answers that are not 80-column records.

    .venv/bin/python benchmarks/fuzz.py [--inputs 1000000] [--seed 0] [--processes 1]

`make fuzz` runs 1,000,000. A failure prints the input (repr) and exits 1.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import abisim  # noqa: E402
from abisim import fixtures, sample  # noqa: E402
from abisim.clock import fixed  # noqa: E402
from tests.conftest import AS_OF  # noqa: E402
from tests.fuzzing import check_answer, inputs  # noqa: E402

RESET_EVERY = 20_000  # a fresh database now and then: the journal would grow without end


def run(seed: int, n: int) -> dict:
    sim = None
    counts = {"inputs": 0, "parse_clean": 0, "exceptions": 0, "bad_answers": 0, "first_failure": None}
    for k, data in enumerate(inputs(seed, n)):
        if k % RESET_EVERY == 0:
            sim = abisim.Simulator(":memory:", fixed(AS_OF))
            fixtures.load(sim.store, sample.fixture(AS_OF))
        counts["inputs"] += 1
        try:
            if not any(e.is_fatal for e in abisim.parse(data).errors):
                counts["parse_clean"] += 1
            answer = sim.submit(data)
        except Exception:
            counts["exceptions"] += 1
            counts["first_failure"] = counts["first_failure"] or f"{data!r}\n{traceback.format_exc()}"
            continue
        try:
            check_answer(data, answer)
        except AssertionError:
            counts["bad_answers"] += 1
            counts["first_failure"] = counts["first_failure"] or f"{data!r} -> {answer!r}"
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--processes", type=int, default=1)
    args = ap.parse_args()
    start = time.perf_counter()
    share = -(-args.inputs // args.processes)
    jobs = [(args.seed * 1000 + k, min(share, args.inputs - k * share)) for k in range(args.processes)]
    if args.processes == 1:
        results = [run(*jobs[0])]
    else:
        with multiprocessing.Pool(args.processes) as pool:
            results = pool.starmap(run, jobs)
    seconds = time.perf_counter() - start
    total = {k: sum(r[k] for r in results) for k in ("inputs", "parse_clean", "exceptions", "bad_answers")}
    print(f"machine: {platform.machine()} {platform.processor() or ''}, Python {platform.python_version()}, "
          f"{args.processes} process(es), seed {args.seed}")
    print(f"{total['inputs']:,} inputs ({total['parse_clean']:,} parse-clean) in {seconds:,.0f} s "
          f"({total['inputs'] / seconds:,.0f}/s): {total['exceptions']} uncaught exceptions, "
          f"{total['bad_answers']} answers not of 80-column records")
    failures = [r["first_failure"] for r in results if r["first_failure"]]
    if failures:
        print("first failure:", failures[0])
        sys.exit(1)


if __name__ == "__main__":
    main()
