"""uvicorn's httptools protocol with the limits uvicorn lacks: a cap on the request line and
headers (431), a deadline for reading a whole request (408: a half-open or trickling
client cannot hold a connection), and a cap on open connections (503 on arrival)."""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from abisim.api import Limits, problem_body

_REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large", 503: b"Service Unavailable"}


def protocol_class(limits: Limits) -> type:
    """The protocol class to give uvicorn.Config(http=...)."""
    return type("GuardedHttpToolsProtocol", (_Guarded,), {"limits": limits})


class _Guarded(HttpToolsProtocol):
    limits: Limits

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.timeout_keep_alive = self.limits.keep_alive_timeout
        self._header_bytes = 0
        self._refused = False
        self._read_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:
        super().connection_made(_Corked(transport, self.loop))
        if len(self.connections) > self.limits.max_connections:
            self._refuse(503, f"more than {self.limits.max_connections} connections at once")
        else:
            self._arm_read_timer()

    def connection_lost(self, exc) -> None:
        self._disarm_read_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._read_timer is None and (self.cycle is None or self.cycle.response_complete):
            self._arm_read_timer()  # the first bytes of the next request on a kept-alive connection
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        self._previous_cycle = self.cycle  # the request being read has no cycle until its headers end

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_message_complete(self) -> None:
        self._disarm_read_timer()
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        if not self._refused:  # a refusal already answered stops the parser with an error
            super().send_400_response(msg)

    # --

    def _count(self, n: int) -> None:
        self._header_bytes += n
        if self._header_bytes > self.limits.max_header:
            self._refuse(431, f"the request line and headers may be at most {self.limits.max_header} bytes")
            raise _Refused  # stops the parser: no request reaches the app

    def _arm_read_timer(self) -> None:
        self._disarm_read_timer()
        self._read_timer = self.loop.call_later(self.limits.request_timeout, self._read_timed_out)

    def _disarm_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _read_timed_out(self) -> None:
        self._read_timer = None
        if self.cycle is not None and not self.cycle.response_complete and not self.cycle.more_body:
            return  # the request was read; the app is answering it
        self._refuse(408, f"a request must arrive whole within {self.limits.request_timeout:g} s")

    def _refuse(self, status: int, detail: str) -> None:
        if self._refused or self.transport.is_closing():
            return
        self._refused = True
        self._disarm_read_timer()
        current = self.cycle if self.cycle is not getattr(self, "_previous_cycle", None) else None
        if current is not None and current.response_started:
            self.transport.close()  # the app has answered (or is answering): nothing to add
            return
        title = _REASONS[status]
        body = problem_body(status, title.decode(), detail)
        self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-type: application/problem+json\r\n"
                             b"content-length: %d\r\nconnection: close\r\n\r\n%s"
                             % (status, title, len(body), body))
        self.transport.close()


class _Refused(Exception):
    pass


class _Corked:
    """A connection's transport that sends a response's head with the first bytes of its
    body, in one write: uvicorn writes them apart, which costs a system call and a TCP
    segment more per answer (and wakes the client twice). A head held is written before
    anything else, and at the latest when the event loop next turns (a HEAD answer has no
    body). Everything but writing and closing is the transport's own."""

    __slots__ = ("_transport", "_loop", "_head")

    def __init__(self, transport, loop) -> None:
        self._transport, self._loop, self._head = transport, loop, None

    def write(self, data: bytes) -> None:
        head = self._head
        if head is not None:
            self._head = None
            self._transport.write(head + data)
        elif data[:5] == b"HTTP/" and data[-4:] == b"\r\n\r\n":
            self._head = data
            self._loop.call_soon(self._release)
        else:
            self._transport.write(data)

    def _release(self) -> None:
        head, self._head = self._head, None
        if head is not None:
            self._transport.write(head)

    def close(self) -> None:
        self._release()
        self._transport.close()

    def write_eof(self) -> None:
        self._release()
        self._transport.write_eof()

    def abort(self) -> None:
        self._head = None
        self._transport.abort()

    def __getattr__(self, name: str):
        return getattr(self._transport, name)
