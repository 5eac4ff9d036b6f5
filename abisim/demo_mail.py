"""The e-mail part of ``make demo``: the same activation, the way CBP's notice runs it. A
broker's mail software sends the request with smtplib to abisim's SMTP listener; CBP's
answer is read back from the outbox."""

from __future__ import annotations

import smtplib
import textwrap
from email import message_from_string, policy
from email.message import EmailMessage

import abisim
from abisim import sample
from abisim.mail import outbox
from abisim.mail.addresses import PMS_MAILBOX

IMPORTER = "12-345678900"
MANAGER = "ACCOUNT.MANAGER.ACME@CBP.EXAMPLE"


def _say(step: str, text: str) -> None:
    print(f"\n== {step}")
    print(textwrap.fill(text, width=92))


def _request(sender: str, numbers: str, attach_5106: bool, cc: str | None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, PMS_MAILBOX, "Activation Request"
    if cc:
        msg["Cc"] = cc
    msg.set_content(f"Periodic Monthly Statement Activation\n\nPlease activate: {numbers}\n")
    if attach_5106:
        five106 = abisim.render(sample.envelope("TP", sample.own_5106(IMPORTER)))
        msg.add_attachment(five106.decode("latin-1"), filename=f"{IMPORTER}.abi")
    return msg


def _show_answer(store, request: EmailMessage) -> None:
    for row in outbox.messages(store, direction="out"):
        answer = message_from_string(row["raw"], policy=policy.default)
        if answer["In-Reply-To"] != request["Message-ID"]:
            continue
        for header in ("From", "To", "Cc", "Subject", "In-Reply-To"):
            if answer[header]:
                print(f"   |{header}: {answer[header]}")
        print("   |")
        for line in answer.get_body(("plain",)).get_content().splitlines():
            print("   |" + line)
        names = [p.get_filename() for p in answer.iter_attachments()]
        print(f"   |[attached: {', '.join(names)}]  (outbox status: {row['status']})")


def tell_by_email(sim, step: int = 12) -> None:
    """Steps ``step`` on: activation requests e-mailed to the listener, answers from the outbox."""
    from abisim.server import Server

    with Server(sim, smtp_port=0) as server:
        _say(f"{step}. The same process by e-mail", f"abisim also plays CBP's mailboxes: an SMTP listener (here "
             f"on 127.0.0.1:{server.smtp_port}) takes mail for {PMS_MAILBOX}. Broker XJ5's mail software sends "
             f"an \"Activation Request\" for {IMPORTER} with the importer's 5106 attached (a TP transmission), "
             "copied to the importer's CBP Account Manager.")
        first = _request("abi@xj5.example.com", IMPORTER, True, MANAGER)
        first["Message-ID"] = "<demo-1@xj5.example.com>"
        with smtplib.SMTP("127.0.0.1", server.smtp_port) as smtp:
            smtp.send_message(first)
        _say(f"{step + 1}. CBP's answer, from the outbox", "CBP judged the attached 5106, set the switch, and "
             "answered the broker with a copy to the Account Manager (abisim mail --filer XJ5 shows it too).")
        _show_answer(sim.store, first)

        second = _request("abi@sv9.example.com", f"{IMPORTER} and 12-3456789B1", True, None)
        second["Message-ID"] = "<demo-2@sv9.example.com>"
        with smtplib.SMTP("127.0.0.1", server.smtp_port) as smtp:
            smtp.send_message(second)
        _say(f"{step + 2}. A second broker, by e-mail", "SV9 asks for the same importer and for one with no "
             "bond, forgetting the copy to the Account Manager: it is told the switch is already set (with the "
             "date, never the other broker's code), the other number is refused, and the missing copy is noted.")
        _show_answer(sim.store, second)
