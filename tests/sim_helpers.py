"""Small helpers for simulator tests: build transmissions, read answers."""

from __future__ import annotations

import socket

import abisim
from abisim.layouts import layout_set
from abisim.sample import envelope

LS = layout_set()


def rec(record_id: str, **values):
    return abisim.make(LS[record_id], **values)


def ki(*numbers: str, address: bool = False, filer: str = "XJ5", **kw) -> bytes:
    values = {}
    for n, number in enumerate(numbers, start=1):
        values[f"importer_number_{n}"] = number
        values[f"address_request_{n}"] = "1" if address else None
    return abisim.render(envelope("KI", [rec("K", **values)], filer, **kw))


def transmission(app: str, details, filer: str = "XJ5", **kw) -> bytes:
    return abisim.render(envelope(app, list(details), filer, **kw))


def answer(data: bytes):
    """Parse an answer, asserting it is a clean transmission."""
    t = abisim.parse(data)
    assert t.ok, [e.located() for e in t.errors]
    return t


def details(data: bytes) -> list:
    return [r for b in answer(data).blocks for r in b.details]


def ids(records) -> list[str]:
    return [r.record_id for r in records]


def rejected(data: bytes) -> list[str]:
    """The X1 condition codes of a rejected batch (empty when accepted)."""
    recs = details(data)
    if not any(r.record_id == "X1" and r.condition_code == "999" for r in recs):
        return []
    return [r.condition_code for r in recs if r.record_id == "X1" and r.condition_code != "999"]


def read_answer(s: socket.socket) -> bytes:
    """One answer transmission from a TCP connection: up to and including its Z line."""
    buf = b""
    while not (buf.endswith(b"\n") and (buf.startswith(b"Z") or b"\nZ" in buf)):
        chunk = s.recv(65536)
        assert chunk, f"connection closed early: {buf!r}"
        buf += chunk
    return buf
