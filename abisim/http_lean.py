"""The short way for the hot route: a small bond query posted to /v1/transmissions is
answered by plain ASGI, on the event loop, without Starlette's request objects, routing or
a thread hop (each costs more than the query's own answer at a few thousand a second).

Only the common case takes it: a filer's bearer token, no JSON asked for, no fault in
force, a body within the limit that ``Offloader.inline`` keeps on the loop. Everything
else - a missing or unknown token (401), the admin token (403), a body over the limit
(413), a fault, an answer as JSON, a write, a large transmission - goes on to the route of
abisim.http with the body as read, which answers it as it always did. The answer's status,
headers and bytes are the route's own: tests/test_http_lean.py compares the two.
"""

from __future__ import annotations

import time

from abisim.api import is_admin

PATH = "/v1/transmissions"
TEXT_HEADERS = b"text/plain; charset=latin-1"


class LeanTransmissions:
    """ASGI middleware: in the app's stack after Starlette's error middleware (an exception
    is the same 500 problem document as the route's) and before routing."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST" or scope.get("root_path"):
            return await self.app(scope, receive, send)
        state = scope["app"].state
        filer = _filer(scope["headers"], state)
        if filer is None:
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        messages, data = await _read(receive, state.limits.max_body)
        if data is None or state.faults.active or not state.inline(data):
            return await self.app(scope, _replay(messages, receive), send)
        answer = state.submit(data, filer_code=filer, channel="http", started=started, fault=None)
        body = answer  # latin-1 bytes, as the route sends them
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"%d" % len(body)), (b"content-type", TEXT_HEADERS)]})
        await send({"type": "http.response.body", "body": body})


def _filer(headers, state) -> str | None:
    """The filer code of a request the short way may answer: a filer's bearer token, no
    JSON asked for, a declared length within the limit. None: the route decides."""
    auth = accept = length = None
    for name, value in headers:  # the first of each, as Starlette's Headers.get
        if name == b"authorization":
            auth = value if auth is None else auth
        elif name == b"accept":
            accept = value if accept is None else accept
        elif name == b"content-length":
            length = value if length is None else length
    if accept is not None and b"application/json" in accept:
        return None
    if length is not None and not (length.isdigit() and int(length) <= state.limits.max_body):
        return None
    if auth is None or auth[:7].lower() != b"bearer ":
        return None
    token = auth[7:].decode("latin-1").strip().encode("latin-1")  # as abisim.api.bearer
    if not token or is_admin(token, state.admin_token):
        return None
    row = state.simulator.store.filer_by_token(token.decode("latin-1"))
    return row["filer_code"] if row is not None else None


async def _read(receive, max_body: int) -> tuple[list, bytes | None]:
    """The messages read, and the body (None: over the limit, or the client went away)."""
    messages, chunks, size = [], [], 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_body:
            return messages, None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return messages, chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _replay(messages: list, receive):
    """``receive`` giving the messages already read first."""
    pending = list(messages)

    async def replayed():
        if pending:
            return pending.pop(0)
        return await receive()
    return replayed
