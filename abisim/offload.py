"""Large transmissions answered in another process, so that checking one does not hold
the server's interpreter lock (GIL) while other clients wait for small answers.

A server (HTTP and TCP alike) hands a transmission over ``OffloadPolicy.threshold``
bytes to a small pool of processes (spawned: fresh interpreters, each with its own
simulator and SQLite connections to the same database file). The answering process
does what ``Simulator.submit`` does in the server: a reject or a bond query is answered
from a read snapshot, and its journal row comes back to the server, which writes it
with its batch; a transmission that changes data is applied there in ONE transaction,
its journal row in the same transaction, on disk before the answer comes back. Writers
of both processes queue on the database's writer lock (as ``abisim serve --workers``
does), and a PMS switch is set by an INSERT that does nothing once it is set: every
guarantee holds across the processes.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing as mp
import os
import signal
import threading
import time

import attrs

from abisim.journal import Journal, JournalPolicy
from abisim.records import RECORD_LENGTH

log = logging.getLogger("abisim.offload")


@attrs.frozen
class OffloadPolicy:
    """``threshold``: transmissions over this many bytes go to the pool (None: none do);
    ``processes``: the pool's size (spawned when first needed, or one at start: ``warm``)."""

    threshold: int | None = 32 * 1024  # about 400 records: a few ms of checking in the server
    processes: int = 2
    warm: bool = False  # start one process with the server, not with the first large transmission
    # Bond queries (every block KI) up to this many bytes are answered on the server's event
    # loop itself (``Offloader.inline``): for a small one, handing it to a thread and back
    # costs more than answering it. None: every transmission goes to a thread (or the pool).
    inline: int | None = 4096


class Offloader:
    """``submit`` as ``Simulator.submit``, a large transmission answered in the pool.
    ``gate``, for tests: two events (started, release); the answering process sets the
    first and waits for the second before it answers."""

    def __init__(self, sim, policy: OffloadPolicy | None = None, gate: tuple | None = None) -> None:
        self.sim = sim
        self.policy = policy or OffloadPolicy()
        self.gate = gate  # read when the pool starts
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._broken = 0  # pools broken by a process that died

    MAX_BROKEN = 3

    def takes(self, data: bytes | str) -> bool:
        """Whether ``data`` goes to the pool: never for a database in memory (unshared), nor
        for a simulator whose ``submit`` is its own (a certification's: the pool's is plain)."""
        from abisim.simulator import Simulator

        threshold = self.policy.threshold
        return (threshold is not None and len(data) > threshold and self.sim.store.path != ":memory:"
                and type(self.sim).submit is Simulator.submit and self._broken < self.MAX_BROKEN)

    def inline(self, data: bytes) -> bool:
        """Whether ``data`` is answered on the event loop: a small bond query (it reads a
        snapshot and appends its journal row to the batch: nothing waits for the disk),
        and no write of this process holds the simulator's lock (the journal row would
        wait for it, and with it every connection). Anything else, or damaged input that
        only looks like a query, is answered correctly wherever it runs: this only
        chooses where."""
        limit = self.policy.inline
        return (limit is not None and len(data) <= limit and not self.sim.lock.locked()
                and queries_only(data))

    def submit(self, data: bytes | str, *, started: float | None = None, **kw) -> bytes:
        """The answer to one transmission, journaled (``Simulator.submit``'s keywords)."""
        sim = self.sim
        if not self.takes(data):
            return sim.submit(data, started=started, **kw)
        started = time.perf_counter() if started is None else started
        if isinstance(data, str):
            data = data.encode("latin-1", errors="replace")
        sim.store.flush_journal()  # the rows of earlier exchanges first: the journal keeps their order
        try:
            body, rows = self._pool_of().submit(_answer, data, sim.as_of, time.perf_counter() - started,
                                                kw).result()
        except concurrent.futures.process.BrokenProcessPool:
            # The answering process died (killed, out of memory): this one answered here, as
            # a client's retry would be, and a new pool for the next - unless they keep dying
            # (a process that cannot start): then every transmission is answered here.
            self._reset()
            self._broken += 1
            log.warning("offload: an answering process died (%d so far)%s", self._broken,
                        "; large transmissions are answered in the server from now on"
                        if self._broken >= self.MAX_BROKEN else "")
            return sim.submit(data, started=started, **kw)
        with sim.lock:
            for row, written in rows:
                if written:
                    sim.journal.log(row)  # in the transaction that changed the data, over there
                else:
                    sim.journal.add(row)
        return body

    def warm(self) -> None:
        """Start one answering process now (it imports abisim, builds the grammar's table),
        so that the first large transmission does not wait for it."""
        self._pool_of().submit(_ready)

    def close(self) -> None:
        self._reset()

    def _pool_of(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                sim = self.sim
                policy = sim.journal.policy
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    self.policy.processes, mp_context=mp.get_context("spawn"), initializer=_start,
                    initargs=(os.getpid(), sim.store.path, sim.layouts.versions, sim.lenient, policy, self.gate))
            return self._pool

    def _reset(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def queries_only(data: bytes) -> bool:
    """Whether every B record of a transmission, as framed on the wire (LF, CR/LF or
    nothing), names the bond query KI in columns 11-12, and there is one."""
    if b"\n" in data:
        lines = data.split(b"\n")
    else:
        lines = [data[i:i + RECORD_LENGTH] for i in range(0, len(data), RECORD_LENGTH)]
    seen = False
    for line in lines:
        if line[:1] == b"B":
            if line[10:12] != b"KI":
                return False
            seen = True
    return seen


# ---------------------------------------------------------------- in the answering process

_sim = None
_gate = None


class _Returned(Journal):
    """The answering process's journal: the row of an exchange that changed no data goes
    back to the server (its batch); one that did is written in its transaction, here."""

    rows: list

    def add(self, row: dict, *, changed_data: bool = False) -> None:
        if changed_data:
            super().add(row, changed_data=True)
        self.rows.append((row, changed_data))


def _start(server: int, db: str, versions: tuple[str, ...], lenient: bool, policy: JournalPolicy | None,
           gate) -> None:
    global _sim, _gate
    from abisim.clock import Clock
    from abisim.layouts import layout_set
    from abisim.simulator import Simulator
    from abisim.store import Store
    from abisim.structure import parse_table

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops the pool
    threading.Thread(target=_watch, args=(server,), name="abisim-offload-watch", daemon=True).start()
    _sim = Simulator(Store(db), Clock(), layout_set(versions), lenient=lenient, journal=policy)
    _sim.journal = _Returned(_sim.store, policy)
    _gate = gate
    parse_table()


def _watch(server: int) -> None:
    """Exit when the server has gone, however it went. (Not PR_SET_PDEATHSIG: that follows
    the thread that started this process - a request's worker thread, which may end.)"""
    while os.getppid() == server:
        time.sleep(1)
    os._exit(0)


def _ready() -> None:
    pass


def _answer(data: bytes, as_of, elapsed: float, kw: dict) -> tuple[bytes, list]:
    if _gate is not None:
        started, release = _gate
        started.set()
        release.wait(20)
    _sim.clock.set(as_of)  # the server's date when it received the transmission
    _sim.journal.rows = []
    body = _sim.submit(data, started=time.perf_counter() - elapsed, **kw)
    return body, _sim.journal.rows
