"""Helpers for broker-software test harnesses: build transmissions, read CBP's answers.
The pytest plugin (abisim.pytest_plugin) hands these out as fixtures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs

import abisim
from abisim import build, fixtures, sample
from abisim.clock import Clock
from abisim.journal import access_line, matches
from abisim.layouts import layout_set
from abisim.records import Record, make
from abisim.simulator import Simulator
from abisim.store import Store

DEFAULT_AS_OF = dt.date(2026, 11, 25)
_ALIASES = {"filer": "filer_code", "application": "application_id"}


@attrs.frozen
class Answer:
    """CBP's answer to one transmission."""

    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("latin-1")

    @property
    def transmission(self):
        return abisim.parse(self.data)

    @property
    def details(self) -> list[Record]:
        return [r for b in self.transmission.blocks for r in b.details]

    def records(self, record_id: str) -> list[Record]:
        return [r for r in self.details if r.record_id == record_id]

    @property
    def rejected(self) -> bool:
        """CBP rejected the whole batch (999 BATCH REJECTED)."""
        return any(r.condition_code == "999" for r in self.records("X1"))

    @property
    def conditions(self) -> list[str]:
        """The condition codes: X1 of a reject, E1 of a 5106 answer, 90 of an eBond answer, P9 refusals."""
        out = []
        for r in self.details:
            if r.record_id in ("X1", "E1", "90") and r.condition_code != "999":
                out.append(r.condition_code)
            elif r.record_id == "P9" and r.condition_code:
                out.append(r.condition_code)
        return out

    @property
    def refusals(self) -> list[str]:
        """Condition codes of the records an application refused (the batch was accepted):
        a 5106 or eBond refused (disposition R), a legacy T3 error, a PMS activation refused."""
        out = []
        for r in self.details:
            if getattr(r, "disposition", None) == "R" and r.record_id in ("E1", "90"):
                out.append(r.condition_code)
            elif r.record_id == "T3" or (r.record_id == "P9" and r.result != 1 and r.condition_code):
                out.append(getattr(r, "condition_code", None) or r.record_id)
        return out

    @property
    def k1_results(self) -> dict[str, int]:
        """Importer number -> K1 query result code (0-4)."""
        return {r.importer_number: r.result_code for r in self.records("K1")}


def assert_accepted(answer: Answer) -> Answer:
    assert not answer.rejected, f"CBP rejected the batch: {answer.conditions}\n{answer.text}"
    return answer


def assert_rejected(answer: Answer, code: str | None = None) -> Answer:
    assert answer.rejected, f"CBP accepted the batch:\n{answer.text}"
    if code is not None:
        assert code in answer.conditions, f"{code} not among {answer.conditions}"
    return answer


class Harness:
    """An in-process simulated CBP on its own database, loaded with the sample data."""

    def __init__(self, db: str | Path, as_of: dt.date = DEFAULT_AS_OF, *, sample_data: bool = True) -> None:
        self.clock = Clock(as_of)
        self.simulator = Simulator(Store(db), self.clock)
        self.layouts = layout_set()
        if sample_data:
            fixtures.load(self.store, sample.fixture(as_of))

    @property
    def store(self) -> Store:
        return self.simulator.store

    def record(self, record_id: str, **values) -> Record:
        return make(self.layouts[record_id], **values)

    def transmission(self, app: str, details, filer: str = "XJ5", **kw) -> bytes:
        """A transmission from a filer on file (its site and password, unless given)."""
        row = self.store.filer(filer)
        if row is not None:
            kw.setdefault("password", row["password"])
            kw.setdefault("site", (row["sites"] or "3901").split(",")[0])
        return abisim.render(sample.envelope(app, list(details), filer, **kw))

    def submit(self, data: bytes | str | list) -> Answer:
        if isinstance(data, list):
            data = abisim.render(data)
        return Answer(self.simulator.submit(data))

    def query(self, *numbers: str, address: bool = False, filer: str = "XJ5") -> Answer:
        """Bond queries; more than six numbers go in several transmissions (answers joined)."""
        answers = [self.submit(self.transmission("KI", [k], filer))
                   for k in build.k_records(numbers, address, self.layouts)]
        return answers[0] if len(answers) == 1 else Answer(b"".join(a.data for a in answers))

    def activate(self, *numbers: str, filer: str = "XJ5", ctpat: bool = False, payment: str = "D") -> Answer:
        p1s = build.p1_records(numbers, payment_type=payment, ctpat=ctpat, layouts=self.layouts)
        return self.submit(self.transmission("XP", p1s, filer))

    def send_mail(self, message) -> list:
        """One e-mail to CBP's mailboxes, in-process (the SMTP listener's work without the
        socket; docs/pms.md): CBP's answers, as email.message.EmailMessage objects."""
        from email import message_from_string, policy

        from abisim.mail import outbox
        from abisim.mail.addresses import addresses_in
        from abisim.mail.handling import MailDesk, accepts

        rcpts = [a for a in addresses_in(*message.get_all("To", []), *message.get_all("Cc", []))
                 if accepts(self.store, a)]
        if not rcpts:
            return []  # the listener would refuse every recipient at RCPT
        received = MailDesk(self.simulator).receive(message.as_bytes(), None, rcpts)
        return [message_from_string(outbox.message(self.store, i)["raw"], policy=policy.default)
                for i in received.answer_ids]

    def load(self, doc) -> dict:
        return fixtures.load(self.store, doc)

    def reset(self, as_of: dt.date | None = None, *, sample_data: bool = True) -> None:
        """Back to a fresh database (the sample data, unless told), journal empty, at ``as_of``."""
        if as_of is not None:
            self.clock.set(as_of)
        self.store.reset()
        if sample_data:
            fixtures.load(self.store, sample.fixture(self.clock.today()))

    # -- verification: the journal of every exchange, on every channel
    def exchanges(self, **filters) -> list[dict]:
        """The journaled exchanges with every given value, oldest first. Filters name the
        journal's columns (docs/http.md), with ``filer`` and ``application`` as short forms:
        ``exchanges(channel="tcp", status="rejected", filer="XJ5")``."""
        filters = {_ALIASES.get(k, k): v for k, v in filters.items()}
        return [dict(r) for r in self.store.journal(limit=10_000_000) if matches(r, **filters)]

    def assert_exchanges(self, count: int | None = None, **filters) -> list[dict]:
        """Assert how many exchanges match (default: at least one); returns them."""
        found = self.exchanges(**filters)
        if (count is None and not found) or (count is not None and len(found) != count):
            journal = "\n".join(access_line(r) for r in self.exchanges()) or "(the journal is empty)"
            want = "at least 1" if count is None else str(count)
            raise AssertionError(f"expected {want} exchange(s) matching {filters}, found {len(found)}; "
                                 f"the journal:\n{journal}")
        return found

    def clear_journal(self) -> int:
        return self.store.journal_clear()

    def close(self) -> None:
        self.store.close()
