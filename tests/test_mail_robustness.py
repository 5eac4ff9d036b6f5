"""A message of any shape never crashes CBP's mail desk: it is recorded, and a request from a
filer is answered with one message (or none when there is no address to answer)."""

from __future__ import annotations

import email
from email import policy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abisim.mail import outbox
from abisim.mail.handling import MailDesk
from abisim.mail.request import numbers_in

SETTINGS = settings(max_examples=25, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

header_text = st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=0x2FF), max_size=60)


@pytest.fixture(scope="module")
def desk():
    from abisim import fixtures, sample
    from abisim.clock import fixed
    from abisim.simulator import Simulator
    from abisim.store import Store
    from tests.conftest import AS_OF

    store = Store(":memory:")  # no disk: many messages, quickly
    fixtures.load(store, sample.fixture(AS_OF))
    return MailDesk(Simulator(store, fixed(AS_OF)))


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes(desk, data):
    received = desk.receive(data, "abi@xj5.example.com", ["periodicstatement@dhs.gov"])
    assert len(received.answer_ids) <= 1
    assert outbox.message(desk.store, received.inbound_id)["direction"] == "in"


@SETTINGS
@given(subject=header_text, body=st.text(max_size=300), message_id=header_text,
       names=st.lists(header_text, max_size=3))
def test_odd_headers_bodies_and_file_names(desk, subject, body, message_id, names):
    parts = [f"--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; "
             f"filename=\"{name}\"\r\n\r\nabc\r\n" for name in names]
    raw = (f"From: abi@xj5.example.com\r\nTo: periodicstatement@dhs.gov\r\nSubject: {subject}\r\n"
           f"Message-ID: {message_id}\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
           f"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n" + "".join(parts) + "--XX--\r\n")
    received = desk.receive(raw.encode("utf-8", errors="replace"), None, ["periodicstatement@dhs.gov"])
    assert len(received.answer_ids) == 1


def test_encoded_line_breaks_in_headers_stay_out_of_the_answer(desk):
    raw = (b"From: abi@xj5.example.com\r\nTo: periodicstatement@dhs.gov\r\n"
           b"Subject: =?utf-8?q?Activation=0ARequest?=\r\nMessage-ID: =?utf-8?q?<a=0Db>?=\r\n\r\n12-3456789C1\r\n")
    received = desk.receive(raw, None, ["periodicstatement@dhs.gov"])
    [row] = [outbox.message(desk.store, i) for i in received.answer_ids]
    answer = email.message_from_string(row["raw"], policy=policy.default)
    assert answer["Subject"] == "Activation Request: 0 set, 0 already set, 1 refused"  # P08: no letter
    assert answer["In-Reply-To"] == "<a b>"


@pytest.mark.parametrize("text, numbers", [
    ("12-3456789C1, 123-45-6789;193901-14596", ["12-3456789C1", "123-45-6789", "193901-14596"]),
    ("IR#12-3456789c1/12-3456789C1", ["12-3456789C1"]),
    ("phone 312-555-0100, date 2026-11-25, 112-3456789C1, 12-3456789C12", []),
])
def test_numbers_in_a_body(text, numbers):
    assert numbers_in(text) == numbers
