"""Issue 11: what one hostile client costs the others.

    .venv/bin/python benchmarks/hardening.py [--seconds 10]

1. Checking cost against the number of errors: a KI holding N blank records (each an
   error), with the right and a wrong password, through Simulator.submit. Linear growth
   shows as a flat cost per error.
2. Another client's KI while the worst input within the limits is checked: `abisim serve`
   (default limits) in its own process; one client sends 1 MiB KI transmissions full of
   errors (each reported in the answer) over TCP, back to back, from its own process; another
   sends one-number KIs over TCP and over HTTP and times each answer. Also the same KIs with
   no hostile client. ``--serve-option=--offload-threshold=0`` measures the server answering
   every transmission in its own process (no pool).
"""

from __future__ import annotations

import argparse
import multiprocessing
import datetime as dt
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

import abisim  # noqa: E402
from abisim import fixtures, sample  # noqa: E402
from abisim.server import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
KI = (ROOT / "samples/answers/ki-magic-2.in.abi").read_bytes()
TP = (ROOT / "samples/answers/tp-add.in.abi").read_bytes()
AS_OF = dt.date(2026, 11, 25)
MAX = 1 << 20


def ki_with_errors(n: int, password: bytes = b"PASS01") -> bytes:
    lines = KI.split(b"\n")
    return b"\n".join([lines[0].replace(b"PASS01", password), lines[1], *[b" " * 80] * n, *lines[3:]])


def tp_of_importers(size: int, start: int = 0) -> bytes:
    """A TP adding as many importers as ``size`` bytes hold: the largest write within the limits."""
    lines = TP.split(b"\n")
    n = size // (81 * 6) - 1
    details = []
    for i in range(start, start + n):
        details += [lines[2].replace(b"45-6789012AB", f"45-{i:07d}00".encode()), *lines[3:8]]
    y = lines[8].replace(b"00006", f"{len(details) % 100_000:05d}".encode())
    return b"\n".join([lines[0], lines[1], *details, y, lines[9], b""])


def errors_growth(db: str) -> None:
    sim = abisim.Simulator(db, abisim.Clock(AS_OF))
    print("errors   right password        wrong password")
    for n in (1000, 2000, 4000, 8000, MAX // 81 - 10):
        row = []
        for pw in (b"PASS01", b"WRONG1"):
            data = ki_with_errors(n, pw)
            best = min(_timed(sim.submit, data) for _ in range(3))
            row.append(f"{best * 1000:7.0f} ms {best / n * 1e6:5.1f} us/err")
        print(f"{n:6d}   " + "   ".join(row))


def _timed(f, *args) -> float:
    t = time.perf_counter()
    f(*args)
    return time.perf_counter() - t


def read_answer(s: socket.socket) -> bytes:
    buf = b""
    while not (buf.endswith(b"\n") and (buf.startswith(b"Z") or b"\nZ" in buf)):
        chunk = s.recv(1 << 20)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    return buf


def latencies(http_port: int, tcp_port: int, seconds: float) -> dict:
    out = {"tcp": [], "http": []}
    deadline = time.monotonic() + seconds
    with socket.create_connection(("127.0.0.1", tcp_port)) as s, \
            httpx.Client(base_url=f"http://127.0.0.1:{http_port}") as c:
        while time.monotonic() < deadline:
            t = time.perf_counter()
            s.sendall(KI)
            read_answer(s)
            out["tcp"].append(time.perf_counter() - t)
            t = time.perf_counter()
            c.post("/v1/transmissions", content=KI, headers={"Authorization": "Bearer xj5-sample-token"})
            out["http"].append(time.perf_counter() - t)
            time.sleep(0.01)
    return out


def hostile(over: str, port: int, size: int, kind: str, stop, count) -> None:
    """In its own process: reading its 2 MiB answers must not take this process's GIL
    from the client being timed."""
    # KI: every error reported, the costliest answer; TP: the longest hold of the writer lock.
    worst = ki_with_errors(size // 81 - 10) if kind == "ki" else tp_of_importers(size)
    if over == "http":
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as c:
            while not stop.is_set():
                c.post("/v1/transmissions", content=worst,
                       headers={"Authorization": "Bearer xj5-sample-token"})
                with count.get_lock():
                    count.value += 1
        return
    with socket.create_connection(("127.0.0.1", port)) as s:
        while not stop.is_set():
            s.sendall(worst)
            read_answer(s)
            with count.get_lock():
                count.value += 1


def report(label: str, lat: dict) -> None:
    for kind, xs in lat.items():
        xs = sorted(xs)
        p99 = xs[min(len(xs) - 1, int(len(xs) * 0.99))]
        print(f"{label:27s} {kind:4s}: {len(xs):5d} KIs, p50 {statistics.median(xs) * 1000:6.1f} ms, "
              f"p99 {p99 * 1000:6.1f} ms, max {xs[-1] * 1000:6.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--only", choices=("errors", "clients"), default=None, help="run one part")
    ap.add_argument("--attacker", choices=("tcp", "http"), default="tcp", help="how the 1 MiB client sends")
    ap.add_argument("--attack-bytes", type=int, default=MAX - 200,
                    help="the size of its transmissions (e.g. just under the offload threshold)")
    ap.add_argument("--worst", choices=("ki", "tp"), default="ki",
                    help="ki: blank records, each an error; tp: importers added (a write)")
    ap.add_argument("--serve-option", action="append", default=[], metavar="OPTION",
                    help="an option for abisim serve, e.g. --serve-option=--offload-threshold=0")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    folder = tempfile.mkdtemp()
    db = os.path.join(folder, "cbp.sqlite3")
    fixtures.load(abisim.Store(db), sample.fixture(AS_OF))
    if args.only != "clients":
        errors_growth(db)
    if args.only == "errors":
        return
    port, tcp_port = free_port(), free_port()
    proc = subprocess.Popen([sys.executable, "-m", "abisim.cli", "serve", "--db", db, "--port", str(port),
                             "--tcp-port", str(tcp_port), "--as-of", AS_OF.isoformat(), "--admin-token", "b",
                             *args.serve_option],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(400):
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        report("alone", latencies(port, tcp_port, args.seconds))
        ctx = multiprocessing.get_context("fork")
        stop, count = ctx.Event(), ctx.Value("q", 0)
        target = tcp_port if args.attacker == "tcp" else port
        attacker = ctx.Process(target=hostile, daemon=True,
                               args=(args.attacker, target, args.attack_bytes, args.worst, stop, count))
        attacker.start()
        time.sleep(1)
        label = f"{args.attack_bytes >> 10} KiB {args.worst.upper()} over {args.attacker}"
        report(label, latencies(port, tcp_port, args.seconds))
        stop.set()
        attacker.join(30)
        print(f"the attacker's transmissions answered meanwhile: {count.value}")
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
