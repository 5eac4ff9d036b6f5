"""`abisim serve --workers N`: N processes answering on the same ports, one database.

Each worker is a fresh interpreter (spawn) with its own simulator and SQLite connections,
listening with SO_REUSEPORT on the same HTTP (and TCP) port; the kernel spreads the
connections over them. The guarantees hold across processes because SQLite holds them:
every write is one BEGIN IMMEDIATE transaction (one writer at a time, the others wait in
the busy timeout), and a PMS switch is set by an INSERT that does nothing when the switch
is set (exactly one winner). The simulated date is shared by the workers (setting it
through the admin route sets it for all); injected faults stay with the worker that
received them. The SMTP listener and the mail relay run in the first worker only. The supervisor restarts a worker that dies, and stops them all on SIGTERM
or SIGINT.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import signal
import time

from abisim.server import free_port


class SharedClock:
    """The simulated date in shared memory: one clock for every worker (``Clock``'s API)."""

    def __init__(self, value) -> None:
        self._value = value  # a multiprocessing Value("q"): a date's ordinal, 0 for none

    @property
    def fixed(self) -> dt.date | None:
        n = self._value.value
        return dt.date.fromordinal(n) if n else None

    def today(self) -> dt.date:
        return self.fixed or dt.date.today()

    def set(self, value: dt.date | None) -> None:
        with self._value.get_lock():
            self._value.value = value.toordinal() if value is not None else 0


def _worker(db: str, clock_value, server_kw: dict, lenient: bool, journal) -> None:
    import logging

    from abisim.server import LOG_FORMAT, Server, settle_process
    from abisim.simulator import Simulator
    from abisim.store import Store

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor stops the workers (SIGTERM)
    # A spawned interpreter starts without the command's logging: the access lines too.
    logging.basicConfig(level=server_kw.get("log_level", "warning").upper(), format=LOG_FORMAT)
    _die_with_parent()
    sim = Simulator(Store(db), SharedClock(clock_value), lenient=lenient, journal=journal)
    server = Server(sim, reuse_port=True, **server_kw)
    settle_process()
    server.run()


def _die_with_parent() -> None:
    """Linux: SIGTERM when the supervisor dies, however it dies (no orphaned workers)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def serve_workers(workers: int, *, db: str, server_kw: dict, first_only: dict | None = None, lenient: bool = False,
                  as_of: dt.date | None = None, on_ready=None, journal=None) -> None:
    """Run ``workers`` server processes (``Server`` keywords ``server_kw``) until SIGTERM or
    SIGINT. Ports 0 are resolved here, once, so that every worker listens on the same
    ones. ``first_only``: keywords for the first worker alone (the SMTP listener and the
    mail relay, which must not run twice). ``journal``: the workers' JournalPolicy."""
    ctx = mp.get_context("spawn")
    clock_value = ctx.Value("q", as_of.toordinal() if as_of is not None else 0)
    host = server_kw.get("host", "127.0.0.1")
    common = {**server_kw, "port": server_kw.get("port") or free_port(host)}
    if common.get("tcp_port") == 0:
        common["tcp_port"] = free_port(host)
    first = {**common, **(first_only or {})}
    if first.get("smtp_port") == 0:
        first["smtp_port"] = free_port(host)

    def start(i: int) -> mp.Process:
        kw = first if i == 0 else common
        p = ctx.Process(target=_worker, args=(db, clock_value, kw, lenient, journal), name=f"abisim-worker-{i}")
        p.start()
        return p

    stopping = []

    def stop(signum, frame) -> None:
        stopping.append(signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    procs = [start(i) for i in range(workers)]
    if on_ready is not None:
        on_ready({"smtp_port": None, "mail_relay": None, **first})
    try:
        while not stopping:
            for i, p in enumerate(procs):
                if not p.is_alive() and not stopping:
                    procs[i] = start(i)  # a worker died: replace it
            time.sleep(0.2)
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join(timeout=10)
        for s, handler in previous.items():
            signal.signal(s, handler)
