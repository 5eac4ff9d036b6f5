"""Running the HTTP app (uvicorn) and the TCP listener together, in the foreground for
`abisim serve`, or in a background thread for tests and the pytest plugin."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import uvicorn

from abisim.http import create_app
from abisim.simulator import Simulator
from abisim.tcp import serve_tcp


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class Server:
    """HTTP on ``port``, TCP on ``tcp_port`` (None: no TCP), one simulator behind both."""

    def __init__(self, sim: Simulator, *, host: str = "127.0.0.1", port: int = 0, tcp_port: int | None = None,
                 admin_token: str | None = None, max_body: int | None = None, log_level: str = "warning",
                 reuse_port: bool = False) -> None:
        self.sim = sim
        self.reuse_port = reuse_port  # several processes on the same ports (abisim.workers)
        self.host = host
        self.port = port or free_port(host)
        self.tcp_port = tcp_port
        kw = {"max_body": max_body} if max_body else {}
        self.app = create_app(sim, admin_token=admin_token, **kw)
        self.admin_token = self.app.state.admin_token
        config = uvicorn.Config(self.app, host=host, port=self.port, log_level=log_level, access_log=False,
                                lifespan="off")
        self.uvicorn = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self._tcp = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def serve(self) -> None:
        if self.tcp_port is not None:
            self._tcp = await serve_tcp(self.sim, self.host, self.tcp_port,
                                        **({"reuse_port": True} if self.reuse_port else {}))
            self.tcp_port = self._tcp.sockets[0].getsockname()[1]
        try:
            await self.uvicorn.serve(sockets=[self._reuse_port_socket()] if self.reuse_port else None)
        finally:
            if self._tcp is not None:
                self._tcp.close()

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
