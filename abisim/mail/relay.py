"""Delivering the outbox to an SMTP relay (ruling 29), with retries.

Each attempt takes the queued answers in order; one that the relay does not accept stays
queued with its error and is tried again later (the wait doubles, up to ``max_wait``), so
a relay that is down loses nothing and gets everything when it comes back.
"""

from __future__ import annotations

import asyncio
import smtplib
import threading

from abisim.mail import outbox
from abisim.store import Store


def parse_relay(text: str) -> tuple[str, int]:
    """HOST:PORT -> (host, port); ValueError when it is not that."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not (port.isascii() and port.isdigit()) or not 0 < int(port) < 65536:
        raise ValueError(f"expected HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


class Deliverer:
    def __init__(self, store: Store, host: str, port: int, *, first_wait: float = 0.5, max_wait: float = 30,
                 timeout: float = 10) -> None:
        self.store, self.host, self.port = store, host, port
        self.first_wait, self.max_wait, self.timeout = first_wait, max_wait, timeout
        self._lock = threading.Lock()  # one attempt at a time: nothing is sent twice
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def deliver_once(self) -> tuple[int, int]:
        """Try every queued answer once: (delivered, still queued)."""
        delivered = failed = 0
        with self._lock:
            for row in outbox.queued(self.store):
                error = self._send(row)
                outbox.attempted(self.store, row["id"], error)
                if error is None:
                    delivered += 1
                else:
                    failed += 1
        return delivered, failed

    def _send(self, row) -> str | None:
        recipients = [a for a in row["recipients"].split(",") if a]
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                # SMTP lines end in CR LF (the outbox keeps the message with LF)
                data = row["raw"].replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
                smtp.sendmail(row["sender"], recipients, data)
        except (OSError, smtplib.SMTPException) as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    # -- in the server's event loop
    def kick(self) -> None:
        """New mail in the outbox: try now (from any thread)."""
        if self._loop is not None and self._wake is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        wait: float | None = 0  # first, whatever a previous run left queued
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), wait)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()
            try:
                _delivered, failed = await self._loop.run_in_executor(None, self.deliver_once)
            except Exception:  # the database was busy or gone: try again later, never stop
                failed = 1
            wait = None if not failed else min(self.max_wait, (wait or self.first_wait / 2) * 2)
