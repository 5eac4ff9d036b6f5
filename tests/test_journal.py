"""The journal: every exchange on every channel, faulted ones included, one row each, with
channel, status and timing; never a password; bounded; cleared; read back by `abisim journal`."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import sqlite3
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from abisim.cli import main
from abisim.journal import JournalPolicy, blank_passwords
from abisim.store import MIGRATIONS, Store

ROOT = Path(__file__).resolve().parent.parent
KI = (ROOT / "samples/answers/ki-magic-2.in.abi").read_bytes()
TP = (ROOT / "samples/answers/tp-voided.in.abi").read_bytes()
PASSWORD = b"PASS01"


def tcp_exchange(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.settimeout(10)
        s.sendall(data)
        buf = b""
        while not (buf.startswith(b"Z") or b"\nZ" in buf) or not buf.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                return buf
            buf += chunk
        return buf


@given(st.lists(st.text(alphabet="AKBYZ0123456789 PASWORD", min_size=0, max_size=90), max_size=6),
       st.sampled_from([b"\n", b"\r\n", b""]))
def test_every_a_record_loses_its_password_and_nothing_else(lines, sep):
    records = [line.encode().ljust(80)[:80] if sep == b"" else line.encode() for line in lines]
    data = sep.join(records)
    out = blank_passwords(data)
    assert len(out) == len(data)
    framed = out.split(b"\n") if b"\n" in data else [out[i:i + 80] for i in range(0, len(out), 80)]
    original = data.split(b"\n") if b"\n" in data else [data[i:i + 80] for i in range(0, len(data), 80)]
    for before, after in zip(original, framed):
        if before[:1] == b"A":
            assert after[8:14].strip() == b"" and after[:8] + after[14:] == before[:8] + before[14:]
        else:
            assert after == before


def test_every_channel_journals_one_row_per_exchange_without_the_password(abisim_server, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="abisim.access")
    httpx.post(abisim_server.url + "/v1/transmissions", content=KI, headers=abisim_server.headers("XJ5"))
    tcp_exchange(abisim_server.tcp_port, TP)
    abisim_server.harness.submit(KI)
    # the CLI, on the same database
    path = tmp_path / "ki.abi"
    path.write_bytes(KI)
    result = CliRunner().invoke(main, ["submit", str(path), "--db", abisim_server.harness.store.path,
                                       "--as-of", "2026-11-25"])
    assert result.exit_code == 0, result.output
    rows = sorted(abisim_server.exchanges(), key=lambda r: r["received"])  # two writers: by time, not id
    assert [(r["channel"], r["application_id"], r["answer_application_id"], r["status"]) for r in rows] == [
        ("http", "KI", "KR", "accepted"), ("tcp", "TP", "TT", "accepted"),
        ("python", "KI", "KR", "accepted"), ("cli", "KI", "KR", "accepted")]
    for r in rows:
        assert r["filer_code"] == "XJ5" and r["ms"] > 0 and r["request_bytes"] > 0 and r["answer_bytes"] > 0
        assert "PASS01" not in r["request"] and r["request"].startswith("A3901XJ5      ")
    access = [rec.getMessage() for rec in caplog.records if rec.name == "abisim.access"]
    assert any(line.startswith("http filer=XJ5 app=KI status=accepted ms=") for line in access)
    assert any(line.startswith("tcp filer=XJ5 app=TP status=accepted ms=") for line in access)
    assert not any("PASS01" in line for line in access)


def test_a_faulted_exchange_over_tcp_is_journaled(abisim_server):
    admin = abisim_server.admin_headers
    r = httpx.put(abisim_server.url + "/v1/admin/faults", json={"reject_code": "X13", "count": 1}, headers=admin)
    assert r.status_code == 200
    answer = tcp_exchange(abisim_server.tcp_port, KI)
    assert b"X1 FX13" in answer and b"X1RF999" in answer  # the fault's reject, over TCP
    assert b"K1" in tcp_exchange(abisim_server.tcp_port, KI)  # count 1: the next one is answered
    [faulted] = abisim_server.assert_exchanges(1, channel="tcp", status="rejected")
    assert faulted["fault"] == "reject X13" and faulted["filer_code"] == "XJ5"
    assert "PASS01" not in faulted["request"]
    abisim_server.assert_exchanges(1, channel="tcp", status="accepted", fault=None)


def test_dropped_connections_and_latency_are_journaled_on_both_channels(abisim_server):
    admin = abisim_server.admin_headers
    httpx.put(abisim_server.url + "/v1/admin/faults", json={"drop_connection": True, "count": 2}, headers=admin)
    assert tcp_exchange(abisim_server.tcp_port, KI) == b""
    with pytest.raises(httpx.HTTPError):
        httpx.post(abisim_server.url + "/v1/transmissions", content=KI, headers=abisim_server.headers("XJ5"))
    httpx.put(abisim_server.url + "/v1/admin/faults", json={"latency_ms": 30, "count": 1}, headers=admin)
    tcp_exchange(abisim_server.tcp_port, KI)
    assert {r["channel"] for r in abisim_server.assert_exchanges(2, status="dropped", fault="drop")} == {"tcp", "http"}
    [slow] = abisim_server.assert_exchanges(1, fault="latency 30ms")
    assert slow["status"] == "accepted" and slow["ms"] >= 30


def test_delete_clears_the_journal(abisim_server):
    httpx.post(abisim_server.url + "/v1/transmissions", content=KI, headers=abisim_server.headers("XJ5"))
    r = httpx.delete(abisim_server.url + "/v1/admin/journal", headers=abisim_server.admin_headers)
    assert r.json() == {"deleted": 1}
    assert abisim_server.exchanges() == []
    assert httpx.delete(abisim_server.url + "/v1/admin/journal",
                        headers=abisim_server.headers("XJ5")).status_code == 403


def test_the_verification_helper_says_what_the_journal_holds(abisim):
    abisim.query("12-345678900")
    abisim.assert_exchanges(1, application="KI", filer="XJ5", status="accepted")
    with pytest.raises(AssertionError, match=r"(?s)expected 1 exchange.*found 0.*python filer=XJ5 app=KI"):
        abisim.assert_exchanges(1, channel="tcp")


def test_body_policies_and_limits(store):
    from abisim.clock import fixed
    from abisim.simulator import Simulator

    bad = KI.replace(b"PASS01", b"WRONG1")
    errors_only = Simulator(store, fixed(dt.date(2026, 11, 25)), journal=JournalPolicy("errors"))
    errors_only.submit(KI)
    errors_only.submit(bad)
    ok, rejected = store.journal()
    assert ok["request"] is None and ok["answer"] is None and ok["status"] == "accepted"
    assert rejected["status"] == "rejected" and "WRONG1" not in rejected["request"] and "999" in rejected["answer"]

    store.journal_clear()
    small = Simulator(store, fixed(dt.date(2026, 11, 25)), journal=JournalPolicy("keep", max_rows=10, max_body=100))
    for _ in range(200):
        small.submit(KI)
    rows = store.journal()
    assert len(rows) < 10 + 64  # pruned as it goes: never more than max_rows plus one batch
    assert all(len(r["request"]) == 100 and r["request_bytes"] == len(KI) for r in rows)

    store.journal_clear()
    Simulator(store, fixed(dt.date(2026, 11, 25)), journal=JournalPolicy("none")).submit(bad)
    [row] = store.journal()
    assert row["request"] is None and row["status"] == "rejected"


def test_abisim_journal_command(tmp_path):
    db = str(tmp_path / "j.sqlite3")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "init", "--sample", "--db", db]).exit_code == 0
    assert runner.invoke(main, ["query", "--db", db, "12-345678900"]).exit_code == 0
    assert runner.invoke(main, ["query", "--db", db, "--filer", "SV9", "12-345678900"]).exit_code == 0
    rows = [json.loads(line) for line in runner.invoke(main, ["journal", "--db", db, "--json"]).output.splitlines()]
    assert [(r["channel"], r["filer_code"], r["status"]) for r in rows] == [("cli", "XJ5", "accepted"),
                                                                          ("cli", "SV9", "accepted")]
    text = runner.invoke(main, ["journal", "--db", db, "--filer", "SV9"]).output.splitlines()
    assert len(text) == 1 and " cli " in text[0] and " SV9 " in text[0] and "KI>KR" in text[0]
    assert runner.invoke(main, ["journal", "--db", db, "--since", "1h"]).output.count("\n") == 2
    assert runner.invoke(main, ["journal", "--db", db, "--since", "2999-01-01"]).output == ""
    assert runner.invoke(main, ["journal", "--db", db, "--since", "soon"]).exit_code == 2
    assert runner.invoke(main, ["journal", "--db", db, "--clear"]).output == "2 exchanges deleted\n"


def test_a_version_1_database_migrates_its_journal(tmp_path):
    path = tmp_path / "v1.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + ";\nINSERT INTO meta VALUES ('schema_version', '1');"
                       "INSERT INTO journal (received, as_of, direction, body) VALUES ('x', 'y', 'in', 'A...');")
    conn.close()
    store = Store(path)
    columns = [d[0] for d in store.conn.execute("SELECT * FROM journal").description]
    assert store.journal() == [] and {"channel", "status", "ms", "request", "answer"} <= set(columns)


def test_served_queries_are_journaled_in_batches_that_keep_the_order(store):
    from abisim.clock import fixed
    from abisim.simulator import Simulator

    sim = Simulator(store, fixed(dt.date(2026, 11, 25)))
    sim.journal.batched = True  # as `abisim serve` does
    count = lambda: store.conn.execute("SELECT COUNT(*) FROM journal").fetchone()[0]  # noqa: E731
    sim.submit(KI)
    sim.submit(KI)
    assert count() == 0  # waiting for their batch
    sim.submit(TP)  # a transmission that changes data: the batch goes first, then its own row
    assert [r["application_id"] for r in store.conn.execute("SELECT application_id FROM journal ORDER BY id")] \
        == ["KI", "KI", "TP"]
    sim.submit(KI)
    assert len(store.journal()) == 4  # a read sees every exchange
    for _ in range(store.JOURNAL_BATCH):
        sim.submit(KI)
    assert count() >= 4 + store.JOURNAL_BATCH - 1  # a full batch is written without a read


def test_e_mail_is_journaled_without_the_passwords_of_attached_transmissions(abisim):
    from email.message import EmailMessage

    from abisim.mail.addresses import PMS_MAILBOX

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "abi@xj5.example.com", PMS_MAILBOX, "Activation Request"
    msg.set_content("Periodic Monthly Statement Activation\n\nPlease activate 12-3456789A1\n" + KI.decode())
    msg.add_attachment(TP.decode("latin-1"), filename="12-3456789A1.abi")
    assert abisim.send_mail(msg)
    [row] = abisim.assert_exchanges(1, channel="email", filer="XJ5", status="accepted")
    assert "PASS01" not in row["request"] and "PASS01" not in (row["answer"] or "")
    assert "Subject: Activation Request" in row["request"] and "[attachment 12-3456789A1.abi, " in row["request"]
    assert "Periodic Monthly Statement Activation" in row["request"] and row["answer"].startswith("From: ")
