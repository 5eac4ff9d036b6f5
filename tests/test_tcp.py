"""Raw TCP: several transmissions on one connection, writes split anywhere, any framing."""

from __future__ import annotations

import socket
from pathlib import Path

from abisim.tcp import TransmissionSplitter

ROOT = Path(__file__).resolve().parent.parent
KI = (ROOT / "samples/answers/ki-magic-2.in.abi").read_bytes()
KR = (ROOT / "samples/answers/ki-magic-2.out.abi").read_bytes()
TP = (ROOT / "samples/answers/tp-voided.in.abi").read_bytes()
TT = (ROOT / "samples/answers/tp-voided.out.abi").read_bytes()


def read_answers(sock: socket.socket, count: int) -> bytes:
    buf = b""
    sock.settimeout(10)
    while buf.count(b"\nZ") + buf.startswith(b"Z") < count or not buf.endswith(b"\n"):
        chunk = sock.recv(65536)
        assert chunk, "connection closed early"
        buf += chunk
    return buf


def test_several_transmissions_on_one_connection_with_split_writes(abisim_server):
    stream = KI + TP + KI
    with socket.create_connection(("127.0.0.1", abisim_server.tcp_port)) as s:
        # split anywhere, even in the middle of a record
        pieces = [stream[:1], stream[1:79], stream[79:161], stream[161:400], stream[400:]]
        for piece in pieces:
            s.sendall(piece)
        answers = read_answers(s, 3)
    assert answers == KR + TT + KR


def test_no_separator_and_crlf_framing(abisim_server):
    flat = KI.replace(b"\n", b"")
    crlf = KI.replace(b"\n", b"\r\n")
    with socket.create_connection(("127.0.0.1", abisim_server.tcp_port)) as s:
        s.sendall(flat)
        first = read_answers(s, 1)
    with socket.create_connection(("127.0.0.1", abisim_server.tcp_port)) as s:
        s.sendall(crlf[:37])
        s.sendall(crlf[37:])
        second = read_answers(s, 1)
    assert first == KR and second == KR


def test_a_wrong_password_gets_the_reject_batch(abisim_server):
    with socket.create_connection(("127.0.0.1", abisim_server.tcp_port)) as s:
        s.sendall(KI.replace(b"PASS01", b"WRONG1"))
        answer = read_answers(s, 1)
    assert b"X1 FX09" in answer and b"X1RF999" in answer


def test_splitter_cuts_at_z_records_only():
    sp = TransmissionSplitter()
    out = []
    for i in range(0, len(KI + KI), 7):
        out += sp.feed((KI + KI)[i:i + 7])
    assert out == [KI, KI]
    assert sp.feed(b"") == [] and sp.records == []
