"""The simulated CBP: one transmission in, CBP's answer out.

``Simulator.submit(bytes) -> bytes`` parses, checks the envelope and the sender's
authorization, applies each block's application rules in ONE database transaction, and
renders the answer. The journal rows of the exchange are part of that transaction, so a
failure half-way leaves nothing behind. A transmission that changes data is on disk
before its answer is returned (WAL, synchronous=FULL); a bond query, which changes no CBP
data, commits its journal rows without waiting for the disk (synchronous=NORMAL).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from typing import Callable

import attrs

from abisim.clock import Clock
from abisim.errors import X_CODES, RecordError, narrative
from abisim.layouts import LayoutSet, layout_set
from abisim.records import Record, make
from abisim.rules import bond_query, ebond, importer, legacy_ti, pms
from abisim.store import Store
from abisim.transmission import Block, Transmission, parse, render

TEST_MODE_PASSWORD = "TEST00"

# Input application -> (answer application, rule answering one block).
APPLICATIONS: dict[str, tuple[str, Callable]] = {
    "KI": ("KR", bond_query.answer_block),
    "TP": ("TT", importer.answer_block),
    "TI": ("TR", legacy_ti.answer_block),  # legacy (ruling 5)
    "CB": ("CX", ebond.answer_block),
    "XP": ("XQ", pms.answer_block),
}


@attrs.frozen
class Context:
    """What a rule may know about the transmission it answers."""

    store: Store
    as_of: dt.date
    layouts: LayoutSet
    filer_code: str
    port: str
    test_mode: bool
    errors: tuple[RecordError, ...]  # non-envelope errors of this block's records
    notes: list[str] = attrs.field(factory=list, eq=False)  # what the answer could not carry (journal)

    def errors_of(self, record: Record) -> list[RecordError]:
        return [e for e in self.errors if e.line == record.line and e.is_fatal]


class Simulator:
    """CBP's side of ABI over a database. Thread-safe: one SQLite connection per thread."""

    def __init__(self, db: Store | str | os.PathLike | None = None, clock: Clock | None = None,
                 layouts: str | LayoutSet | None = None, *, lenient: bool = False) -> None:
        self.store = db if isinstance(db, Store) else Store.open(db)
        self.lenient = lenient  # ruling 6: a short last record is padded, with a warning, not X42
        self.clock = clock or Clock()
        self.layouts = layouts if isinstance(layouts, LayoutSet) else layout_set(layouts)
        # One transmission at a time per process: threads queue here instead of in
        # SQLite's busy handler, which sleeps (long latency tails under load).
        self._lock = threading.Lock()

    @property
    def as_of(self) -> dt.date:
        return self.clock.today()

    def submit(self, data: bytes | str, *, filer_code: str | None = None) -> bytes:
        """Answer one transmission. ``filer_code``, when given, is the authenticated
        filer (the HTTP server's bearer token): A and B must name it (else X09/X17)."""
        if isinstance(data, str):
            data = data.encode("latin-1", errors="replace")
        transmission = parse(data, layouts=self.layouts, lenient=self.lenient)
        as_of = self.as_of
        batch_a = _first_a(transmission)
        test_mode = batch_a is not None and batch_a.password == TEST_MODE_PASSWORD
        sender = batch_a.id_code if batch_a is not None else None
        app = batch_a.application_id if batch_a is not None else None
        with self._lock:
            return self._submit(transmission, data, as_of, test_mode, sender, app, filer_code)

    def _submit(self, transmission, data, as_of, test_mode, sender, app, filer_code) -> bytes:
        store = self.store
        # A query changes no CBP data: its journal rows need not wait for the disk.
        queries_only = bool(transmission.batches) and all(
            b.application_id == "KI" for batch in transmission.batches for b in batch.blocks)
        with store.transaction(durable=not (queries_only or test_mode)) as conn:
            exchange = store.journal_add(as_of=as_of, filer_code=sender, application_id=app,
                                         direction="in", body=data.decode("latin-1"))
            if test_mode:
                conn.execute("SAVEPOINT test_mode")
            notes: list[str] = []
            answer = self._answer(transmission, as_of, test_mode, filer_code, notes)
            if test_mode:
                # Ruling 9: answered in full, nothing stored (the journal keeps the exchange).
                conn.execute("ROLLBACK TO test_mode")
                conn.execute("RELEASE test_mode")
            body = render(answer, newline="\n")
            store.fault("before-journal-out")
            store.journal_add(as_of=as_of, filer_code=sender, application_id=_answer_app(answer),
                              direction="out", body=body.decode("latin-1"), exchange=exchange,
                              note="\n".join(notes) or None)
        return body

    def _answer(self, transmission: Transmission, as_of, test_mode, auth_filer,
                notes: list[str] | None = None) -> list[Record]:
        reject = _envelope_errors(transmission, self.store, auth_filer, test_mode)
        if reject:
            return reject_answer(transmission, reject, self.layouts)
        out: list[Record] = []
        batch = transmission.batches[0]
        answer_app = APPLICATIONS[batch.blocks[0].application_id][0]
        out.append(_mirror_a(batch.header, answer_app))
        for block in batch.blocks:
            answer_app, rule = APPLICATIONS[block.application_id]
            ctx = Context(self.store, as_of, self.layouts, block.header.filer_code, block.header.port,
                          test_mode, tuple(e for e in transmission.errors if _in_block(e, block)),
                          notes if notes is not None else [])
            details = rule(ctx, block)
            marker = _test_mode_record(self.layouts, answer_app) if test_mode else None
            if marker is not None:
                details = [*details, marker]
            out.append(block.header.replace(application_id=answer_app, line=None))
            out.extend(details)
            out.append(make(self.layouts["Y"], port=block.header.port, filer_code=block.header.filer_code,
                            application_id=answer_app, record_count=_count(details),
                            filer_office=block.header.filer_office))
        out.append(_mirror_z(batch, self.layouts))
        return out


def _count(details) -> int | None:
    """The Y count (5 digits); a block too large for it leaves it blank."""
    return len(details) if len(details) < 100_000 else None


def _first_a(t: Transmission):
    if t.batches:
        return t.batches[0].header
    return None


def _answer_app(records: list[Record]) -> str | None:
    for r in records:
        if r.record_id == "B":
            return r.application_id
    return None


def _in_block(e: RecordError, block: Block) -> bool:
    first = block.header.line or 0
    last = block.trailer.line if block.trailer is not None and block.trailer.line else first
    return e.line is not None and first < e.line < last


def _mirror_a(a: Record, app: str | None) -> Record:
    return a.replace(password=None, application_id=app, line=None)


def _mirror_z(batch, ls: LayoutSet) -> Record:
    a = batch.header
    z = batch.trailer
    base = z if z is not None else make(ls["Z"])
    return base.replace(site_code=a.site_code, id_code=a.id_code, transmission_date=a.transmission_date,
                        office_code=a.office_code, line=None)


def _test_mode_record(ls: LayoutSet, app: str) -> Record:
    text = "DATABASE NOT UPDATED TEST MODE"
    if app == "TT":
        return make(ls["E1"], disposition=None, severity="I", condition_code="2EE", narrative=text)
    if app == "CX":
        return make(ls["90"], severity="I", condition_code="2EE", narrative=text)
    return None  # a query changes nothing anyway; XQ answers say what would have been done


# ---------------------------------------------------------------- the envelope


def _envelope_errors(t: Transmission, store: Store, auth_filer: str | None, test_mode: bool) -> list[RecordError]:
    """Fatal problems that reject the whole batch (§2.6), in input order."""
    out: list[RecordError] = []
    structural = [e for e in t.errors if e.is_fatal and (e.code in X_CODES or e.record_id in ("A", "B", "Y", "Z"))]
    out.extend(structural)
    if not t.batches:
        if not out:
            out.append(RecordError("X33", narrative("X33"), 1))
        return out
    if len(t.batches) > 1:
        extra = t.batches[1].header
        out.append(RecordError("X35", "OUT OF SEQUENCE RECORD FOUND IN GROUPING: ONE BATCH PER TRANSMISSION",
                               extra.line, 1, 1, "A"))
    batch = t.batches[0]
    a = batch.header
    if not batch.blocks:
        return out or [RecordError("X03", narrative("X03"), a.line)]
    # Sender: a known filer, its site, its password (test mode replaces the password).
    filer = store.filer(a.id_code) if a.id_code else None
    sites = set(filer["sites"].split(",")) if filer is not None and filer["sites"] else set()
    if (filer is None or (sites and a.site_code not in sites)
            or (not test_mode and filer["password"] and a.password != filer["password"])
            or (auth_filer is not None and a.id_code != auth_filer)):
        out.append(RecordError("X09", narrative("X09"), a.line, 2, 14, "A", "id_code", a.id_code))
    for block in batch.blocks:
        b = block.header
        app = b.application_id
        if app not in APPLICATIONS:
            if app is not None and not any(e.code == "X12" and e.line == b.line for e in out):
                out.append(RecordError("X12", narrative("X12") + f": {app} IS NOT AN INPUT APPLICATION",
                                       b.line, 11, 12, "B", "application_id", app))
            continue
        proc = store.filer(b.filer_code) if b.filer_code else None
        if proc is None or (auth_filer is not None and b.filer_code != auth_filer):
            out.append(RecordError("X17", narrative("X17"), b.line, 8, 10, "B", "filer_code", b.filer_code))
            continue
        if b.filer_code != a.id_code:
            out.append(RecordError("X18", narrative("X18"), b.line, 4, 10, "B", "filer_code", b.filer_code))
        allowed = {x for x in proc["applications"].split(",") if x}
        if allowed and app not in allowed:
            out.append(RecordError("X20", narrative("X20"), b.line, 11, 12, "B", "application_id", app))
        if app == "KI":
            non_x = [e for e in t.errors if e.is_fatal and _in_block(e, block) and e not in out]
            out.extend(non_x)
    return sorted(out, key=lambda e: (e.line or 0, e.first_column or 0))


def reject_answer(t: Transmission, errors: list[RecordError], ls: LayoutSet | None = None) -> list[Record]:
    """CBP's reject batch: mirrored A, generated B, X0/X1 pairs, 999, generated Y and Z."""
    ls = ls or layout_set()
    a = _first_a(t)
    if a is not None:
        # Mirrored, less the password, the application id, and any field in error.
        bad = {e.field for e in t.errors if e.line == a.line and e.field in a.layout.value_fields_names}
        head = a.replace(line=None, **{f: None for f in bad | {"password", "application_id"}})
        if head.site_code is None or head.id_code is None:
            a = None  # nothing to mirror: ACE's generated form
    if a is None:
        head = make(ls["A"], user_data="A".rjust(21))
    details: list[Record] = []
    blocks = {b.header.line: b.header for b in t.blocks}
    for n, e in enumerate(errors, start=1):
        b = blocks.get(e.line) if e.record_id == "B" else None
        if b is not None:
            details.append(make(ls["X0"], reference_type="BLOCK", occurrence=n, reference_data=block_reference(b)))
        else:
            column = e.first_column if e.first_column is not None and e.first_column <= 80 else 0
            details.append(make(ls["X0"], reference_type="TRNACT", occurrence=n,
                                reference_data=f"{(e.line or 0) % 10_000_000:07d} {column:02d}"))
        details.append(make(ls["X1"], severity="F", condition_code=e.code[:3],
                            narrative=narrative(e.code)[:40] if e.code in X_CODES else e.message[:40]))
    details.append(make(ls["X1"], disposition="R", severity="F", condition_code="999", narrative=narrative("999")))
    b = make(ls["B"], user_data="B".rjust(21))
    y = generated_trailer(ls["Y"], "Y", _count(details))
    z = generated_trailer(ls["Z"], "Z")
    return [head, b, *details, y, z]


def block_reference(b: Record) -> str:
    """X0 columns 26-80 for a block-level problem (§2.6): the B record's identifying fields."""
    def f(value, n):
        # Echo what was read, but only characters an answer may carry.
        text = "".join(c if " " <= c <= "~" else "?" for c in str(value or "").upper())
        return text.ljust(n)[:n]
    return (f"{f(b.port, 4)} {f(b.filer_code, 3)} {f(b.filer_office, 2)} {f(b.application_id, 2)} "
            f"{f(b.user_data, 21)} {f(b.preparer_port, 4)}{f(b.preparer_filer, 3)}{f(b.preparer_office, 2)}"
            f"{f(b.preparer_indicator, 1)}").rstrip()


def generated_trailer(layout, rid: str, count: int | None = None) -> Record:
    """ACE's generated Y (count in 13-17) or Z: the record id in columns 1 and 80."""
    return make(layout, ace_marker=rid, **({"record_count": count} if count is not None else {}))
