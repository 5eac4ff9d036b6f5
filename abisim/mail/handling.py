"""CBP's mail desk: one message in; the activation, the answer in the outbox, and the
notification out (rulings 23-30). The rules are those of every channel: each IR number
goes through :func:`abisim.rules.pms.activate`.
"""

from __future__ import annotations

import datetime as dt
import email
import time
from email import policy
from typing import Callable

import attrs

from abisim.mail import answer, outbox
from abisim.mail.addresses import PMS_MAILBOX, PMS_MAILBOXES, QUESTIONS_FROM, QUESTIONS_MAILBOX, normal
from abisim.mail.request import MAX_NUMBERS, MailRequest, read
from abisim.rules import pms


def is_account_manager(store, address: str) -> bool:
    return store.conn.execute("SELECT 1 FROM importers WHERE account_manager_email = ? COLLATE NOCASE LIMIT 1",
                              (normal(address),)).fetchone() is not None


def accepts(store, address: str) -> bool:
    """Ruling 23: CBP's mailboxes, and any CBP Account Manager on file."""
    a = normal(address)
    return a in PMS_MAILBOXES or a == QUESTIONS_MAILBOX or is_account_manager(store, a)


@attrs.frozen
class Received:
    inbound_id: int
    answer_ids: tuple[int, ...]


class MailDesk:
    """Turns received messages into activations and answers. ``lock`` is the simulator's:
    a message is handled as one transmission is, one at a time per process."""

    def __init__(self, sim, *, queue: bool = False, on_answer: Callable[[], None] | None = None) -> None:
        self.sim = sim
        self.store = sim.store
        self.queue = queue  # answers wait for a relay
        self.on_answer = on_answer
        self.lock = sim.lock

    def receive(self, data: bytes, envelope_from: str | None, rcpt_tos) -> Received:
        """One message as the listener accepted it (SMTP AUTH, if any, already checked)."""
        started = time.perf_counter()
        msg = email.message_from_bytes(data, policy=policy.default)
        rcpts = [normal(r) for r in rcpt_tos]
        request = read(msg, envelope_from)
        store = self.store
        with self.lock, store.transaction():
            filer = store.filer_by_email(request.sender) if request.sender else None
            inbound = outbox.add(store, direction="in", raw=data.decode("utf-8", errors="replace"),
                                 sender=request.sender, recipients=rcpts or request.recipients,
                                 subject=request.subject, message_id=request.message_id,
                                 filer_code=filer["filer_code"] if filer is not None else None)
            answers = []
            if not request.sender:
                pass  # no address to answer: the message is recorded only
            elif any(r in PMS_MAILBOXES for r in rcpts):
                answers.append(self._activation(request, filer))
            elif QUESTIONS_MAILBOX in rcpts:
                answers.append(self._store_answer(answer.acknowledgment(
                    to=request.sender, subject=request.subject, request_id=request.message_id,
                    message_id=self._message_id(), when=_now()), filer, QUESTIONS_FROM))
            # mail only to Account Managers: the copy is recorded, nothing is answered
            first = outbox.message(store, answers[0]) if answers else None
            self.sim.journal.record(  # the e-mail channel's exchange, in the same transaction
                channel="email", request=data, answer=first["raw"].encode("utf-8") if first is not None else None,
                ms=(time.perf_counter() - started) * 1000, as_of=self.sim.as_of, changed_data=True,
                filer_code=filer["filer_code"] if filer is not None else None)
        if answers and self.on_answer is not None:
            self.on_answer()
        return Received(inbound, tuple(answers))

    # -- the periodic-statement mailbox
    def _activation(self, request: MailRequest, filer) -> int:
        def refuse(reason: str) -> int:
            return self._store_answer(answer.nothing_done(
                to=request.sender, subject=request.subject, request_id=request.message_id, reason=reason,
                message_id=self._message_id(), when=_now()), filer, PMS_MAILBOX)

        if filer is None:
            return refuse(f"{request.sender or 'the sender'} is not the e-mail address of any filer on file "
                          "with CBP; no activation was made.")
        if not request.subject_ok:
            return refuse(f"the subject must read \"Activation Request\", not {request.subject!r}.")
        if not request.numbers:
            return refuse("the message lists no IR number (NN-NNNNNNNXX, NNN-NN-NNNN or YYDDPP-NNNNN).")
        if len(request.numbers) > MAX_NUMBERS:
            return refuse(f"the message lists {len(request.numbers)} IR numbers; at most {MAX_NUMBERS} "
                          "may be sent in one request.")
        store, as_of, code = self.store, self.sim.as_of, filer["filer_code"]
        outcomes, warnings, cc = [], [], []
        if not request.has_note:
            warnings.append("the request does not carry the note \"Periodic Monthly Statement Activation\"; "
                            "it was processed anyway.")
        for name in request.unread:
            warnings.append(f"the attachment {name!r} holds no 5106 (T1) for any IR number listed.")
        for number in request.numbers:
            outcome = pms.activate(store, code, number, request.payment_type, request.path, as_of,
                                   five106=request.five106s.get(number), scan=number in request.scans,
                                   require_5106=request.path == "N")
            outcomes.append(outcome)
            importer = store.importer(number)
            manager = importer["account_manager_email"] if importer is not None else None
            if manager:
                if normal(manager) not in request.recipients:
                    warnings.append(f"{number}: the request was not copied to the importer's CBP Account "
                                    f"Manager ({manager}); it was processed anyway.")
                if outcome.result == pms.RESULT_SET and manager not in cc:
                    cc.append(manager)
        msg = answer.activation_answer(broker=request.sender, request_id=request.message_id, outcomes=outcomes,
                                       warnings=warnings, cc=cc, message_id=self._message_id(), when=_now())
        return self._store_answer(msg, filer, PMS_MAILBOX)

    def _store_answer(self, msg, filer, sender: str) -> int:
        """The answer in the outbox, and as a notification (ruling 28)."""
        from abisim.mail.addresses import addresses_in

        store = self.store
        recipients = addresses_in(*msg.get_all("To", []), *msg.get_all("Cc", []))
        code = filer["filer_code"] if filer is not None else None
        mail_id = outbox.add(store, direction="out", raw=msg.as_string(), sender=sender, recipients=recipients,
                             subject=str(msg["Subject"]), message_id=str(msg["Message-ID"]), filer_code=code,
                             queue=self.queue)
        store.notify(code, code or recipients[0], "pms-mail-answer", None,
                     f"{msg['Subject']} (mail {mail_id} to {', '.join(recipients)})", self.sim.as_of)
        return mail_id

    def _message_id(self) -> str:
        return f"<pms-{self.store.next_counter('mail-message-id')}@abisim.dhs.gov>"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
