"""Load: bond queries over HTTP keep-alive, and over raw TCP, from a load generator on the
same machine, against `abisim serve` on the 1,000,000-importer database.

    .venv/bin/python benchmarks/load.py [--seconds 15] [--connections 16] [--importers N]

HTTP: wrk (Debian package `wrk`) when installed, else an asyncio/httpx generator; each
request is a whole KI transmission (one importer number) posted to /v1/transmissions.
TCP: asyncio clients writing KI transmissions and reading the answers on kept-open
connections. Targets: HTTP >= 3,000 requests/s with p99 < 10 ms; TCP >= 2x HTTP.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402

import abisim  # noqa: E402
from abisim.layouts import layout_set  # noqa: E402
from abisim.sample import envelope  # noqa: E402
from abisim.server import free_port  # noqa: E402
from ki import build, number  # noqa: E402

TOKEN = "xj5-sample-token"


def ki(n: int) -> bytes:
    k = abisim.make(layout_set()["K"], importer_number_1=number(n))
    return abisim.render(envelope("KI", [k], "XJ5"))


def start_server(db: Path, port: int, tcp_port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "abisim.cli", "serve", "--db", str(db), "--port", str(port),
                             "--tcp-port", str(tcp_port), "--as-of", "2026-11-25", "--admin-token", "bench"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def run_wrk(url: str, seconds: int, connections: int, body: bytes) -> dict:
    script = Path(tempfile.mkdtemp()) / "ki.lua"
    text = body.decode("latin-1").replace("\\", "\\\\").replace("\n", "\\n")
    script.write_text(f'wrk.method = "POST"\nwrk.body = "{text}"\n'
                      f'wrk.headers["Authorization"] = "Bearer {TOKEN}"\n'
                      'wrk.headers["Content-Type"] = "text/plain"\n')
    out = subprocess.run(["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s",
                          str(script), url + "/v1/transmissions"], capture_output=True, text=True, check=True).stdout
    def ms(label):
        line = next(l for l in out.splitlines() if l.strip().startswith(label))
        value = line.split()[-1]
        return float(value[:-2]) if value.endswith("ms") else float(value[:-2]) / 1000 if value.endswith("us") \
            else float(value[:-1]) * 1000
    rate = float(next(l for l in out.splitlines() if l.startswith("Requests/sec")).split()[-1])
    errors = [l.strip() for l in out.splitlines() if "Non-2xx" in l or "Socket errors" in l]
    return {"tool": "wrk", "rate": rate, "p50": ms("50%"), "p99": ms("99%"), "errors": errors}


async def run_httpx(url: str, seconds: int, connections: int, n_importers: int) -> dict:
    latencies: list[float] = []
    end = time.perf_counter() + seconds
    rnd = random.Random(1)
    bodies = [ki(rnd.randrange(n_importers)) for _ in range(1000)]

    async def worker(c: httpx.AsyncClient, k: int) -> None:
        i = k
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            r = await c.post("/v1/transmissions", content=bodies[i % 1000], headers={"Authorization": f"Bearer {TOKEN}"})
            r.raise_for_status()
            latencies.append(time.perf_counter() - t0)
            i += connections

    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=10) as c:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(c, k) for k in range(connections)))
        elapsed = time.perf_counter() - t0
    latencies.sort()
    return {"tool": "httpx", "rate": len(latencies) / elapsed, "p50": latencies[len(latencies) // 2] * 1000,
            "p99": latencies[int(len(latencies) * 0.99)] * 1000, "errors": []}


async def run_tcp(port: int, seconds: int, connections: int, n_importers: int) -> dict:
    latencies: list[float] = []
    end = time.perf_counter() + seconds
    rnd = random.Random(2)
    bodies = [ki(rnd.randrange(n_importers)) for _ in range(1000)]

    async def worker(k: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = k
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            writer.write(bodies[i % 1000])
            await writer.drain()
            while True:  # read up to the answer's Z record
                line = await reader.readline()
                if line.startswith(b"Z"):
                    break
            latencies.append(time.perf_counter() - t0)
            i += connections
        writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(connections)))
    elapsed = time.perf_counter() - t0
    latencies.sort()
    return {"tool": "asyncio", "rate": len(latencies) / elapsed, "p50": latencies[len(latencies) // 2] * 1000,
            "p99": latencies[int(len(latencies) * 0.99)] * 1000, "errors": []}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--importers", type=int, default=1_000_000)
    args = ap.parse_args()
    db = Path(f"benchmarks/out/gen-{args.importers}.sqlite3")
    build(db, args.importers).close()
    port, tcp_port = free_port(), free_port()
    proc = start_server(db, port, tcp_port)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # warm up
            httpx.post(url + "/v1/transmissions", content=ki(7), headers={"Authorization": f"Bearer {TOKEN}"})
        if shutil.which("wrk"):
            http = run_wrk(url, args.seconds, args.connections, ki(12345))
        else:
            http = asyncio.run(run_httpx(url, args.seconds, args.connections, args.importers))
        tcp = asyncio.run(run_tcp(tcp_port, args.seconds, args.connections, args.importers))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {platform.node()} {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"date: {dt.date.today().isoformat()}; {args.connections} connections, {args.seconds} s each")
    print(f"HTTP ({http['tool']}): {http['rate']:,.0f} requests/s, p50 {http['p50']:.2f} ms, p99 {http['p99']:.2f} ms"
          + (f"  {'; '.join(http['errors'])}" if http["errors"] else ""))
    print(f"TCP  ({tcp['tool']}): {tcp['rate']:,.0f} transmissions/s, p50 {tcp['p50']:.2f} ms, "
          f"p99 {tcp['p99']:.2f} ms; TCP/HTTP = {tcp['rate'] / http['rate']:.2f}")


if __name__ == "__main__":
    main()
