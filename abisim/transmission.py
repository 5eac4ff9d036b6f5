"""Transmissions: framing, records in order, the envelope, and rendering back to bytes.

``parse`` reads a whole transmission (bytes, str or path); ``iter_records`` streams a
file of any size; ``render`` writes a transmission back. Parse then render gives back the
input bytes for every valid input.
"""

from __future__ import annotations

import functools
import io
import os
import re
from typing import IO, Iterable, Iterator, Mapping

import attrs

from abisim import applications
from abisim import validate as _validate
from abisim.errors import FATAL, WARNING, RecordError, error, narrative
from abisim.layouts import F, Layout, LayoutSet, layout_set
from abisim.records import RECORD_LENGTH, Record, parse_record, record_class as layout_class, render_record
from abisim.recognize import _RECOGNIZERS, LazyBatches, LazyRecords, recognizer
from abisim.structure import END, OrderChecker, token_for

MAX_P1_PER_BLOCK = 99


@attrs.frozen(slots=True)
class Block:
    header: Record  # B
    details: tuple[Record, ...] = ()
    trailer: Record | None = None  # Y

    @property
    def application_id(self) -> str | None:
        return self.header.peek("application_id")

    def records(self) -> Iterator[Record]:
        yield self.header
        yield from self.details
        if self.trailer is not None:
            yield self.trailer


@attrs.frozen(slots=True)
class Batch:
    header: Record  # A
    blocks: tuple[Block, ...] = ()
    trailer: Record | None = None  # Z

    def records(self) -> Iterator[Record]:
        yield self.header
        for block in self.blocks:
            yield from block.records()
        if self.trailer is not None:
            yield self.trailer


@attrs.frozen(slots=True)
class Transmission:
    batches: tuple[Batch, ...] = ()
    errors: tuple[RecordError, ...] = ()
    layouts: str = ""
    newline: str = "\n"  # what separated the records: "\n", "\r\n" or "" (none)
    final_newline: bool = True  # whether the last record was followed by the newline
    # Each record's own line end, kept only when they differ (CR/LF mixed with LF), so
    # that render gives back the input's bytes.
    line_ends: tuple[str, ...] | None = None

    @property
    def ok(self) -> bool:
        """No fatal error (warnings allowed)."""
        return not any(e.is_fatal for e in self.errors)

    @property
    def warnings(self) -> tuple[RecordError, ...]:
        return tuple(e for e in self.errors if not e.is_fatal)

    def records(self) -> Iterator[Record]:
        for batch in self.batches:
            yield from batch.records()

    @property
    def blocks(self) -> tuple[Block, ...]:
        return tuple(b for batch in self.batches for b in batch.blocks)


# ---------------------------------------------------------------- framing


@attrs.frozen(slots=True)
class Line:
    """One record's text as framed from the input."""

    number: int
    text: str
    offset: int  # byte offset of the record in the input


def _stream_lines(stream: IO[bytes], chunk: int = 1 << 16, first_line: int = 1,
                  first_offset: int = 0) -> Iterator[tuple[Line, str, bool]]:
    """Records of a binary stream: (line, separator, ended by a newline).

    Records are separated by LF or CR/LF, or not at all (then cut every 80 bytes); the
    first bytes decide. Memory stays flat whatever the size of the stream.
    """
    head = stream.read(chunk)
    if not head:
        return
    probe = head[: RECORD_LENGTH + 2]
    if b"\n" in probe or (b"\n" in head and len(head) <= RECORD_LENGTH + 2):
        sep = "\r\n" if b"\r\n" in probe else "\n"
        number, offset = first_line - 1, first_offset
        pending = head.decode("latin-1")  # one byte, one character: offsets count either
        new_line = _new_line
        while True:
            more = stream.read(chunk)
            if more:
                pending += more.decode("latin-1")
                cut = pending.rfind("\n") + 1
                if cut == 0:
                    continue
                texts, pending = pending[:cut].split("\n"), pending[cut:]
                texts.pop()  # after the last newline: nothing
            else:
                texts = pending.split("\n")
                last = texts.pop()
            for text in texts:
                number += 1
                size = len(text) + 1
                if text.endswith("\r"):
                    text = text[:-1]
                yield new_line(number, text, offset), sep, True
                offset += size
            if not more:
                if last:
                    number += 1
                    yield new_line(number, last[:-1] if last.endswith("\r") else last, offset), sep, False
                return
    number, offset, pending = first_line - 1, first_offset, head
    while True:
        more = stream.read(chunk)
        pending += more
        cut = len(pending) if not more else len(pending) - len(pending) % RECORD_LENGTH
        for o in range(0, cut, RECORD_LENGTH):
            number += 1
            yield Line(number, pending[o : o + RECORD_LENGTH].decode("latin-1"), offset), "", False
            offset += RECORD_LENGTH
        pending = pending[cut:]
        if not more:
            return


def _fast_init(cls):
    """A constructor that fills a frozen slotted attrs class's slots directly (no
    validators or converters here): for the objects made once per record."""
    setters = [cls.__dict__[a.name].__set__ for a in attrs.fields(cls)]
    new = object.__new__

    def make(*values):
        obj = new(cls)
        for set_value, value in zip(setters, values):
            set_value(obj, value)
        return obj

    return make


_new_line = _fast_init(Line)


# ---------------------------------------------------------------- reading records


@attrs.frozen(slots=True)
class ParsedRecord:
    """A record as streamed: the record (None when its id is unknown) and its errors."""

    line: Line
    record: Record | None
    errors: tuple[RecordError, ...]


_NO_ERRORS: tuple = ()
_new_parsed = _fast_init(ParsedRecord)


class _PrefixTable(dict):
    """Record class by the first two characters of a record: one lookup per record. A
    class is looked up (and made) the first time its prefix is seen, then kept."""

    def __missing__(self, prefix: str):
        cls = self[prefix] = self.class_of(prefix)
        return cls

    def get(self, prefix, default=None):
        cls = self[prefix]
        return default if cls is None else cls


class _ClassesByPrefix(_PrefixTable):
    """Inside a block of one application: a parse generates only the classes of the
    records it meets."""

    def __init__(self, layouts: Mapping[str, Layout]) -> None:
        super().__init__()
        self.layouts = layouts

    def class_of(self, prefix: str):
        layout = self.layout_of(prefix)
        return layout_class(layout) if layout is not None else None

    def layout_of(self, prefix: str) -> Layout | None:
        """The layout a record starting with this prefix is read by (no class made)."""
        if len(prefix) != 2:
            return None
        layouts = self.layouts
        layout = layouts.get(prefix)
        if layout is None:
            # A one-character id (A, B, Y, Z, K): any second character but, for K, a digit (K1-K8).
            one = layouts.get(prefix[0])
            if one is not None and " " <= prefix[1] <= "~" and (prefix[0] != "K" or prefix[1] == " "):
                layout = one
        return layout


@functools.lru_cache(maxsize=None)
def _classes_by_prefix(layouts: LayoutSet, application_id: str | None = None) -> dict:
    return _ClassesByPrefix(layouts.within(application_id))


# A detail record of an application abisim does not simulate (ruling 13): read as it is,
# counted, its bytes checked, its fields not.
OPAQUE_LAYOUT = Layout("..", "bbc-v23", (F("data", 1, 80, "X", "O"),),
                       "Detail record of an application abisim does not simulate")
_OPAQUE = layout_class(OPAQUE_LAYOUT)
_OPAQUE._token = "OPAQUE"


class _OpaqueClasses(_PrefixTable):
    """Inside a block abisim does not simulate: envelope records as usual, the rest opaque."""

    def __init__(self, layouts: LayoutSet) -> None:
        super().__init__()
        self.envelope = _classes_by_prefix(layouts)

    def class_of(self, prefix: str):
        if prefix[:1] in ("A", "B", "Y", "Z"):
            return self.envelope[prefix]
        return _OPAQUE if len(prefix) == 2 and all(" " <= c <= "~" for c in prefix) else None


@functools.lru_cache(maxsize=None)
def _opaque_classes(layouts: LayoutSet) -> dict:
    return _OpaqueClasses(layouts)


def _classes_at(line: str, layouts: LayoutSet) -> dict:
    """The record classes from this B (or Y) record on."""
    if line[:1] == "B":
        app = line[10:12]
        if app.strip(" ") and applications.kind(app) != applications.SIMULATED:
            return _opaque_classes(layouts)
        return _classes_by_prefix(layouts, _block_application(line, layouts))
    return _classes_by_prefix(layouts)


def _read(text: str, n: int, layouts: LayoutSet, is_last: bool, lenient: bool, validate: bool,
          classes: dict | None = None):
    """One record's text -> (record or None, errors). The hot path of every parse:
    ``classes`` is ``_classes_by_prefix(layouts)``, looked up once by the caller. A
    record keeps its text and types its fields when first read."""
    if len(text) == RECORD_LENGTH:
        cls = (classes if classes is not None else _classes_by_prefix(layouts))[text[:2]]
        if cls is not None:
            try:
                record = cls._lazy(text, n)
            except ValueError:
                record = None
            if record is not None:
                if validate and cls is not _OPAQUE:
                    errors = _check_of(cls)(text, record, n)
                    if not errors:
                        return record, _NO_ERRORS
                    return _validate.current_reading(record, errors), errors
                if text.isascii() and text.isprintable():
                    return record, _NO_ERRORS
                return record, _validate.nonstandard(text, cls.layout, n)
    return _read_slowly(text, n, layouts, is_last, lenient, validate, classes)


_CHECKS: dict = {}  # record class -> its layout's compiled check


def _check_of(cls):
    check = _CHECKS.get(cls)
    if check is None:
        check = _CHECKS[cls] = _validate.compiled_check(cls.layout)
    return check


def _read_slowly(text: str, n: int, layouts: LayoutSet, is_last: bool, lenient: bool, validate: bool,
                 classes: dict | None = None):
    errors: list[RecordError] = []
    if len(text) < RECORD_LENGTH:
        if text.strip(" ") == "":
            return None, [error("X34", line=n, first_column=1, last_column=RECORD_LENGTH, value=text,
                                message="UNKNOWN RECORD ID FOUND IN GROUPING: empty record")]
        if lenient:
            # Ruling 17: every short record, not only the last (vendors' Y records are short).
            errors.append(RecordError(
                "W12", f"SHORT RECORD PADDED WITH SPACES: {len(text)} CHARACTERS", n, len(text) + 1,
                RECORD_LENGTH, None, None, None, WARNING))
        else:
            where = "LAST RECORD" if is_last else "RECORD"
            errors.append(RecordError(
                "X42", f"{where} LESS THAN 80-CHAR LENGTH ({len(text)})", n, len(text) + 1,
                RECORD_LENGTH, None, None, None, FATAL))
        text = text.ljust(RECORD_LENGTH)
    elif len(text) > RECORD_LENGTH:
        errors.append(error("X39", line=n, first_column=RECORD_LENGTH + 1, last_column=len(text),
                            value=text[RECORD_LENGTH:],
                            message=f"DATA FOUND IN FILLER: {len(text) - RECORD_LENGTH} characters beyond column 80"))
        text = text[:RECORD_LENGTH]
    cls = (classes if classes is not None else _classes_by_prefix(layouts))[text[:2]]
    layout = cls.layout if cls is not None else None
    if layout is None:
        rid = text[:2]
        errors.append(error("X34", line=n, first_column=1, last_column=RECORD_LENGTH, value=rid,
                            message=f"UNKNOWN RECORD ID FOUND IN GROUPING: {rid!r}"))
        return None, errors
    record, typing_errors = parse_record(text, layout, n)
    errors.extend(typing_errors)
    if validate and cls is not _OPAQUE:
        errors.extend(_validate.check_record(text, record, n))
        record = _validate.current_reading(record, errors)
    elif not (text.isascii() and text.isprintable()):
        errors.extend(_validate.nonstandard(text, layout, n))
    return record, errors


def _read_record(line: Line, layouts: LayoutSet, *, is_last: bool, lenient: bool,
                 validate: bool, classes: dict | None = None) -> ParsedRecord:
    record, errors = _read(line.text, line.number, layouts, is_last, lenient, validate, classes)
    return _new_parsed(line, record, tuple(errors) if errors else _NO_ERRORS)


def _block_application(text: str, layouts: LayoutSet) -> str | None:
    """The application of a block, from its B record (columns 11-12), if it scopes layouts."""
    app = text[10:12]
    return app if app in layouts.scoped else None


def iter_records(source, *, layouts=None, lenient: bool = False, validate: bool = True,
                 first_line: int = 1) -> Iterator[ParsedRecord]:
    """Stream the records of a file, path, bytes or str, one :class:`ParsedRecord` each.

    Record order is not checked here (see :func:`parse`); memory stays flat. A stream
    that starts inside a file says its first record's line with ``first_line``. Sources
    as for :func:`parse`; a missing file is FileNotFoundError at the call, not at the
    first record.
    """
    ls = layouts if isinstance(layouts, LayoutSet) else layout_set(layouts)
    lines = _lines_of(source) if first_line == 1 else _stream_lines(source, first_line=first_line)
    return _records_of(lines, ls, lenient, validate)


def _records_of(lines, ls: LayoutSet, lenient: bool, validate: bool) -> Iterator[ParsedRecord]:
    previous = None
    classes = _classes_by_prefix(ls)
    for line, _sep, _ended in lines:
        if previous is not None:
            yield _read_record(previous, ls, is_last=False, lenient=lenient, validate=validate, classes=classes)
        if line.text[:1] in ("B", "Y"):
            classes = _classes_at(line.text, ls)
        previous = line
    if previous is not None:
        yield _read_record(previous, ls, is_last=True, lenient=lenient, validate=validate, classes=classes)


def _lines_of(source) -> Iterator[tuple[Line, str, bool]]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _stream_lines(io.BytesIO(bytes(source)))
    if isinstance(source, str) and _is_text(source):
        return _stream_lines(io.BytesIO(source.encode("latin-1", errors="replace")))
    if isinstance(source, (str, os.PathLike)):
        open(source, "rb").close()  # FileNotFoundError now, not at the first record
        return _file_lines(source)
    if hasattr(source, "read"):
        return _stream_lines(_BinaryReader(source))
    raise TypeError(f"a transmission is bytes, a file object or a path, not {type(source).__name__}")


class _BinaryReader(io.RawIOBase):
    """A file object opened in text mode, read as latin-1 bytes."""

    def __init__(self, f) -> None:
        self._f, self._pending = f, b""

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self._f.read(n)
        return data.encode("latin-1", errors="replace") if isinstance(data, str) else data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _file_lines(path) -> Iterator[tuple[Line, str, bool]]:
    with open(path, "rb") as f:
        yield from _stream_lines(f)


def _is_text(source: str) -> bool:
    """A str is a file's path, unless it holds a line break: then it is a transmission's text."""
    return "\n" in source or "\r" in source


# ---------------------------------------------------------------- streaming, clean runs


class CleanRun:
    """Records of a stream that the recognizer accepted at once (:func:`stream_runs`):
    whole units of one block body (a TP block's importers), each record read as the
    general path reads it, without an error or warning, in grammar order."""

    __slots__ = ("text", "start", "count", "width", "first_line", "offset", "classes", "head")

    def __init__(self, text, start, count, width, first_line, offset, classes, head) -> None:
        self.text, self.start, self.count, self.width = text, start, count, width
        self.first_line, self.offset, self.classes, self.head = first_line, offset, classes, head

    @property
    def size(self) -> int:
        """Bytes of the input the run holds."""
        return self.count * self.width

    def records(self) -> list[Record]:
        """The run's records, each typed when first read."""
        return self.records_at(0, self.count)

    def check_order(self, checker: OrderChecker, records: list[Record]) -> list[RecordError]:
        """Feed the run (``records``, as :meth:`records` made them) to ``checker``, as one
        feed per record would: same state, same errors. Inside a block's list of units
        every whole unit fits, and each leaves the state as the one before it did (it is
        reduced into the list at the next unit's head): the first unit is fed, then, once
        the state is seen to be that list's, only the last."""
        head, count = self.head, self.count
        second = 1
        while second < count and records[second].record_id != head:
            second += 1
        found: list[RecordError] = []
        _feed(checker, records[:second], found)
        if second < count:
            last = count - 1
            while records[last].record_id != head:
                last -= 1
            in_list = _unit_list_state(head)
            trial = list(checker.stack)
            if in_list is not None and checker._advance(trial, head) and trial[-2] == in_list:
                _feed(checker, records[last:], found)
            else:
                _feed(checker, records[second:], found)
        return found

    def records_at(self, first: int, end: int) -> list[Record]:
        """Records ``first`` to ``end`` (indexes in the run), typed when first read."""
        text, width, classes, n, start = self.text, self.width, self.classes, self.first_line, self.start
        return [classes[text[o:o + 2]]._bare(text[o:o + RECORD_LENGTH], n + (o - start) // width)
                for o in range(start + first * width, start + end * width, width)]


def _feed(checker: OrderChecker, records, found: list) -> None:
    for rec in records:
        token = rec._token or token_for(rec)
        if token is not None:
            found.extend(checker.feed(token, line=rec.line, record_id=rec.record_id))


@functools.lru_cache(maxsize=None)
def _unit_list_state(head: str):
    """The table's state of a TP block's list of importers (below a T1 that starts the
    next one), or None when two importers do not agree on it."""
    if head != "T1":
        return None
    states, heads = set(), 0
    checker = OrderChecker()
    for token in ("A", "B_TP", "T1", "T2", "TD", "TE", "TF", "TL", "T1", "TA", "T2", "TD", "TE", "TF", "TL",
                  "TN_IN2", "T1"):
        if checker.feed(token):
            return None
        if token == head:
            heads += 1
            if heads > 1:  # a T1 after an importer
                states.add(checker.stack[-2])
    return states.pop() if len(states) == 1 else None


STREAM_CHUNK = 1 << 18  # bytes read at a time by stream_runs (larger measured no faster)


def stream_runs(stream: IO[bytes], *, layouts=None, lenient: bool = False, validate: bool = True,
                first_line: int = 1, first_offset: int = 0, chunk: int | None = None,
                app: str = "TP") -> Iterator["ParsedRecord | CleanRun"]:
    """The records of a binary stream as :func:`iter_records` reads them, but where a run
    of whole units of ``app``'s block body (a TP block's importers) reads clean, one
    :class:`CleanRun` for all of them (one regular expression per chunk read, records
    typed when first read); any other line one :class:`ParsedRecord`, read the general
    way (so errors, their lines and order are the general path's)."""
    from abisim.recognize import runs

    ls = layouts if isinstance(layouts, LayoutSet) else layout_set(layouts)
    chunk = chunk or STREAM_CHUNK
    head_bytes = stream.read(chunk)
    while 0 < len(head_bytes) <= RECORD_LENGTH + 2:  # the line end decided as _stream_lines decides it
        more = stream.read(chunk)
        if not more:
            break
        head_bytes += more
    if not head_bytes:
        return
    probe = head_bytes[: RECORD_LENGTH + 2]
    if b"\n" in probe or (b"\n" in head_bytes and len(head_bytes) <= RECORD_LENGTH + 2):
        sep = "\r\n" if b"\r\n" in probe else "\n"
    else:
        sep = ""
    found = runs(ls, validate, sep, app) if not lenient else None
    match = found.pattern.match if found is not None else None
    in_block = found.classes if found is not None else None
    unit, width = (found.head, found.width) if found is not None else ("", 0)
    new_line, read = _new_line, _read_record
    pending = head_bytes.decode("latin-1")  # one byte, one character: offsets count either
    base, number, eof = first_offset, first_line - 1, False
    classes = _classes_by_prefix(ls)
    while True:
        more = stream.read(chunk) if not eof else b""
        if more:
            pending += more.decode("latin-1")
            # Up to the last unit's head (the unit the chunk cuts is read whole next
            # time), or else the last whole line: the last line is read knowing it is last.
            if sep:
                end = pending.rfind("\n")
                cut = pending.rfind("\n" + unit, 0, end) if unit else -1
                end = cut + 1 if cut >= 0 else pending.rfind("\n", 0, max(end, 0)) + 1
            else:
                end = len(pending) - len(pending) % RECORD_LENGTH - RECORD_LENGTH
                cut = end
                while unit and cut > 0 and not pending.startswith(unit, cut):
                    cut -= RECORD_LENGTH
                if cut > 0:
                    end = cut
            if end <= 0:
                continue
        else:
            eof, end = True, len(pending)
        pos = 0
        while pos < end:
            if classes is in_block and pending.startswith(unit, pos):
                m = match(pending, pos, end)
                if m is not None and m.end() > pos:
                    count = (m.end() - pos) // width
                    yield CleanRun(pending, pos, count, width, number + 1, base + pos, classes, unit)
                    number += count
                    pos = m.end()
                    continue
            if sep:
                stop = pending.find("\n", pos, end)
                nxt = end if stop < 0 else stop + 1
                text = pending[pos:nxt - 1] if stop >= 0 else pending[pos:end]
                if text.endswith("\r"):
                    text = text[:-1]
            else:
                nxt = min(pos + RECORD_LENGTH, end)
                text = pending[pos:nxt]
            number += 1
            if text[:1] in ("B", "Y"):
                classes = _classes_at(text, ls)
            yield read(new_line(number, text, base + pos), ls, is_last=eof and nxt >= end, lenient=lenient,
                       validate=validate, classes=classes)
            pos = nxt
        if eof:
            return
        pending = pending[end:]
        base += end


# ---------------------------------------------------------------- the whole transmission


def parse(source, *, layouts=None, lenient: bool = False, validate: bool = True) -> Transmission:
    """Parse a transmission: bytes, a file object (binary, or text read as latin-1), a
    pathlib.Path, or a str: a file's path, unless it holds a line break (then its text).
    A missing file is FileNotFoundError.

    Never raises on bad input: every problem is in ``Transmission.errors``.
    """
    ls = layouts if isinstance(layouts, LayoutSet) else layout_set(layouts)
    if isinstance(source, str) and _is_text(source):
        data = source.encode("latin-1", errors="replace")
    elif isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            data = f.read()
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif hasattr(source, "read"):
        data = source.read()
        data = data.encode("latin-1", errors="replace") if isinstance(data, str) else bytes(data)
    else:
        raise TypeError(f"a transmission is bytes, a file object or a path, not {type(source).__name__}")
    text = data.decode("latin-1")
    if CLEAN_PATH:
        clean = _parse_clean(text, ls, validate)
        if clean is not None:
            return clean
    line_ends = None
    probe = text[: RECORD_LENGTH + 2]
    if "\n" in probe or ("\n" in text and len(text) <= RECORD_LENGTH + 2):
        newline = "\r\n" if "\r\n" in probe else "\n"
        lines = text.split("\n")
        final_newline = lines[-1] == ""
        if final_newline:
            lines.pop()
        if "\r" in text:
            line_ends = _line_ends(lines, newline, final_newline)
            lines = [l[:-1] if l.endswith("\r") else l for l in lines]
    else:
        newline, final_newline = "", False
        lines = [text[o:o + RECORD_LENGTH] for o in range(0, len(text), RECORD_LENGTH)]
    builder = _Builder(ls)
    builder.line_ends = line_ends
    add = builder.add
    last = len(lines)
    classes = _classes_by_prefix(ls)
    checks = _CHECKS
    for n, line in enumerate(lines, start=1):
        if line[:1] in ("B", "Y"):
            classes = _classes_at(line, ls)
        # The common case inline (a known record of 80 characters whose numbers and dates
        # type); anything else through _read.
        cls = classes[line[:2]] if len(line) == RECORD_LENGTH else None
        if cls is not None:
            try:
                rec = cls._lazy(line, n)
            except ValueError:
                rec = None
            if rec is not None:
                if validate and cls is not _OPAQUE:
                    errors = (checks.get(cls) or _check_of(cls))(line, rec, n)
                    add(n, _validate.current_reading(rec, errors) if errors else rec, errors)
                    continue
                if line.isascii() and line.isprintable():
                    add(n, rec, None)
                    continue
        add(n, *_read(line, n, ls, n == last, lenient, validate, classes))
    return builder.finish(newline, final_newline)


# The clean-input path (abisim.recognize): one regular expression decides that the input
# holds nothing to report, then the records are typed when read.
CLEAN_PATH = True
CLEAN_PATH_FROM = 4096  # records: a larger input compiles the expression at once
CLEAN_PATH_AFTER = 32  # smaller inputs parsed in this process before one compiles it
_small_inputs = 0
_ENVELOPE_HEADS = re.compile("[AZ]|B[^Y]*Y")


def _positions(heads: str, c: str) -> Iterator[int]:
    i = heads.find(c)
    while i >= 0:
        yield i
        i = heads.find(c, i + 1)


def _parse_clean(text: str, ls: LayoutSet, validate: bool) -> Transmission | None:
    """The transmission, when the recognizer accepts the whole input; else None."""
    probe = text[: RECORD_LENGTH + 2]
    if "\n" in probe or ("\n" in text and len(text) <= RECORD_LENGTH + 2):
        newline = "\r\n" if "\r\n" in probe else "\n"
        final_newline = text.endswith("\n")
        if newline == "\n" and "\r" in text:
            return None  # CR/LF mixed with LF: the line ends are kept one by one
        if not final_newline:
            text += newline
    else:
        newline, final_newline = "", False
    global _small_inputs
    width = RECORD_LENGTH + len(newline)
    # Compiling an expression costs ~5-20 ms (one application) to ~150 ms (all): worth it
    # for a large input, or in a process that parses many (a server, a session of tests);
    # not in a one-shot command.
    worth = len(text) >= CLEAN_PATH_FROM * width or _small_inputs >= CLEAN_PATH_AFTER
    if not worth:
        _small_inputs += 1
        if not _RECOGNIZERS:
            return None
    heads = text[::width]
    bs = list(_positions(heads, "B"))
    apps = frozenset(text[i * width + 10:i * width + 12] for i in bs)
    found = recognizer(ls, validate, newline, apps, compile=worth)
    if found is None or found.pattern.fullmatch(text) is None:
        return None
    ys = list(_positions(heads, "Y"))
    c0, c1 = found.count_slice
    blank = " " * (c1 - c0)
    if any((said := text[y * width + c0:y * width + c1]) != blank and int(said) != y - b - 1
           for b, y in zip(bs, ys)):
        return None  # X32: the general path says it
    for b, y in zip(bs, ys):
        if y - b - 1 > MAX_P1_PER_BLOCK and heads.count("P", b + 1, y) > MAX_P1_PER_BLOCK and sum(
                1 for k in range(b + 1, y) if text[k * width:k * width + 2] == "P1") > MAX_P1_PER_BLOCK:
            return None  # X36: the general path says it
    batches = LazyBatches(_CleanBatches(text, width, heads, found.contexts, _classes_by_prefix(ls)))
    return Transmission(batches, (), ls.name, newline, final_newline, None)


class _CleanBatches:
    """The batches of an input the recognizer accepted, made when first read."""

    __slots__ = ("text", "width", "heads", "contexts", "everywhere")

    def __init__(self, text, width, heads, contexts, everywhere) -> None:
        self.text, self.width, self.heads, self.contexts, self.everywhere = text, width, heads, contexts, everywhere

    def __call__(self) -> tuple:
        text, width, everywhere, contexts = self.text, self.width, self.everywhere, self.contexts
        batches = []
        blocks: list = []
        a = None
        for m in _ENVELOPE_HEADS.finditer(self.heads):
            i = m.start()
            at = i * width
            line = text[at:at + RECORD_LENGTH]
            h = line[0]
            if h == "A":
                a = everywhere[line[:2]]._bare(line, i + 1)
                blocks = []
            elif h == "Z":
                batches.append(Batch(a, tuple(blocks), everywhere[line[:2]]._bare(line, i + 1)))
            else:
                y = m.end() - 1
                y_line = text[y * width:y * width + RECORD_LENGTH]
                classes = contexts[line[10:12]]
                blocks.append(Block(classes[line[:2]]._bare(line, i + 1),
                                    LazyRecords(text, width, i + 1, y - i - 1, classes),
                                    everywhere[y_line[:2]]._bare(y_line, y + 1)))
        return tuple(batches)


def _line_ends(lines: list[str], newline: str, final_newline: bool) -> tuple[str, ...] | None:
    """Each line's end when they are not all ``newline`` (lines still hold their CR)."""
    ends = ["\r\n" if l.endswith("\r") else "\n" for l in lines]
    if not final_newline and lines:
        ends[-1] = "\r" if lines[-1].endswith("\r") else ""
    uniform = all(e == newline for e in ends[:-1]) and (not ends or ends[-1] == (newline if final_newline else ""))
    return None if uniform else tuple(ends)


class _Builder:
    """Groups records into batches and blocks, checking order and the envelope."""

    def __init__(self, layouts: LayoutSet, keep: bool = True) -> None:
        self.layouts = layouts
        self.keep = keep  # False: check only, keep no record (streaming)
        self.order = OrderChecker()
        self.errors: list[RecordError] = []
        self.batches: list[Batch] = []
        self.batch: dict | None = None  # A, blocks so far
        self.block: dict | None = None  # B, details so far
        self.last_line = 0
        self.pending: tuple | None = None  # a record that did not fit, decided at the next one
        self.line_ends: tuple[str, ...] | None = None  # parse's: the input's mixed line ends

    def add(self, line: int, rec: Record | None, errors) -> None:
        if errors:
            self.errors.extend(errors)
        self.last_line = line
        if rec is None:
            return
        token = rec._token
        if token is None:
            token = token_for(rec)
            if token is None:
                return  # a TN whose qualifier is unknown: its field error says so
        order = self.order
        if self.pending is not None:
            self._decide(token)
        if order._advance(order.stack, token):
            order.previous = token
            if self.block is not None and token[0] not in "ABYZ":
                self._detail(rec)  # the common case: a detail in its block
                return
            self._place(rec, token)
        else:
            self.pending = (rec, token)  # missing records, or out of place? The next one tells.

    def _decide(self, next_token: str) -> None:
        """A record that did not fit: either records are missing before it (supply them,
        X37...) or it is out of place (skip it, X35). Whichever lets the next record fit
        wins; when both do, for a detail record the reading with fewer errors (a repeated
        record is one X35, not a list of records missing before it), supplying on a tie;
        for an envelope record, supplying (a second A opens a batch: ruling 21)."""
        rec, token = self.pending
        self.pending = None
        order = self.order
        planned = order.plan(token)
        supplied_fits = planned is not None and order.fits(next_token, planned[2])
        skipped_fits = order.fits(next_token)
        envelope = token in ("A", "Y", "Z") or token.startswith("B_")
        if supplied_fits and skipped_fits and len(planned[0]) > 1 and not envelope:
            supplied_fits = False  # both readings explain what follows: the one saying less wins
        if planned is not None and (supplied_fits or not skipped_fits):
            self.errors.extend(order.supply(planned, token, rec.line, rec.record_id))
            self._place(rec, token)
        else:
            self.errors.extend(order.out_of_sequence(token, rec.line, rec.record_id))
            if self.block is not None and token[0] not in "ABYZ":
                self.block["count"] += 1  # out of place, but still between B and Y

    def _place(self, rec: Record, token: str) -> None:
        if token == "A":
            self._close_block()
            self._close_batch(None)
            self.batch = {"A": rec, "blocks": [], "queries": 0}
            self._check_batch_header(rec)
        elif token.startswith("B_"):
            self._close_block()
            self._ensure_batch(rec)
            self.block = {"B": rec, "details": [], "count": 0, "p1": 0, "bond_k1": None}
            self._check_block_header(rec)
        elif token == "Y":
            self._ensure_batch(rec)
            if self.block is None:
                return
            self._close_block(rec)
        elif token == "Z":
            self._close_block()
            self._ensure_batch(rec)
            self._close_batch(rec)
        else:
            if self.block is None:
                return
            self._detail(rec)

    def _detail(self, rec: Record) -> None:
        block = self.block
        block["count"] += 1
        if self.keep:
            block["details"].append(rec)
        rid = rec.record_id
        if rid == "K" and self.batch is not None:
            self.batch["queries"] += 1
            if self.batch["queries"] > 1:
                self.errors.append(error("X41", line=rec.line, first_column=1, last_column=80, record_id="K"))
        elif rid == "P1":
            block["p1"] += 1
            if block["p1"] == MAX_P1_PER_BLOCK + 1:
                self.errors.append(error("X36", line=rec.line, first_column=1, last_column=80, record_id="P1",
                                         message=f"LOOP EXCEEDED: MORE THAN {MAX_P1_PER_BLOCK} P1 RECORDS"))
        elif rid in _KR_DETAILS:
            self._pair_bond(block, rec, rid)

    def _pair_bond(self, block: dict, rec: Record, rid: str) -> None:
        """Ruling 18: a K2 belongs to the K1 just before it; a K1 naming a bond with no K2
        of its own is the older order (`K1 K1 K2`): read, with a warning."""
        if rid == "K2":
            block["bond_k1"] = None
            return
        self._bond_without_k2(block)
        if rid == "K1" and _names_bond(rec):
            block["bond_k1"] = rec

    def _bond_without_k2(self, block: dict) -> None:
        k1 = block["bond_k1"]
        if k1 is not None:
            block["bond_k1"] = None
            self.errors.append(RecordError("W31", narrative("W31"), k1.line, 1, 80, "K1", "bond_number",
                                           k1.bond_number, WARNING))

    def _ensure_batch(self, rec) -> None:
        if self.batch is None:
            self.batch = {"A": None, "blocks": [], "queries": 0}

    def _check_batch_header(self, a) -> None:
        app = a.peek("application_id")
        # Ruling 13: the batch's application id is checked too; missing records are named
        # after the batch's own application.
        self.order.application = None
        if app is None:
            return
        if applications.kind(app) == applications.UNKNOWN:
            self.errors.append(error("X12", line=a.line, first_column=26, last_column=27,
                                     record_id="A", field="application_id", value=app))
        self.order.application = f"B_{app}" if app in APPLICATION_TOKENS else "B_OTHER"

    def _check_block_header(self, b) -> None:
        app = b.peek("application_id")
        line = b.line
        if app is None:
            return
        kind = applications.kind(app)
        if kind == applications.UNKNOWN:
            self.errors.append(error("X12", line=line, first_column=11, last_column=12,
                                     record_id="B", field="application_id", value=app))
        a = self.batch["A"] if self.batch else None
        a_app = a.peek("application_id") if a is not None else None
        if a_app and a_app != app:
            self.errors.append(error("X19", line=line, first_column=11, last_column=12,
                                     record_id="B", field="application_id", value=app,
                                     message=f"BLOCK APP ID / BATCH APP ID CONFLICT: A SAYS {a_app}"))
        if kind != applications.UNKNOWN:
            self.errors.extend(preparer_errors(b))

    def _close_block(self, y=None) -> None:
        if self.block is None:
            return
        self._bond_without_k2(self.block)
        b, details, count = self.block["B"], tuple(self.block["details"]), self.block["count"]
        self.block = None
        if y is not None:
            self._check_trailer(b, count, y)
        if self.batch is not None:
            self.batch["blocks"].append(Block(b, details, y) if self.keep else b.application_id)

    def _check_trailer(self, b, count_read: int, y) -> None:
        """One X32 per Y, however many of its fields differ (ruling 14)."""
        if _same_columns(b, y, _BY_FIELDS) and _count_agrees(y, count_read):
            return  # told from the texts: neither record typed
        differ = [(name, first, last) for name, first, last in
                  (("port", 4, 7), ("filer_code", 8, 10), ("application_id", 11, 12))
                  if getattr(b, name) != getattr(y, name)]
        said = [f"{name} {getattr(y, name) or ''!r}, B has {getattr(b, name) or ''!r}" for name, _, _ in differ]
        count = y.record_count
        if isinstance(count, int) and count != count_read:
            differ.append(("record_count", 13, 17))
            said.append(f"count {count}, the block holds {count_read} detail record"
                        + ("" if count_read == 1 else "s"))
        if not differ:
            return
        name, first, last = differ[0]
        value = getattr(y, name)
        code = "X32"
        if differ[-1][0] != "record_count" and applications.is_answer(b.application_id):
            code = "W13"  # CBP's own answers are read as printed (one shows 1201N02 for 1202N01)
        e = error(code, line=y.line, first_column=first, last_column=last, record_id="Y", field=name,
                  value=f"{value:05d}" if isinstance(value, int) else (value or ""),
                  message=f"{error(code).message}: {'; '.join(said)}")
        self.errors.append(e if code == "X32" else attrs.evolve(e, severity=WARNING))

    def _close_batch(self, z) -> None:
        if self.batch is None:
            return
        a, blocks = self.batch["A"], tuple(self.batch["blocks"])
        self.batch = None
        if self.keep and a is not None and blocks and all(_answer_block(b.application_id) for b in blocks):
            # CBP's answers blank the A record's password, and a reject's application id too.
            self.errors = [e for e in self.errors if not (e.line == a.line and _blank_in_answers(e))]
        if a is not None and z is not None and not _same_columns(a, z, _AZ_FIELDS) and z.ace_marker is None:
            for name, first, last in (("site_code", 2, 5), ("id_code", 6, 8),
                                      ("transmission_date", 15, 20), ("office_code", 38, 39)):
                if getattr(a, name) != getattr(z, name):
                    self.errors.append(error(
                        "X14", line=z.line, first_column=first, last_column=last, record_id="Z",
                        field=name, value=str(getattr(z, name) or ""),
                        message=f"Z-REC DOES NOT MATCH A-REC: {name}"))
        if a is not None and self.keep:
            self.batches.append(Batch(a, blocks, z))

    def end(self) -> None:
        if self.pending is not None:
            self._decide(END)
        self.errors.extend(self.order.finish(line=self.last_line or None))

    def finish(self, newline: str, final_newline: bool = True) -> Transmission:
        self.end()
        self._close_block()
        self._close_batch(None)
        errors = sorted(self.errors, key=lambda e: (e.line or 0, e.first_column or 0))
        return Transmission(tuple(self.batches), tuple(errors), self.layouts.name, newline,
                            final_newline, self.line_ends)


def scan(source, *, layouts=None, lenient: bool = False, validate: bool = True):
    """Stream a file with every check :func:`parse` makes, keeping nothing.

    Yields ``(parsed_record, errors)``: each record with the errors known when it was read
    (its own, and the order and envelope errors it revealed), then ``(None, errors)`` for
    what the end of the input reveals. Memory stays flat whatever the size.
    """
    ls = layouts if isinstance(layouts, LayoutSet) else layout_set(layouts)
    builder = _Builder(ls, keep=False)
    held: list[RecordError] = []  # the current A record's own errors, until its first block
    for parsed in iter_records(source, layouts=ls, lenient=lenient, validate=validate):
        own = list(parsed.errors)
        rec = parsed.record
        if rec is not None and rec.record_id == "A":
            own, held = held, own
        elif rec is not None and rec.record_id in ("B", "Z") and held:
            if rec.record_id == "B" and _answer_block(rec.application_id):
                # CBP's answers blank the A record's password, and a reject's application id too.
                held = [e for e in held if not _blank_in_answers(e)]
            own, held = held + own, []
        n = len(builder.errors)
        builder.add(parsed.line.number, rec, ())
        found = own + builder.errors[n:]
        yield parsed, sorted(found, key=lambda e: (e.line or 0, e.first_column or 0))
    n = len(builder.errors)
    builder.end()
    builder._close_block()
    builder._close_batch(None)
    yield None, held + builder.errors[n:]


_BY_FIELDS = ("port", "filer_code", "application_id")
_AZ_FIELDS = ("site_code", "id_code", "transmission_date", "office_code")
_COLUMNS: dict = {}


def _same_columns(r1, r2, names: tuple[str, ...]) -> bool:
    """True when both records are still untyped and the named fields hold the same text in
    the same columns (text and dates: equal columns, equal values); False when that cannot
    be told this way (the caller then compares typed values)."""
    t1, t2 = r1._text, r2._text
    if t1 is None or t2 is None:
        return False
    key = (r1.layout, r2.layout, names)
    slices = _COLUMNS.get(key)
    if slices is None:
        pairs = [(r1.layout.field(n), r2.layout.field(n)) for n in names]
        same = all(f.slice == g.slice and f.value_kind == g.value_kind and f.value_kind in ("text", "date", "date8")
                   for f, g in pairs)
        slices = _COLUMNS[key] = tuple(f.slice for f, _ in pairs) if same else ()
    if not slices:
        return False
    for s in slices:
        if t1[s] != t2[s]:
            return False
    return True


def _count_agrees(y, count_read: int) -> bool:
    """From an untyped Y's text: its count is blank, or the number of details read."""
    text = y._text
    if text is None:
        return False
    f = y.layout.field("record_count")
    raw = text[f.slice]
    if f.value_kind != "int":
        return False
    if raw.isdigit() and raw.isascii():
        return int(raw) == count_read
    return raw.strip(" ") == ""


def _names_bond(k1) -> bool:
    """Whether a K1 names a bond; from its text while it is untyped (bond_number is text:
    None exactly when its columns are blank), so that the pairing does not type every K1."""
    text = k1._text
    if text is None:
        return k1.bond_number is not None
    where = _BOND_NUMBER_COLUMNS.get(k1.layout)
    if where is None:
        f = k1.layout.field("bond_number")
        where = _BOND_NUMBER_COLUMNS[k1.layout] = f.slice if f.value_kind == "text" else False
    if where is False:
        return k1.bond_number is not None
    return bool(text[where].strip(" "))


_BOND_NUMBER_COLUMNS: dict = {}
_KR_DETAILS = frozenset({"K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8"})
APPLICATION_TOKENS = frozenset(applications.SIMULATED_IDS)


def _answer_block(application_id: str | None) -> bool:
    """A block of CBP's answers: an answer application, or a reject's generated B."""
    return application_id is None or applications.is_answer(application_id)


def _blank_in_answers(e: RecordError) -> bool:
    return e.code == "X11" or (e.code == "X09" and e.field == "password")


def preparer_errors(b) -> list[RecordError]:
    """Ruling 15: the remote preparer's data in B 47-56 against its indicator in 56 (what
    can be told without the database: X21, X22, X24, X25)."""
    ind = b.peek("preparer_indicator")
    line = b.line
    if ind is None and not (b.peek("preparer_port") or b.peek("preparer_filer") or b.peek("preparer_office")):
        return []  # the common case, told without typing the B
    data = b.preparer_port or b.preparer_filer or b.preparer_office
    if ind not in (None, "1"):
        return [error("X21", line=line, first_column=56, last_column=56, record_id="B",
                      field="preparer_indicator", value=ind)]
    if ind is None:
        if data:
            return [error("X22", line=line, first_column=47, last_column=55, record_id="B",
                          field="preparer_port", value=f"{b.preparer_port or '':4}{b.preparer_filer or '':3}"
                                                       f"{b.preparer_office or ''}".rstrip())]
        return []
    out = []
    if b.preparer_port is None:
        out.append(error("X24", line=line, first_column=47, last_column=50, record_id="B",
                         field="preparer_port", value=""))
    if b.preparer_filer is None:
        out.append(error("X25", line=line, first_column=51, last_column=53, record_id="B",
                         field="preparer_filer", value=""))
    return out


# ---------------------------------------------------------------- rendering


def render_lines(records: Iterable[Record]) -> Iterator[str]:
    for r in records:
        yield render_record(r)


def render(transmission_or_records, *, newline: str | None = None) -> bytes:
    """Bytes of a transmission (or of any records), each record followed by the newline."""
    final = True
    if isinstance(transmission_or_records, Transmission):
        ends = transmission_or_records.line_ends
        if newline is None and ends is not None:
            lines = list(render_lines(transmission_or_records.records()))
            if len(lines) == len(ends):  # every line read as a record: the input's own line ends
                return "".join(line + end for line, end in zip(lines, ends)).encode("latin-1")
        records = transmission_or_records.records()
        sep = transmission_or_records.newline if newline is None else newline
        final = transmission_or_records.final_newline or newline is not None
    else:
        records = transmission_or_records
        sep = "\n" if newline is None else newline
    out = sep.join(render_lines(records))
    if out and final:
        out += sep
    return out.encode("latin-1")


class FileRange(io.RawIOBase):
    """Bytes ``start`` to ``end`` of a file, as a stream (for reading a file in parts)."""

    def __init__(self, path, start: int, end: int) -> None:
        self._file = open(path, "rb")
        self._file.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._left <= 0:
            return 0
        view = memoryview(buffer)[: self._left]
        n = self._file.readinto(view)
        self._left -= n
        return n

    def close(self) -> None:
        self._file.close()
        super().close()


def record_boundaries(path, parts: int, record_id: bytes = b"T1") -> list[int]:
    """Offsets that cut a file into about ``parts`` pieces, each (but the first) starting
    at a record with this id: a file of importers can be read in parallel."""
    size = os.path.getsize(path)
    cuts = [0]
    with open(path, "rb") as f:
        head = f.read(RECORD_LENGTH + 2)
        lf = b"\n" in head
        for k in range(1, parts):
            target = size * k // parts
            pos = target if lf else target - target % RECORD_LENGTH
            f.seek(pos)
            while True:
                if lf:
                    line = f.readline()
                    if not line:
                        break
                    pos += len(line)
                    if f.peek(2)[:2] == record_id:
                        break
                else:
                    rec = f.read(RECORD_LENGTH)
                    if len(rec) < RECORD_LENGTH:
                        pos = size
                        break
                    if rec[:2] == record_id:
                        break
                    pos += RECORD_LENGTH
            if cuts[-1] < pos < size:
                cuts.append(pos)
    cuts.append(size)
    return cuts
