"""Raw TCP on loopback: a client writes a transmission and reads CBP's answer.

No framing but CATAIR's own: records separated by LF, CR/LF or nothing (every 80 bytes),
and the Z record ends a transmission. Many transmissions may follow each other on one
connection, and writes may be split anywhere. The A record's password is the credential.
A final Z needs no newline; a client that half-closes gets the answer to what it sent
(X06 when its last transmission has no Z). Limits: TcpLimits.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time

import attrs

from abisim.errors import RecordError, narrative
from abisim.faults import Faults, reject
from abisim.offload import Offloader
from abisim.records import RECORD_LENGTH
from abisim.simulator import Simulator, reject_answer
from abisim.transmission import parse, render


class TransmissionTooLarge(Exception):
    """The transmission being read is over the size limit."""


@attrs.frozen
class TcpLimits:
    """What one TCP client may cost the server (docs/http.md, "Limits and timeouts")."""

    max_transmission: int = 1 << 20  # bytes of one transmission (about 13,000 records)
    idle_timeout: float = 60.0  # seconds without a byte from the client: the connection is closed
    # Seconds from a transmission's first byte to its Z: a client trickling a byte per idle
    # period would otherwise hold its connection (and its buffer) for ever.
    transmission_timeout: float = 60.0
    max_connections: int = 256  # connections at once; more are closed on arrival
    # The senders (A-record id codes) that may use the test-mode password TEST00. Over TCP
    # the password is the only credential and TEST00 replaces it: open to everyone it
    # would let anyone act as any filer and read bond data. Empty: TEST00 is refused (X09).
    test_filers: frozenset[str] = frozenset()

log = logging.getLogger("abisim.tcp")


class TransmissionSplitter:
    """Cuts a byte stream into whole transmissions, each ending with its Z record."""

    def __init__(self, max_transmission: int | None = None) -> None:
        self.buffer = bytearray()
        self.records: list[bytes] = []  # the current transmission's records so far
        self.size = 0  # their bytes
        self.framing: bytes | None = None  # b"\n" or b"" once known
        self.max_transmission = max_transmission

    def feed(self, data: bytes) -> list[bytes]:
        """The transmissions completed by ``data``; TransmissionTooLarge when the one being
        read grows over the limit (the stream cannot be resynchronised after it)."""
        self.buffer += data
        done = []
        while True:
            record = self._next_record()
            if record is None:
                break
            if not self.records and not record.strip(b" \r"):
                continue  # blank lines between transmissions
            self.records.append(record)
            self.size += len(record) + 1
            if record[:1] == b"Z":
                done.append(self._take())
            elif self.max_transmission is not None and self.size > self.max_transmission:
                raise TransmissionTooLarge
        if self.max_transmission is not None and self.size + len(self.buffer) > self.max_transmission:
            raise TransmissionTooLarge
        return done

    def finish(self) -> bytes | None:
        """At the end of the stream: what is left, a transmission without its Z (the
        simulator answers X06) or a last record without a newline; None when nothing."""
        rest = bytes(self.buffer).rstrip(b"\r\n")
        self.buffer.clear()
        if rest.strip(b" "):
            self.records.append(rest)
        if not self.records:
            return None
        return self._take()

    def _take(self) -> bytes:
        sep = b"\n" if self.framing == b"\n" else b""
        transmission = sep.join(self.records) + sep
        self.records, self.size = [], 0
        return transmission

    def _next_record(self) -> bytes | None:
        buf = self.buffer
        if self.framing is None:
            if b"\n" in buf[: RECORD_LENGTH + 2]:
                self.framing = b"\n"
            elif len(buf) > RECORD_LENGTH + 1:
                self.framing = b""
            else:
                return None
        if self.framing == b"\n":
            end = buf.find(b"\n")
            if end < 0:
                # A final Z with no newline after it is whole at 80 columns: the client
                # may be waiting for the answer before it sends anything more.
                if self.records and buf[:1] == b"Z" and len(buf) >= RECORD_LENGTH:
                    record = bytes(buf[:RECORD_LENGTH])
                    del buf[:RECORD_LENGTH]
                    return record
                return None
            record = bytes(buf[:end])
            del buf[: end + 1]
            return record[:-1] if record.endswith(b"\r") else record
        if len(buf) < RECORD_LENGTH:
            return None
        record = bytes(buf[:RECORD_LENGTH])
        del buf[:RECORD_LENGTH]
        return record


def cut_off_answer(sim: Simulator, first_record: bytes | None, code: str, message: str) -> bytes:
    """The reject batch for a transmission the listener stops reading (its A mirrored if read):
    S01 over the size limit, S02 not whole in time."""
    t = parse(first_record + b"\n" if first_record else b"", layouts=sim.layouts)
    return render(reject_answer(t, [RecordError(code, message, 1)], sim.layouts, sim.as_of), newline="\n")


def too_large_answer(sim: Simulator, first_record: bytes | None, limit: int) -> bytes:
    """The reject batch for a transmission over the size limit."""
    return cut_off_answer(sim, first_record, "S01", f"{narrative('S01')} ({limit} BYTES)")


async def _cut_off(sim: Simulator, writer: asyncio.StreamWriter, splitter: "TransmissionSplitter",
                   answer_of, started: float) -> None:
    """Answer and journal a transmission the listener stops reading; the caller closes."""
    first = splitter.records[0] if splitter.records else None
    out = answer_of(first)
    writer.write(out)
    # What was read of it (the journal cuts the body); the journal's write off the event loop.
    read = b"\n".join(splitter.records) + (b"\n" if splitter.records else b"") + bytes(splitter.buffer)
    await asyncio.get_running_loop().run_in_executor(None, functools.partial(
        sim.journal_exchange, channel="tcp", request=read, answer=out, started=started))
    await writer.drain()


async def answer(sim: Simulator, faults: Faults | None, transmission: bytes,
                 test_filers: frozenset[str] | None = None, offloader: Offloader | None = None) -> bytes | None:
    """The answer to one transmission, faults applied; None: drop the connection. A large
    one is answered in another process (``offloader``)."""
    started = time.perf_counter()
    fault = faults.take() if faults is not None else None
    if fault is not None and fault.latency_ms:
        await asyncio.sleep(fault.latency_ms / 1000)
    if fault is not None and fault.answers:
        out = None if fault.drop_connection else reject(transmission, fault.reject_code, sim.layouts, sim.as_of)
        sim.journal_exchange(channel="tcp", request=transmission, answer=out, started=started,
                             fault=fault.describe())
        return out
    submit = offloader.submit if offloader is not None else sim.submit
    if fault is None and offloader is not None and offloader.inline(transmission):
        return submit(transmission, channel="tcp", started=started, test_filers=test_filers)
    # In a worker thread: the event loop stays free for the other connections.
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(
        submit, transmission, channel="tcp", started=started, fault=fault.describe() if fault else None,
        test_filers=test_filers))


async def serve_tcp(sim: Simulator, host: str = "127.0.0.1", port: int = 0, limits: TcpLimits | None = None,
                    faults: Faults | None = None, offloader: Offloader | None = None,
                    **listen) -> asyncio.base_events.Server:
    """Start the listener on the running loop; ``server.sockets[0].getsockname()`` tells the port."""
    limits = limits or TcpLimits()
    open_connections = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal open_connections
        open_connections += 1
        splitter = TransmissionSplitter(limits.max_transmission)
        try:
            if open_connections > limits.max_connections:
                return
            began = None  # perf_counter at the first byte of the transmission being read
            while True:
                wait, deadline = limits.idle_timeout, False
                if began is not None:
                    left = began + limits.transmission_timeout - time.perf_counter()
                    if left <= wait:  # the transmission's deadline comes first
                        wait, deadline = left, True
                try:
                    async with asyncio.timeout(max(wait, 0)):  # no task per read, as wait_for makes
                        data = await reader.read(65536)
                except TimeoutError:
                    # Which wait ran out, not the clock read now: a loop's timers may fire a
                    # little before perf_counter says (uvloop's clock counts milliseconds).
                    if deadline:
                        await _cut_off(sim, writer, splitter, lambda first: cut_off_answer(
                            sim, first, "S02", f"{narrative('S02')} ({limits.transmission_timeout:g} S)"), began)
                    return  # idle, or too slow: closed
                if began is None and data:
                    began = time.perf_counter()
                try:
                    transmissions = splitter.feed(data) if data else [t for t in [splitter.finish()] if t]
                except TransmissionTooLarge:
                    await _cut_off(sim, writer, splitter, lambda first: too_large_answer(
                        sim, first, limits.max_transmission), began)
                    return
                if transmissions:
                    # The rest read, if any, begins the next transmission's time.
                    began = time.perf_counter() if splitter.records or splitter.buffer.strip() else None
                for transmission in transmissions:
                    out = await answer(sim, faults, transmission, limits.test_filers, offloader)
                    if out is None:
                        writer.transport.abort()  # the injected fault: the connection drops
                        return
                    writer.write(out)
                    await writer.drain()
                if not data:
                    return  # the client half-closed: everything it sent is answered
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client went away, or the server is stopping
        except Exception:  # never let one connection take the listener down
            log.exception("tcp: the connection failed")
        finally:
            open_connections -= 1
            writer.close()

    return await asyncio.start_server(handle, host, port, **listen)
