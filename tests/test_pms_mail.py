"""PMS activation by e-mail (rulings 23-31): every path of CBP's notice, sent with smtplib
to the SMTP listener; CBP's answer read from the outbox and from the relay (a sink)."""

from __future__ import annotations

import json
import smtplib

import pytest

from abisim import sample
from abisim.mail import outbox
from abisim.server import Server, free_port
from abisim.testing import Harness
from mail_helpers import MANAGER, NOTE, PMS, five106_text, parse, request, send, start_sink
from tests.conftest import AS_OF


@pytest.fixture
def relay():
    sink, controller = start_sink(free_port())
    yield sink, controller.port
    controller.stop()


@pytest.fixture
def cbp(tmp_path, relay):
    harness = Harness(tmp_path / "mail.sqlite3", AS_OF)
    server = Server(harness.simulator, smtp_port=0, mail_relay=f"127.0.0.1:{relay[1]}").start()
    server.sink = relay[0]
    yield server
    server.stop()
    harness.close()


def answer_to(server, msg):
    """CBP's answer to one request: from the outbox, and as the relay received it."""
    rows = [r for r in outbox.messages(server.sim.store, direction="out")
            if parse(r["raw"])["In-Reply-To"] == msg["Message-ID"]]
    assert len(rows) == 1
    rcpts, delivered = server.sink.next()
    assert delivered["Message-ID"] == rows[0]["message_id"]
    return parse(rows[0]["raw"]), rcpts


def lines(answer) -> str:
    return answer.get_body(("plain",)).get_content()


def json_copy(answer) -> dict:
    part = next(p for p in answer.iter_attachments() if p.get_filename() == "activation-answer.json")
    return json.loads(part.get_content())


def test_ctpat_letter_sets_the_switch(cbp):
    msg = request("12-3456789C1", attachments=[("C-TPAT certified letter.pdf", b"%PDF-1.4 letter")])
    send(cbp.smtp_port, msg)
    answer, rcpts = answer_to(cbp, msg)
    assert answer["Subject"] == "Activation Request: 1 set, 0 already set, 0 refused"
    assert answer["From"] == PMS and answer["To"] == "abi@xj5.example.com" and answer["Cc"] is None
    assert rcpts == ["abi@xj5.example.com"]
    assert "12-3456789C1  switch set" in lines(answer)
    assert json_copy(answer)["outcomes"][0]["result"] == 1
    assert cbp.sim.store.pms_switch("12-3456789C1")["filer_code"] == "XJ5"


def test_text_5106_consistent_sets_the_switch_and_copies_the_account_manager(cbp):
    msg = request("12-345678900", cc=[MANAGER], attachments=[("12-345678900.abi", five106_text("12-345678900"))])
    send(cbp.smtp_port, msg)
    answer, rcpts = answer_to(cbp, msg)
    assert answer["Subject"] == "Activation Request: 1 set, 0 already set, 0 refused"
    assert answer["Cc"] == MANAGER and sorted(rcpts) == sorted(["abi@xj5.example.com", MANAGER.lower()])
    assert "5106 compared: attached" in lines(answer) and "Notes:" not in lines(answer)
    # every answer is also a notification
    kinds = [n["kind"] for n in cbp.sim.store.notifications("XJ5")]
    assert kinds == ["pms-activated", "pms-activated-copy", "pms-mail-answer"]


def test_text_5106_inconsistent_is_p02_naming_the_fields_though_the_5106_on_file_is_consistent(cbp):
    wrong = five106_text("12-345678900", mail_address_1="9 WRONG WAY")
    msg = request("12-345678900", cc=[MANAGER], attachments=[("acme-5106.txt", wrong)])
    send(cbp.smtp_port, msg)
    answer, rcpts = answer_to(cbp, msg)
    assert answer["Subject"] == "Activation Request: 0 set, 0 already set, 1 refused"
    assert answer["Cc"] is None and rcpts == ["abi@xj5.example.com"]  # nothing set: no copy
    text = lines(answer)
    assert "12-345678900  refused  P02  5106 DATA INCONSISTENT WITH BOND DATA" in text
    assert "D04 mail_address_1: 5106 '9 WRONG WAY', bond data '100 MAIN ST'" in text
    outcome = json_copy(answer)["outcomes"][0]
    assert outcome["five106"] == "attached"
    assert outcome["discrepancies"] == [{"code": "D04", "field": "mail_address_1", "five106_value": "9 WRONG WAY",
                                         "bond_value": "100 MAIN ST"}]
    assert cbp.sim.store.pms_switch("12-345678900") is None


def test_scanned_5106_compares_the_5106_on_file_and_says_so(cbp):
    msg = request("12-345678900", "12-3456789A1", cc=[MANAGER],
                  attachments=[("5106 12-345678900.pdf", b"%PDF"), ("123456789A1-5106.png", b"\x89PNG")])
    send(cbp.smtp_port, msg)
    answer, _ = answer_to(cbp, msg)
    assert answer["Subject"] == "Activation Request: 1 set, 0 already set, 1 refused"
    text = lines(answer)
    assert "5106 compared: scan; on file compared" in text
    # the 5106 on file for A1 carries the new address, CBP's bond data the old one
    assert "12-3456789A1  refused  P02  5106 ON FILE INCONSISTENT WITH BOND DATA" in text


def test_no_5106_is_p08(cbp):
    msg = request("12-345678900", cc=[MANAGER], attachments=[("notes.txt", b"please hurry")])
    send(cbp.smtp_port, msg)
    answer, _ = answer_to(cbp, msg)
    assert "12-345678900  refused  P08  5106 NOT ATTACHED" in lines(answer)
    assert "the attachment 'notes.txt' holds no 5106 (T1) for any IR number listed" in lines(answer)
    assert json_copy(answer)["outcomes"][0]["condition_code"] == "P08"


def test_no_copy_to_the_account_manager_is_processed_and_said(cbp):
    msg = request("12-345678900", attachments=[("12-345678900.abi", five106_text("12-345678900"))], note=False)
    send(cbp.smtp_port, msg)
    answer, rcpts = answer_to(cbp, msg)
    assert answer["Subject"] == "Activation Request: 1 set, 0 already set, 0 refused"
    text = lines(answer)
    assert f"not copied to the importer's CBP Account Manager ({MANAGER})" in text
    assert NOTE in text and "processed anyway" in text  # the missing note is a warning, too
    assert answer["Cc"] == MANAGER  # the switch is set: CBP copies the manager itself
    assert len(json_copy(answer)["warnings"]) == 2


def test_second_broker_is_told_already_set_without_the_first_brokers_code(cbp):
    first = request("12-3456789C1", attachments=[("ctpat.pdf", b"%PDF")])
    send(cbp.smtp_port, first)
    answer_to(cbp, first)
    second = request("12-3456789C1", sender="abi@sv9.example.com", attachments=[("ctpat.pdf", b"%PDF")])
    send(cbp.smtp_port, second)
    answer, rcpts = answer_to(cbp, second)
    assert answer["Subject"] == "Activation Request: 0 set, 1 already set, 0 refused"
    assert rcpts == ["abi@sv9.example.com"]
    assert f"12-3456789C1  already set  PMS SWITCH ALREADY SET ON {AS_OF.isoformat()}" in lines(answer)
    assert "XJ5" not in answer.as_string()
    assert json_copy(answer)["outcomes"][0]["switch_filer"] is None


def test_unknown_sender_gets_a_reply_and_no_activation(cbp):
    msg = request("12-3456789C1", sender="someone@elsewhere.example", attachments=[("ctpat.pdf", b"%PDF")])
    send(cbp.smtp_port, msg)
    answer, rcpts = answer_to(cbp, msg)
    assert rcpts == ["someone@elsewhere.example"]
    assert "not the e-mail address of any filer" in lines(answer)
    assert cbp.sim.store.pms_switch("12-3456789C1") is None


def test_wrong_subject_gets_a_reply_that_nothing_was_done(cbp):
    msg = request("12-3456789C1", subject="Please activate", attachments=[("ctpat.pdf", b"%PDF")])
    send(cbp.smtp_port, msg)
    answer, _ = answer_to(cbp, msg)
    assert answer["Subject"] == "Re: Please activate"
    assert "Nothing was done" in lines(answer) and "Activation Request" in lines(answer)
    assert cbp.sim.store.pms_switch("12-3456789C1") is None


def test_subject_case_spaces_and_other_mailbox_spellings(cbp):
    msg = request("12-3456789C1", to="PeriodicStatements@DHS.gov", subject="  activation REQUEST ",
                  attachments=[("ctpat.pdf", b"%PDF")])
    send(cbp.smtp_port, msg)
    answer, _ = answer_to(cbp, msg)
    assert answer["Subject"].endswith("1 set, 0 already set, 0 refused")


def test_unknown_recipient_is_refused_at_rcpt(cbp):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as err:
        send(cbp.smtp_port, request("12-3456789C1", to="someone@dhs.gov"))
    assert err.value.recipients["someone@dhs.gov"][0] == 550


def test_questions_are_acknowledged_and_copies_to_managers_recorded(cbp):
    question = request(body="How long does activation take?", to="PMS.Mailbox@dhs.gov", subject="Question")
    send(cbp.smtp_port, question)
    ack, _ = answer_to(cbp, question)
    assert ack["From"] == "PMS.Mailbox@dhs.gov" and "received" in lines(ack)
    copy = request("12-345678900", to=MANAGER)
    send(cbp.smtp_port, copy)
    store = cbp.sim.store
    received = [r for r in outbox.messages(store, direction="in") if r["message_id"] == copy["Message-ID"]]
    assert len(received) == 1 and received[0]["recipients"] == MANAGER.lower()
    assert not [r for r in outbox.messages(store, direction="out") if parse(r["raw"])["In-Reply-To"] == copy["Message-ID"]]


def test_smtp_auth_must_match_from(tmp_path):
    harness = Harness(tmp_path / "auth.sqlite3", AS_OF)
    with Server(harness.simulator, smtp_port=0, smtp_require_auth=True) as server:
        with pytest.raises(smtplib.SMTPSenderRefused):
            send(server.smtp_port, request("12-3456789C1"))  # no AUTH
        with pytest.raises(smtplib.SMTPAuthenticationError):
            send(server.smtp_port, request("12-3456789C1"), login=("XJ5", "wrong"))
        with pytest.raises(smtplib.SMTPDataError):
            send(server.smtp_port, request("12-3456789C1", sender="abi@sv9.example.com"),
                 login=("XJ5", "xj5-sample-token"))
        ok = request("12-3456789C1", attachments=[("ctpat.pdf", b"%PDF")])
        send(server.smtp_port, ok, login=("XJ5", "xj5-sample-token"))
        assert harness.store.pms_switch("12-3456789C1")["filer_code"] == "XJ5"
    harness.close()


def test_relay_down_loses_no_answer(tmp_path):
    port = free_port()  # nothing listens here yet: the relay is down
    harness = Harness(tmp_path / "down.sqlite3", AS_OF)
    with Server(harness.simulator, smtp_port=0, mail_relay=f"127.0.0.1:{port}") as server:
        msg = request("12-3456789C1", attachments=[("ctpat.pdf", b"%PDF")])
        send(server.smtp_port, msg)
        assert server.deliverer.deliver_once() == (0, 1)
        [row] = outbox.messages(harness.store, direction="out")
        assert row["status"] == "queued" and row["attempts"] >= 1 and row["last_error"]
        sink, controller = start_sink(port)  # the relay comes back
        try:
            server.deliverer.kick()
            rcpts, delivered = sink.next()
            assert delivered["In-Reply-To"] == msg["Message-ID"] and rcpts == ["abi@xj5.example.com"]
            assert server.deliverer.deliver_once() == (0, 0)  # nothing left: delivered once
            row = outbox.message(harness.store, row["id"])
            assert row["status"] == "delivered" and row["delivered"]
        finally:
            controller.stop()
    harness.close()


def test_sample_filers_have_the_addresses_of_ruling_24(store):
    assert {f["filer_code"]: store.filer(f["filer_code"])["email"] for f in sample.FILERS} == {
        "XJ5": "abi@xj5.example.com", "SV9": "abi@sv9.example.com", "NP1": "abi@np1.example.com",
        "SB1": "abi@sb1.example.com"}


def test_serve_prints_the_smtp_port_it_got(tmp_path):
    import os
    import subprocess
    import sys

    db = str(tmp_path / "serve.sqlite3")
    proc = subprocess.Popen([sys.executable, "-m", "abisim.cli", "serve", "--db", db, "--sample", "--port", "0",
                             "--smtp-port", "0", "--as-of", AS_OF.isoformat()],
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        for line in proc.stdout:  # ends (and the test fails below) if the server dies
            if "SMTP on" in line:
                port = int(line.rsplit(":", 1)[1])
                break
        else:
            pytest.fail("abisim serve printed no SMTP port")
        assert port != 0
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            assert smtp.noop()[0] == 250
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_mail_command_shows_the_outbox(tmp_path):
    from click.testing import CliRunner

    from abisim.cli import main
    from abisim.mail.handling import MailDesk

    harness = Harness(tmp_path / "cli-mail.sqlite3", AS_OF)
    msg = request("12-3456789C1", attachments=[("ctpat.pdf", b"%PDF")])
    received = MailDesk(harness.simulator).receive(msg.as_bytes(), "abi@xj5.example.com", [PMS])
    assert len(received.answer_ids) == 1
    db = ["--db", str(harness.store.path)]
    listed = CliRunner().invoke(main, ["mail", "--filer", "XJ5", *db])
    assert "Activation Request: 1 set, 0 already set, 0 refused" in listed.output and "[kept]" in listed.output
    raw = CliRunner().invoke(main, ["mail", "--filer", "XJ5", "--raw", *db]).output
    assert parse(raw)["In-Reply-To"] == msg["Message-ID"]
    assert CliRunner().invoke(main, ["mail", "--filer", "SV9", *db]).output == ""
    got = CliRunner().invoke(main, ["mail", "--received", "--json", *db]).output
    assert json.loads(got)["sender"] == "abi@xj5.example.com"
    assert CliRunner().invoke(main, ["serve", "--mail-relay", "nowhere", *db]).exit_code == 2
    harness.close()


def test_the_in_process_harness_takes_mail_too(abisim):
    [answer] = abisim.send_mail(request("12-3456789C1", attachments=[("ctpat.pdf", b"%PDF")]))
    assert answer["Subject"] == "Activation Request: 1 set, 0 already set, 0 refused"
    assert abisim.send_mail(request("12-3456789C1", to="someone@elsewhere.example")) == []


def test_the_sample_request_in_samples_mail(abisim):
    from pathlib import Path

    eml = Path(__file__).resolve().parent.parent / "samples" / "mail" / "activation-request.eml"
    [answer] = abisim.send_mail(parse(eml.read_bytes()))
    assert answer["Subject"] == "Activation Request: 1 set, 0 already set, 0 refused"
    assert answer["In-Reply-To"] == "<activation-request-1@xj5.example.com>" and answer["Cc"] == MANAGER
    assert "Notes:" not in lines(answer)
