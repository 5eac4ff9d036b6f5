"""Raw TCP on loopback: a client writes a transmission and reads CBP's answer.

No framing but CATAIR's own: records separated by LF, CR/LF or nothing (every 80 bytes),
and the Z record ends a transmission. Many transmissions may follow each other on one
connection, and writes may be split anywhere. The A record's password is the credential.
"""

from __future__ import annotations

import asyncio
import logging
import time

from abisim.faults import Faults, reject
from abisim.records import RECORD_LENGTH
from abisim.simulator import Simulator

log = logging.getLogger("abisim.tcp")


class TransmissionSplitter:
    """Cuts a byte stream into whole transmissions, each ending with its Z record."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.records: list[bytes] = []  # the current transmission's records so far
        self.framing: bytes | None = None  # b"\n" or b"" once known

    def feed(self, data: bytes) -> list[bytes]:
        self.buffer += data
        done = []
        while True:
            record = self._next_record()
            if record is None:
                return done
            if not self.records and not record.strip(b" \r"):
                continue  # blank lines between transmissions
            self.records.append(record)
            if record[:1] == b"Z":
                sep = b"\n" if self.framing == b"\n" else b""
                done.append(sep.join(self.records) + sep)
                self.records = []

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
                return None
            record = bytes(buf[:end])
            del buf[: end + 1]
            return record[:-1] if record.endswith(b"\r") else record
        if len(buf) < RECORD_LENGTH:
            return None
        record = bytes(buf[:RECORD_LENGTH])
        del buf[:RECORD_LENGTH]
        return record


async def answer(sim: Simulator, faults: Faults | None, transmission: bytes) -> bytes | None:
    """The answer to one transmission, faults applied; None: drop the connection."""
    started = time.perf_counter()
    fault = faults.take() if faults is not None else None
    if fault is not None and fault.latency_ms:
        await asyncio.sleep(fault.latency_ms / 1000)
    if fault is not None and fault.answers:
        out = None if fault.drop_connection else reject(transmission, fault.reject_code, sim.layouts, sim.as_of)
        sim.journal_exchange(channel="tcp", request=transmission, answer=out, started=started,
                             fault=fault.describe())
        return out
    # In the loop: see abisim.http.
    return sim.submit(transmission, channel="tcp", started=started, fault=fault.describe() if fault else None)


async def serve_tcp(sim: Simulator, host: str = "127.0.0.1", port: int = 0,
                    faults: Faults | None = None, **listen) -> asyncio.base_events.Server:
    """Start the listener on the running loop; ``server.sockets[0].getsockname()`` tells the port."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        splitter = TransmissionSplitter()
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                for transmission in splitter.feed(data):
                    out = await answer(sim, faults, transmission)
                    if out is None:
                        writer.transport.abort()  # the injected fault: the connection drops
                        return
                    writer.write(out)
                    await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client went away, or the server is stopping
        except Exception:  # never let one connection take the listener down
            log.exception("tcp: the connection failed")
        finally:
            writer.close()

    return await asyncio.start_server(handle, host, port, **listen)
