"""Helpers for the e-mail tests: a broker's activation message, and an SMTP sink that plays
the relay (a mail catcher) on a free loopback port."""

from __future__ import annotations

import email
import queue
import smtplib
from email import policy
from email.message import EmailMessage

import abisim
from abisim import sample

PMS = "periodicstatement@dhs.gov"
MANAGER = "ACCOUNT.MANAGER.ACME@CBP.EXAMPLE"
NOTE = "Periodic Monthly Statement Activation"


def five106_text(number: str, **changes) -> bytes:
    """The importer's own 5106 as a TP transmission; ``changes`` edit its T1."""
    records = sample.own_5106(number)
    if changes:
        records = [r.replace(**changes) if r.record_id == "T1" else r for r in records]
    return abisim.render(sample.envelope("TP", records))


def request(*numbers, sender="abi@xj5.example.com", to=PMS, cc=(), subject="Activation Request", note=True,
            attachments=(), body=None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Message-ID"] = email.utils.make_msgid(domain="broker.example")
    text = body if body is not None else (f"{NOTE}\n\n" if note else "") + "IR numbers: " + ", ".join(numbers)
    msg.set_content(text + "\n")
    for name, data in attachments:
        maintype, subtype = ("text", "plain") if name.endswith((".abi", ".txt")) else ("application", "octet-stream")
        if maintype == "text":
            msg.add_attachment(data.decode("latin-1"), filename=name)
        else:
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def send(port: int, msg: EmailMessage, *, login: tuple[str, str] | None = None) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        if login:
            smtp.login(*login)
        smtp.send_message(msg)


def parse(raw: str | bytes) -> EmailMessage:
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    return email.message_from_bytes(raw, policy=policy.default)


class Sink:
    """Records every message it receives (envelope recipients and the message)."""

    def __init__(self) -> None:
        self.received: queue.Queue = queue.Queue()

    async def handle_DATA(self, server, session, envelope):
        self.received.put((list(envelope.rcpt_tos), parse(envelope.content)))
        return "250 OK"

    def next(self, timeout: float = 20):
        return self.received.get(timeout=timeout)


def start_sink(port: int):
    from aiosmtpd.controller import Controller

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return sink, controller
