"""Running the HTTP app (uvicorn) and the TCP listener together, in the foreground for
`abisim serve`, or in a background thread for tests and the pytest plugin."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from typing import Callable

import uvicorn

from abisim.faults import Faults
from abisim.http import create_app
from abisim.simulator import Simulator
from abisim.tcp import serve_tcp

log = logging.getLogger("abisim.server")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class _Uvicorn(uvicorn.Server):
    """uvicorn, telling its owner once it listens (and on which port)."""

    def __init__(self, config, on_listening: Callable[[list], None]) -> None:
        super().__init__(config)
        self.on_listening = on_listening

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            self.on_listening([s for server in self.servers for s in server.sockets])


class Server:
    """HTTP on ``port``, TCP on ``tcp_port`` (None: no TCP), one simulator behind both.
    Port 0 asks the OS for a free port; ``port``/``tcp_port`` hold the real ones once
    listening, when ``on_ready(server)`` is called."""

    def __init__(self, sim: Simulator, *, host: str = "127.0.0.1", port: int = 0, tcp_port: int | None = None,
                 admin_token: str | None = None, max_body: int | None = None, log_level: str = "warning",
                 on_ready: Callable[["Server"], None] | None = None) -> None:
        self.sim = sim
        sim.journal.batched = True  # flushed every JOURNAL_DELAY and when the server stops
        self.host = host
        self.port = port
        self.tcp_port = tcp_port
        self.faults = Faults()  # one set of faults for HTTP and TCP
        self.on_ready = on_ready
        kw = {"max_body": max_body} if max_body else {}
        self.app = create_app(sim, admin_token=admin_token, faults=self.faults, **kw)
        self.admin_token = self.app.state.admin_token
        config = uvicorn.Config(self.app, host=host, port=self.port, log_level=log_level, access_log=False,
                                lifespan="off", log_config=None)
        self.uvicorn = _Uvicorn(config, self._listening)
        self._thread: threading.Thread | None = None
        self._tcp = None

    def _listening(self, sockets) -> None:
        if sockets:
            self.port = sockets[0].getsockname()[1]
        log.info("HTTP on %s%s", self.url, f", TCP on {self.host}:{self.tcp_port}" if self._tcp else "")
        if self.on_ready is not None:
            self.on_ready(self)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def serve(self) -> None:
        if self.tcp_port is not None:
            self._tcp = await serve_tcp(self.sim, self.host, self.tcp_port, self.faults)
            self.tcp_port = self._tcp.sockets[0].getsockname()[1]
        flusher = asyncio.create_task(self._flush_journal())
        try:
            await self.uvicorn.serve()
        finally:
            flusher.cancel()
            self.sim.store.flush_journal()
            if self._tcp is not None:
                self._tcp.close()

    async def _flush_journal(self) -> None:
        """Batched journal rows reach the table within a second, even when the server idles
        (another process, e.g. `abisim journal`, reads the table itself)."""
        while True:
            await asyncio.sleep(self.sim.store.JOURNAL_DELAY)
            self.sim.store.flush_journal()

    def run(self) -> None:
        asyncio.run(self.serve())

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
