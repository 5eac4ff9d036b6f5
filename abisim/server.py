"""Running the HTTP app (uvicorn) and the TCP listener together, in the foreground for
`abisim serve`, or in a background thread for tests and the pytest plugin."""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import socket
import sys
import threading
import time

import attrs
import uvicorn

from abisim.api import Limits
from abisim.faults import Faults
from abisim.http import create_app
from abisim.http_transport import protocol_class
from abisim.offload import OffloadPolicy, Offloader
from abisim.simulator import Simulator
from abisim.structure import parse_table
from abisim.tcp import TcpLimits, serve_tcp

log = logging.getLogger("abisim.server")


def loop_factory():
    """uvloop's event loop where it is installed (a dependency, not on Windows): its
    sockets and callbacks cost a fraction of asyncio's own per request. None: asyncio's."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def settle_process() -> None:
    """For a process that does nothing but serve (`abisim serve`, each of its workers),
    once everything is imported: what was made so far is never garbage, so the collector
    stops walking it (its pauses are what the slowest answers wait for); and log records
    stop looking up the caller's frame, thread and process, which no line prints."""
    gc.collect()
    gc.freeze()
    logging._srcfile = None  # the logging HOWTO's "Optimization": no caller lookup
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    # Worker threads checking a transmission (under the offload threshold) hold the GIL; a
    # short switch interval lets the event loop and a small query's thread in between.
    sys.setswitchinterval(0.0005)


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # `abisim serve`'s, in every worker


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class Server:
    """HTTP on ``port``, TCP on ``tcp_port`` and SMTP on ``smtp_port`` (None: not that
    listener), one simulator behind all; answers by e-mail go to ``mail_relay`` (HOST:PORT)."""

    def __init__(self, sim: Simulator, *, host: str = "127.0.0.1", port: int = 0, tcp_port: int | None = None,
                 admin_token: str | None = None, max_body: int | None = None, log_level: str = "warning",
                 smtp_port: int | None = None, smtp_require_auth: bool = False,
                 mail_relay: str | None = None, reuse_port: bool = False, limits: Limits | None = None,
                 tcp_limits: TcpLimits | None = None, offload: OffloadPolicy | None = None) -> None:
        from abisim.mail.handling import MailDesk
        from abisim.mail.relay import Deliverer, parse_relay

        # The grammar's table, built now: else the first requests, in worker threads,
        # would each build it at once.
        parse_table()
        self.sim = sim
        self.reuse_port = reuse_port  # several processes on the same ports (abisim.workers)
        sim.journal.batched = True  # flushed by _flush_journal and when the server stops
        # Only the flusher's thread writes the batch: a bond query answered on the event loop
        # never waits for a commit (and SQLite's checkpoint after it) that its row made due.
        sim.store.JOURNAL_BATCH = sys.maxsize
        sim.store.JOURNAL_DELAY = math.inf
        self.faults = Faults()  # one set of faults for HTTP and TCP
        self.host = host
        self.port = port or free_port(host)
        self.tcp_port = tcp_port
        self.smtp_port = smtp_port
        self.smtp_require_auth = smtp_require_auth
        self.deliverer = Deliverer(sim.store, *parse_relay(mail_relay)) if mail_relay else None
        self.mail_desk = MailDesk(sim, queue=self.deliverer is not None,
                                  on_answer=self.deliverer.kick if self.deliverer is not None else None)
        self._smtp = None
        limits = limits or Limits()
        if max_body:
            limits = attrs.evolve(limits, max_body=max_body)
        self.limits, self.tcp_limits = limits, tcp_limits or TcpLimits()
        # Large transmissions, on every channel, answered in a pool of processes (abisim.offload).
        self.offloader = Offloader(sim, offload)
        self.app = create_app(sim, admin_token=admin_token, faults=self.faults, max_body=limits.max_body,
                              offloader=self.offloader)
        self.admin_token = self.app.state.admin_token
        config = uvicorn.Config(self.app, host=host, port=self.port, log_level=log_level, access_log=False,
                                lifespan="off", log_config=None,  # logging as the process set it up
                                http=protocol_class(limits),
                                timeout_keep_alive=max(1, int(limits.keep_alive_timeout)))
        self.uvicorn = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self._tcp = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def serve(self, announce=None) -> None:
        await self.open_listeners()
        if announce is not None:
            announce(self)  # the real ports are known now
        log.info("HTTP on %s%s", self.url, f", TCP on {self.host}:{self.tcp_port}" if self._tcp else "")
        delivery = asyncio.create_task(self.deliverer.run()) if self.deliverer is not None else None
        flusher = asyncio.create_task(self._flush_journal())
        if self.offloader.policy.warm:
            self.offloader.warm()
        try:
            await self.uvicorn.serve(sockets=[self._reuse_port_socket()] if self.reuse_port else None)
        finally:
            flusher.cancel()
            self.offloader.close()
            self.sim.store.flush_journal()
            if delivery is not None:
                delivery.cancel()
            for listener in (self._tcp, self._smtp):
                if listener is not None:
                    listener.close()

    async def open_listeners(self) -> None:
        """TCP and SMTP, bound before HTTP starts: port 0 becomes the real port."""
        if self.tcp_port is not None:
            self._tcp = await serve_tcp(self.sim, self.host, self.tcp_port, self.tcp_limits, self.faults,
                                        self.offloader,
                                        **({"reuse_port": True} if self.reuse_port else {}))
            self.tcp_port = self._tcp.sockets[0].getsockname()[1]
        if self.smtp_port is not None:
            from abisim.mail.listener import serve_smtp

            self._smtp = await serve_smtp(self.mail_desk, self.host, self.smtp_port,
                                          require_auth=self.smtp_require_auth)
            self.smtp_port = self._smtp.sockets[0].getsockname()[1]

    def _reuse_port_socket(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        # Accepted connections inherit it: without it a small answer waits ~40 ms for
        # the client's delayed ACK (the event loop sets it only on sockets it binds).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((self.host, self.port))
        sock.listen(2048)
        return sock

    FLUSH_INTERVAL = 0.25  # seconds: a few hundred rows a commit at a thousand exchanges/s (fewer, larger
    # commits cost the event loop less: each row written hands the GIL back and forth)

    async def _flush_journal(self) -> None:
        """Batched journal rows reach the table within FLUSH_INTERVAL, even when the server
        idles (another process, e.g. `abisim journal`, reads the table itself)."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.FLUSH_INTERVAL)
            # In a thread: a commit (and SQLite's checkpoint after it) must not stall the loop.
            await loop.run_in_executor(None, self.sim.store.flush_journal)

    def run(self, announce=None) -> None:
        with asyncio.Runner(loop_factory=loop_factory()) as runner:
            runner.run(self.serve(announce))

    # -- in a background thread
    def start(self, timeout: float = 10) -> "Server":
        self._thread = threading.Thread(target=self.run, name="abisim-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.uvicorn.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("abisim server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.uvicorn.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
