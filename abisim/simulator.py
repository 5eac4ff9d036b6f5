"""The simulated CBP: one transmission in, CBP's answer out.

``Simulator.submit(bytes) -> bytes`` parses, checks the envelope and the sender's
authorization, applies each block's application rules in ONE database transaction, and
renders the answer. The journal rows of the exchange are part of that transaction, so a
failure half-way leaves nothing behind. A transmission that changes data is on disk
before its answer is returned (WAL, synchronous=FULL); a bond query, which changes no CBP
data, commits its journal rows without waiting for the disk (synchronous=NORMAL).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import os
import threading
import time
from typing import Callable, Collection

import attrs

from abisim import applications, ki_fast
from abisim.clock import Clock
from abisim.errors import X_CODES, RecordError, narrative
from abisim.journal import Journal, JournalPolicy, query_row
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
    _fatal_by_line: dict = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # An index, so that asking for each record's errors stays linear in the errors.
        by_line: dict[int | None, list[RecordError]] = {}
        for e in self.errors:
            if e.is_fatal:
                by_line.setdefault(e.line, []).append(e)
        object.__setattr__(self, "_fatal_by_line", by_line)

    def errors_of(self, record: Record) -> list[RecordError]:
        return list(self._fatal_by_line.get(record.line, ()))


class Simulator:
    """CBP's side of ABI over a database. Thread-safe: one SQLite connection per thread."""

    # The common bond query answered without record objects (abisim.ki_fast); off, every
    # transmission takes the general path (the tests compare the two).
    fast_queries = True
    _form_of = _form = None  # the layout set whose fast path tables are at hand, and those

    def __init__(self, db: Store | str | os.PathLike | None = None, clock: Clock | None = None,
                 layouts: str | LayoutSet | None = None, *, lenient: bool = False,
                 journal: JournalPolicy | None = JournalPolicy()) -> None:
        self.store = db if isinstance(db, Store) else Store.open(db)
        self.journal = Journal(self.store, journal)  # None: nothing journaled (benchmarks only)
        self.lenient = lenient  # ruling 6: a short last record is padded, with a warning, not X42
        self.clock = clock or Clock()
        self.layouts = layouts if isinstance(layouts, LayoutSet) else layout_set(layouts)
        # One transmission at a time per process: threads queue here instead of in
        # SQLite's busy handler, which sleeps (long latency tails under load).
        self._lock = threading.Lock()

    @property
    def lock(self) -> threading.Lock:
        """Held while one request (a transmission, an e-mail) is answered."""
        return self._lock

    @property
    def as_of(self) -> dt.date:
        return self.clock.today()

    def submit(self, data: bytes | str, *, filer_code: str | None = None, channel: str = "python",
               started: float | None = None, fault: str | None = None,
               test_filers: Collection[str] | None = None) -> bytes:
        """Answer one transmission. ``filer_code``, when given, is the authenticated
        filer (the HTTP server's bearer token): A and B must name it (else X09/X17).
        The exchange is journaled under ``channel``, timed from ``started``
        (``time.perf_counter()`` when the channel received it; default now), with the
        ``fault`` a channel injected before answering (e.g. latency), if any.
        ``test_filers``, when given, are the only senders whose test-mode password
        (TEST00) is taken; from anyone else it is a wrong password (X09)."""
        started = time.perf_counter() if started is None else started
        if isinstance(data, str):
            data = data.encode("latin-1", errors="replace")
        if fault is None:
            body = self._fast_query(data, filer_code, channel, started)
            if body is not None:
                return body
        transmission = parse(data, layouts=self.layouts, lenient=self.lenient)
        as_of = self.as_of
        batch_a = _first_a(transmission)
        test_mode = batch_a is not None and batch_a.password == TEST_MODE_PASSWORD
        sender = batch_a.id_code if batch_a is not None else None
        app = batch_a.application_id if batch_a is not None else None
        refused = test_mode and test_filers is not None and sender not in test_filers
        exchange = (channel, started, fault)
        if self.store.path == ":memory:":  # one connection for every thread: all under the lock
            with self._lock:
                return self._submit(transmission, data, as_of, test_mode, sender, app, filer_code, exchange,
                                    refused)
        # A reject or a query changes no CBP data: answered from a read snapshot, outside
        # the writers' lock, so that a large one does not hold up the others.
        notes: list[str] = []
        with self.store.snapshot():
            reject = _envelope_errors(transmission, self.store, filer_code, test_mode, refused)
            answer = (reject_answer(transmission, reject, self.layouts, as_of) if reject
                      else self._answer(transmission, as_of, test_mode, filer_code, notes)
                      if _queries_only(transmission) else None)
        if answer is not None:
            body = render(answer, newline="\n")  # before the lock: only the journal row needs it
            with self._lock:
                self.journal.record(channel=channel, request=data, answer=body, as_of=as_of, fault=fault,
                                    ms=(time.perf_counter() - started) * 1000, filer_code=sender,
                                    application_id=app, note="\n".join(notes) or None)
            return body
        with self._lock:
            return self._submit(transmission, data, as_of, test_mode, sender, app, filer_code, exchange, refused)

    def _fast_query(self, data: bytes, auth_filer: str | None, channel: str, started: float) -> bytes | None:
        """The common bond query (abisim.ki_fast), answered without record objects: the same
        bytes and journal row as the general path. None: not that case (nothing done).

        One transaction holds the reads and the exchange's journal row, as the general path
        would commit it (no CBP data changes: synchronous=NORMAL); a server's rows go with
        its next batch instead, the reads then in a read snapshot."""
        if not self.fast_queries:
            return None
        ls = self.layouts
        if self._form_of is not ls:
            self._form, self._form_of = ki_fast.form(ls), ls
        form = self._form
        store = self.store
        if form is None or store.fault_hook is not None or APPLICATIONS.get("KI") != _KI_RULE:
            return None
        query = form.read(data)
        if query is None:
            return None
        as_of = self.as_of
        notes: list[str] = []
        journal = self.journal
        try:
            # The row in the reads' transaction only for a plain journal writing each row;
            # any other (batched, none, another process's) gets its row as the general path
            # gives it, after a read snapshot.
            if journal.batched or journal.policy is None or type(journal) is not Journal:
                if store.path == ":memory:":  # one connection for every thread: all under the lock
                    with self._lock:
                        with store.snapshot():
                            body = self._fast_answer(form, query, auth_filer, as_of, notes)
                        self._fast_journal(channel, data, body, as_of, started, query, notes)
                    return body
                with store.snapshot():
                    body = self._fast_answer(form, query, auth_filer, as_of, notes)
                with self._lock:
                    self._fast_journal(channel, data, body, as_of, started, query, notes)
                return body
            with self._lock, store.transaction(durable=False):
                body = self._fast_answer(form, query, auth_filer, as_of, notes)
                # Journal.record's row and write, less its work the fast path has done.
                policy = journal.policy
                row = query_row(channel=channel, request=data, answer=body, as_of=as_of,
                                ms=(time.perf_counter() - started) * 1000, policy=policy,
                                received=dt.datetime.now(dt.timezone.utc), filer_code=query.id_code,
                                application_id=ki_fast.QUERY_APP, note="\n".join(notes) or None)
                store.journal_add(row, max_rows=policy.max_rows)
                journal.log(row)
            return body
        except _NotCommon:
            return None

    def _fast_answer(self, form, query, auth_filer, as_of, notes) -> bytes:
        sender = self.store.sender_checks(query.id_code)
        if sender is None or _refuses(sender, query, auth_filer):
            raise _NotCommon  # a reject: the general path writes it
        ls = self.layouts
        details = []
        write = ki_fast.write
        try:
            for number, address_request in query.pairs:
                for layout, values in bond_query.answer_values(self.store, number, as_of, address_request, ls, notes,
                                                                 well_formed=True):
                    details.append(write(layout, values))
        except ValueError:  # a value the layout cannot write: the general path says so
            raise _NotCommon from None
        return form.answer(query, details)

    def _fast_journal(self, channel, data, body, as_of, started, query, notes) -> None:
        self.journal.record(channel=channel, request=data, answer=body, as_of=as_of, fault=None,
                            ms=(time.perf_counter() - started) * 1000, filer_code=query.id_code,
                            application_id=ki_fast.QUERY_APP, note="\n".join(notes) or None)

    def journal_exchange(self, *, channel: str, request: bytes, answer: bytes | None, started: float,
                         fault: str | None = None, filer_code: str | None = None) -> dict:
        """Journal an exchange the simulator did not answer itself: a fault answered it, or
        the connection was dropped (``answer=None``). Channels call this; ``submit`` journals
        the rest."""
        with self._lock:
            return self.journal.record(channel=channel, request=request, answer=answer, as_of=self.as_of,
                                       fault=fault, ms=(time.perf_counter() - started) * 1000,
                                       filer_code=filer_code)

    def _submit(self, transmission, data, as_of, test_mode, sender, app, filer_code, exchange,
                refused=False) -> bytes:
        store = self.store
        # A query changes no CBP data: its journal rows need not wait for the disk.
        queries_only = _queries_only(transmission)
        with store.transaction(durable=not (queries_only or test_mode)) as conn:
            if test_mode:
                conn.execute("SAVEPOINT test_mode")
            notes: list[str] = []
            reject = _envelope_errors(transmission, self.store, filer_code, test_mode, refused)
            answer = (reject_answer(transmission, reject, self.layouts, as_of) if reject
                      else self._answer(transmission, as_of, test_mode, filer_code, notes))
            if test_mode:
                # Ruling 9: answered in full, nothing stored (the journal keeps the exchange).
                conn.execute("ROLLBACK TO test_mode")
                conn.execute("RELEASE test_mode")
            body = render(answer, newline="\n")
            store.fault("before-journal")
            channel, started, fault = exchange
            self.journal.record(channel=channel, request=data, answer=body, as_of=as_of, fault=fault,
                                ms=(time.perf_counter() - started) * 1000, filer_code=sender, application_id=app,
                                changed_data=not (queries_only or test_mode), note="\n".join(notes) or None)
        return body

    def _answer(self, transmission: Transmission, as_of, test_mode, auth_filer,
                notes: list[str] | None = None) -> list[Record]:
        """The answer of a batch whose envelope is good."""
        out: list[Record] = []
        batch = transmission.batches[0]
        answer_app = APPLICATIONS[batch.blocks[0].application_id][0]
        out.append(_mirror_a(batch.header, answer_app))
        for block, errors in zip(batch.blocks, errors_by_block(transmission.errors, batch.blocks)):
            answer_app, rule = APPLICATIONS[block.application_id]
            ctx = Context(self.store, as_of, self.layouts, block.header.filer_code, block.header.port,
                          test_mode, errors, notes if notes is not None else [])
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


_KI_RULE = APPLICATIONS["KI"]


class _NotCommon(Exception):
    """Raised inside the fast path's transaction when the query turns out not to be the
    common case after all (its sender is refused): nothing was written."""


def _refuses(sender: tuple[str, str, str], query, auth_filer: str | None) -> bool:
    """Whether the envelope checks refuse a recognized query's sender (X09, X17, X20), as
    :func:`_envelope_errors` would: its sites, its password, the authenticated filer, the
    applications it may send (``sender``: Store.sender_checks)."""
    sites, password, applications = sender
    sites = _code_set(sites) if sites else None
    allowed = _code_set(applications) if applications else None
    return bool((sites and query.site_code not in sites)
                or (password and query.password != password)
                or (auth_filer is not None and query.id_code != auth_filer)
                or (allowed and ki_fast.QUERY_APP not in allowed))


def _queries_only(t: Transmission) -> bool:
    return bool(t.batches) and all(b.application_id == "KI" for batch in t.batches for b in batch.blocks)


def _count(details) -> int | None:
    """The Y count (5 digits); a block too large for it leaves it blank."""
    return len(details) if len(details) < 100_000 else None


def _first_a(t: Transmission):
    if t.batches:
        return t.batches[0].header
    return None


def _in_block(e: RecordError, block: Block) -> bool:
    first = block.header.line or 0
    last = block.trailer.line if block.trailer is not None and block.trailer.line else first
    return e.line is not None and first < e.line < last


def errors_by_block(errors, blocks) -> list[tuple[RecordError, ...]]:
    """Each block's errors (those between its B and Y lines), in one pass over the errors:
    a lookup per error, not a scan of every error per block."""
    starts = [b.header.line or 0 for b in blocks]
    buckets: list[list[RecordError]] = [[] for _ in blocks]
    for e in errors:
        if e.line is None:
            continue
        i = bisect.bisect_left(starts, e.line) - 1
        if i >= 0 and _in_block(e, blocks[i]):
            buckets[i].append(e)
    return [tuple(b) for b in buckets]


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


def _envelope_errors(t: Transmission, store: Store, auth_filer: str | None, test_mode: bool,
                     test_mode_refused: bool = False) -> list[RecordError]:
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
                               extra.line, 1, 80, "A"))
    batch = t.batches[0]
    a = batch.header
    if not batch.blocks:
        return out or [RecordError("X03", narrative("X03"), a.line)]
    # Sender: a known filer, its site, its password (test mode replaces the password).
    sender = store.filer(a.id_code) if a.id_code else None
    sites = _codes(sender, "sites")
    if ((sender is None or (sites and a.site_code not in sites)
            or (not test_mode and sender["password"] and a.password != sender["password"])
            or test_mode_refused
            or (auth_filer is not None and a.id_code != auth_filer))
            and not any(e.code == "X09" and e.line == a.line for e in out)):
        out.append(RecordError("X09", narrative("X09"), a.line, 2, 14, "A", "id_code", a.id_code))
    app_lines = {e.line for e in out if e.code in ("X11", "X12")}
    listed = {id(e) for e in out}  # identity, not equality: a set lookup per error
    for block, block_errors in zip(batch.blocks, errors_by_block(t.errors, batch.blocks)):
        b = block.header
        app = b.application_id
        if app not in APPLICATIONS:
            if b.line in app_lines:
                continue
            if app is None:  # blank, as in CBP's own reject answers (parse takes those as they are)
                out.append(RecordError("X11", narrative("X11"), b.line, 11, 12, "B", "application_id", app))
                continue
            if applications.kind(app) == applications.KNOWN:
                # Ruling 13: a real ACE application abisim does not simulate.
                out.append(RecordError("X13", narrative("X13"), b.line, 11, 12, "B", "application_id", app))
            else:
                out.append(RecordError("X12", narrative("X12") + f": {app} IS NOT AN INPUT APPLICATION",
                                       b.line, 11, 12, "B", "application_id", app))
        out.extend(_preparer_errors(b, store))
        if app not in APPLICATIONS:
            continue
        proc = (sender if b.filer_code == a.id_code else store.filer(b.filer_code)) if b.filer_code else None
        if proc is None or (auth_filer is not None and b.filer_code != auth_filer):
            out.append(RecordError("X17", narrative("X17"), b.line, 8, 10, "B", "filer_code", b.filer_code))
            continue
        if b.filer_code != a.id_code and b.filer_code not in _codes(sender, "sends_for"):
            # Ruling 16: a service bureau sends only for the filers that authorized it.
            out.append(RecordError("X18", narrative("X18"), b.line, 4, 10, "B", "filer_code", b.filer_code))
        allowed = _codes(proc, "applications")
        if allowed and app not in allowed:
            out.append(RecordError("X20", narrative("X20"), b.line, 11, 12, "B", "application_id", app))
        if app == "KI":
            non_x = [e for e in block_errors if e.is_fatal and id(e) not in listed]
            out.extend(non_x)
    return sorted(out, key=lambda e: (e.line or 0, e.first_column or 0))


def _codes(filer, column: str) -> frozenset[str]:
    """A comma-separated column of a filer's row (sites, applications, sends_for ...)."""
    return _code_set(filer[column]) if filer is not None and filer[column] else frozenset()


@functools.lru_cache(maxsize=1024)
def _code_set(text: str) -> frozenset[str]:
    return frozenset(x for x in text.split(",") if x)


def _preparer_errors(b: Record, store: Store) -> list[RecordError]:
    """Ruling 15, what needs the database: the remote preparer is a known filer (X28),
    authorized for the application (X30) and for its port: its own sites and the ports
    listed for it (X31). What B alone tells (X21, X22, X24, X25) the parse reports."""
    if b.preparer_indicator != "1" or not (b.preparer_port and b.preparer_filer):
        return []
    if applications.kind(b.application_id) == applications.UNKNOWN:
        return []
    preparer = store.filer(b.preparer_filer)
    where = dict(line=b.line, first_column=47, last_column=56, record_id="B", field="preparer_filer",
                 value=b.preparer_filer)
    if preparer is None:
        return [RecordError("X28", narrative("X28"), **where)]
    allowed = _codes(preparer, "applications")
    if allowed and b.application_id not in allowed:
        return [RecordError("X30", narrative("X30"), **where)]
    if b.preparer_port not in _codes(preparer, "sites") | _codes(preparer, "prepares_at"):
        return [RecordError("X31", narrative("X31"), **where)]
    return []


def reject_answer(t: Transmission, errors: list[RecordError], ls: LayoutSet | None = None,
                  as_of: dt.date | None = None) -> list[Record]:
    """CBP's reject batch, shaped as CBP's three examples (ruling 14): mirrored A, generated
    B, the batch-level X1s, then per bad block one X0 BLOCK and its X1s, and per bad record
    one X0 TRNACT and its X1s; 999; generated Y (count of X0 and X1) and Z."""
    ls = ls or layout_set()
    a = _first_a(t)
    if a is not None:
        # Mirrored, less the password, the application id, and any field in error; dated
        # the day CBP processed it (CBP's page B&B-34 answers a 010108 batch with 040108).
        bad = {e.field for e in t.errors if e.line == a.line and e.field in a.layout.value_fields_names}
        head = a.replace(line=None, **{f: None for f in bad | {"password", "application_id"}})
        if as_of is not None:
            head = head.replace(transmission_date=as_of)
        if head.site_code is None or head.id_code is None:
            a = None  # nothing to mirror: ACE's generated form
    if a is None:
        head = make(ls["A"], user_data="A".rjust(21))
    details: list[Record] = []

    def condition(e: RecordError) -> None:
        text = narrative(e.code) if e.code in X_CODES else e.message
        details.append(make(ls["X1"], severity="F", condition_code=e.code[:3], narrative=fit(text, 40)))

    batch_level, by_block = _group_by_block(t, errors)
    for e in batch_level:
        condition(e)
    if not any(e.code in ("X09", "X12") and a is not None and e.line == a.line for e in batch_level):
        for ordinal, block, block_level, by_record in by_block:
            details.append(make(ls["X0"], reference_type="BLOCK", occurrence=ordinal,
                                reference_data=block_reference(block.header)))
            for e in block_level:
                condition(e)
            for occurrence, (line, record_errors) in enumerate(by_record, start=1):
                first = record_errors[0]
                whole = first.first_column is None or (first.first_column == 1 and first.last_column == 80)
                column = 0 if whole or first.first_column > 80 else first.first_column
                position = line - (t.batches[0].header.line or 1) + 1 if t.batches else line
                details.append(make(ls["X0"], reference_type="TRNACT", occurrence=occurrence,
                                    reference_data=f"{position % 10_000_000:07d} {column:02d}"))
                for e in record_errors:
                    condition(e)
    details.append(make(ls["X1"], disposition="R", severity="F", condition_code="999", narrative=narrative("999")))
    b = make(ls["B"], user_data="B".rjust(21))
    y = generated_trailer(ls["Y"], "Y", _count(details))
    z = generated_trailer(ls["Z"], "Z")
    return [head, b, *details, y, z]


def _group_by_block(t: Transmission, errors: list[RecordError]):
    """Errors of the batch as a whole (A, Z, outside any block), and per block with problems:
    (ordinal, block, errors of its B and Y, [(line, errors of that record)])."""
    blocks = t.batches[0].blocks if t.batches else ()
    batch_level: list[RecordError] = []
    grouped: dict[int, tuple[list, dict]] = {}
    for e in errors:
        n = _block_of(blocks, e)
        if n is None:
            batch_level.append(e)
            continue
        block_level, by_record = grouped.setdefault(n, ([], {}))
        block = blocks[n]
        if e.line in (block.header.line, block.trailer.line if block.trailer is not None else None) \
                or e.code == "X05":
            block_level.append(e)
        else:
            by_record.setdefault(e.line, []).append(e)
    return batch_level, [(n + 1, blocks[n], grouped[n][0], sorted(grouped[n][1].items()))
                         for n in sorted(grouped)]


def _block_of(blocks, e: RecordError) -> int | None:
    """The index of the block an error belongs to; None for the batch as a whole."""
    if e.line is None:
        return None
    for n, block in enumerate(blocks):
        first = block.header.line
        last = block.trailer.line if block.trailer is not None else None
        if first is None:
            continue
        if last is None:
            # No Y: the block runs to the next block; its missing Y (X05, reported on the
            # record that came instead) is its own problem.
            following = blocks[n + 1].header.line if n + 1 < len(blocks) else None
            if e.code == "X05":
                if first < e.line and (following is None or e.line <= following):
                    return n
            elif first <= e.line and (following is None or e.line < following) and e.record_id not in ("A", "Z"):
                return n
        elif first <= e.line <= last:
            return n
    return None


def fit(text: str, width: int) -> str:
    """A narrative in ``width`` columns, never cut inside a word (ruling 21)."""
    if len(text) <= width:
        return text
    cut = text[: width + 1].rsplit(" ", 1)[0].rstrip(" :;,-")
    return cut if cut else text[:width]


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
