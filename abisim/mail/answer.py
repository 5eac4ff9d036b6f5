"""CBP's answers as e-mail messages (ruling 28). Pure: outcomes in, a message out.

One answer per request, from the periodic-statement mailbox to the broker, In-Reply-To the
request; the subject counts the results; the body has one line per IR number (and, for a
5106 P02 judged, its discrepancies); a JSON attachment carries the same lines.
"""

from __future__ import annotations

import datetime as dt
import json
from email.message import EmailMessage
from email.utils import format_datetime

from abisim.mail.addresses import PMS_MAILBOX, QUESTIONS_FROM
from abisim.rules import pms

RESULT_WORDS = {pms.RESULT_SET: "switch set", pms.RESULT_ALREADY_SET: "already set",
                pms.RESULT_REFUSED: "refused"}


def _message(sender: str, to: str, subject: str, message_id: str, when: dt.datetime,
             in_reply_to: str | None, cc=()) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    return msg


def subject_of(outcomes) -> str:
    n = {r: sum(1 for o in outcomes if o.result == r) for r in RESULT_WORDS}
    return (f"Activation Request: {n[pms.RESULT_SET]} set, {n[pms.RESULT_ALREADY_SET]} already set, "
            f"{n[pms.RESULT_REFUSED]} refused")


def outcome_lines(o: pms.Outcome) -> list[str]:
    """One line per IR number: result, code, narrative; then what P02 judged and found."""
    line = f"{o.importer_number}  {RESULT_WORDS.get(o.result, o.result)}"
    if o.condition_code:
        line += f"  {o.condition_code}"
    line += f"  {o.narrative}"
    if o.result == pms.RESULT_ALREADY_SET and o.switch_date:
        line += f" ON {o.switch_date.isoformat()}" + (" BY YOU" if o.switch_filer else "")
    lines = [line]
    if o.five106:
        lines.append(f"    5106 compared: {o.five106}")
    for f in o.findings:
        lines.append(f"    {f.code} {f.field}: 5106 {f.tp.value or '(none)'!r}, bond data {f.bond.value or '(none)'!r}")
    return lines


def activation_answer(*, broker: str, request_id: str | None, outcomes, warnings, cc, message_id: str,
                      when: dt.datetime) -> EmailMessage:
    """The answer to an activation request (ruling 28)."""
    msg = _message(PMS_MAILBOX, broker, subject_of(outcomes), message_id, when, request_id, cc)
    body = ["CBP has processed your Periodic Monthly Statement activation request.", ""]
    for o in outcomes:
        body += outcome_lines(o)
    if warnings:
        body += ["", "Notes:"] + [f"  - {w}" for w in warnings]
    msg.set_content("\n".join(body) + "\n")
    doc = {"request": request_id, "outcomes": [o.to_json() for o in outcomes], "warnings": list(warnings)}
    msg.add_attachment(json.dumps(doc, indent=2).encode("utf-8"), maintype="application", subtype="json",
                       filename="activation-answer.json")
    return msg


def nothing_done(*, to: str, subject: str, request_id: str | None, reason: str, message_id: str,
                 when: dt.datetime, sender: str = PMS_MAILBOX) -> EmailMessage:
    """A reply that nothing was done, and why (unknown sender, wrong subject, no numbers)."""
    msg = _message(sender, to, f"Re: {subject}".strip() if subject else "Re: your message", message_id, when,
                   request_id)
    msg.set_content(f"Nothing was done with your message: {reason}\n")
    return msg


def acknowledgment(*, to: str, subject: str, request_id: str | None, message_id: str,
                   when: dt.datetime) -> EmailMessage:
    """The questions mailbox's answer: received, nothing else happens."""
    msg = _message(QUESTIONS_FROM, to, f"Re: {subject}".strip() if subject else "Re: your question", message_id,
                   when, request_id)
    msg.set_content("Your message to the Periodic Monthly Statement mailbox has been received.\n")
    return msg
