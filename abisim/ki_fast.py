"""The bond query's fast path: the common KI transmission read from its text, its KR
answer written from templates.

Most transmissions a simulator answers are the same five records: an A, a B, one K asking
for up to six importer numbers, a Y and a Z, every field clean. Such a transmission needs
no record objects: :meth:`KiForm.read` recognizes it with one regular expression made from
the layout tables (each field's class, blank where the general path would warn or refuse,
the input application's id where one is required) and a few cross-record checks; the
answer's envelope is the input's text with the fields an answer changes rewritten
(:meth:`KiForm.answer`). Anything else - an error or a warning of any kind, a legacy
number, test mode, a remote preparer, a service bureau, another framing - is not read
here (None), and the simulator takes its general path, which says what is wrong. The
general path stays the reference: both give the same bytes (tests/test_ki_fast.py).

Pure: no database here (the simulator checks the sender and reads the bond data).
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from abisim.layouts import Field, Layout, LayoutSet
from abisim.records import RECORD_LENGTH, compile_writer, convert
from abisim import validate
from abisim.validate import IMPORTER_NUMBER_PATTERNS

QUERY_APP, ANSWER_APP = "KI", "KR"
TEST_MODE_PASSWORD = "TEST00"  # ruling 9: test mode takes the general path

# Fields the fast path wants blank, by record id: what the general path reads with a
# warning (legacy numbers, ACE's markers) or checks against the database (the remote
# preparer, ruling 15).
BLANK = {
    "A": ("legacy_number",),
    "B": ("legacy_number", "preparer_port", "preparer_filer", "preparer_office", "preparer_indicator"),
    "Y": ("ace_marker",),
    "Z": ("legacy_number", "ace_marker"),
}
# Fields holding the application id (the input's, in every envelope record of a query).
APPLICATION = {"A": "application_id", "B": "application_id", "Y": "application_id"}
# What the answer's A and B change: the password is never echoed (§2.5).
ANSWER_A_BLANK = ("password",)


class Query(NamedTuple):
    """A recognized bond query: what the simulator needs to check and answer it."""

    site_code: str | None  # the A record's values, as typing would give them
    id_code: str
    password: str | None
    pairs: tuple[tuple[str, str | None], ...]  # (importer number, address request code)
    a: str  # the records' text
    b: str
    z: str


# Fields that must agree between records, each as the earlier one (X32 for B and Y, X14
# for A and Z); and the block's filer must be the sender (a service bureau's block is
# checked against the database: the general path).
SAME = {
    ("Y", "port"): ("B", "port"),
    ("Y", "filer_code"): ("B", "filer_code"),
    ("Z", "site_code"): ("A", "site_code"),
    ("Z", "id_code"): ("A", "id_code"),
    ("Z", "transmission_date"): ("A", "transmission_date"),
    ("Z", "office_code"): ("A", "office_code"),
    ("B", "filer_code"): ("A", "id_code"),
}
# The fields read after the match: the A's (the sender's checks), the K's pairs.
CAPTURED = {"A": ("site_code", "id_code", "password", "transmission_date")}
DETAILS_PER_QUERY = 1  # one K per batch (X41): the Y counts one detail record


def _group(rid: str, name: str) -> str:
    return f"{rid}_{name}"


def _field_pattern(rid: str, f: Field, layout: Layout) -> str:
    """A pattern for the field's columns that only a value the general path takes without
    a word matches (a subset of abisim.validate's check)."""
    n = f.length
    kind = f.value_kind
    if kind == "id":
        return re.escape(f.const)
    if kind == "filler" or f.name in BLANK.get(rid, ()):
        return f" {{{n}}}"
    if APPLICATION.get(rid) == f.name:
        return re.escape(QUERY_APP.ljust(n))
    same = SAME.get((rid, f.name))
    if same is not None:
        while same in SAME:  # the Y's filer is the B's, which is the A's sender
            same = SAME[same]
        return f"(?P={_group(*same)})"
    if rid == "Y" and f.name == "record_count":
        return f"(?:{DETAILS_PER_QUERY:0{n}d}| {{{n}}})"
    mandatory = f"(?! {{{n}}})" if f.designation == "M" else ""
    if rid == "A" and f.name == "password":
        mandatory += f"(?!{re.escape(TEST_MODE_PASSWORD.ljust(n))})"
    if f.const:
        body = re.escape(f.const)
    elif kind in ("int", "date", "date8"):
        body = f"(?:[0-9]{{{n}}}| {{{n}}})"  # dates typed after the match
    elif f.codes == "importer_number":
        body = f"{validate.CLASS_PATTERNS[f.cls]}{{{n}}}"  # its format checked after the match
    elif f.codes:
        allowed = validate._SIMPLE_CODE_LISTS.get(f.codes)
        if allowed is None or not all(isinstance(c, str) and len(c) <= n for c in allowed):
            return f" {{{n}}}"  # a code the fast path does not judge: blank only
        body = "(?:" + "|".join(re.escape(c.ljust(n)) for c in sorted(allowed)) + f"| {{{n}}})"
    else:
        body = f"{validate.CLASS_PATTERNS[f.cls]}{{{n}}}"
    wanted = f.name in CAPTURED.get(rid, ()) or rid == "K" or (rid, f.name) in SAME.values()
    return f"(?P<{_group(rid, f.name)}>{mandatory}{body})" if wanted else f"{mandatory}{body}"


def _record_pattern(layout: Layout, rid: str) -> str:
    return "".join(_field_pattern(rid, f, layout) for f in layout.fields)


class KiForm:
    """The fast path's tables for one layout set, made once from its layout tables."""

    def __init__(self, ls: LayoutSet) -> None:
        self.layouts = ls
        a, b, k, y, z = (ls[r] for r in ("A", "B", "K", "Y", "Z"))
        records = "\n".join(_record_pattern(layout, rid) for layout, rid in
                            ((a, "A"), (b, "B"), (k, "K"), (y, "Y"), (z, "Z")))
        self._lines = re.compile(records + "\n?")  # line feeds, the last one optional
        self._fixed = re.compile(records.replace("\n", ""))  # 80-column records, no line ends
        index = self._lines.groupindex
        at = lambda rid, name: index[_group(rid, name)] - 1  # noqa: E731 (a position in m.groups())
        self._sender = tuple(at("A", name) for name in ("site_code", "id_code", "password"))
        self._pairs = tuple((at("K", f"importer_number_{n}"), at("K", f"address_request_{n}")) for n in range(1, 7))
        # The K's columns from its n-th pair on (0-based), which must be blank when pair n is.
        self._after = tuple(slice(k.field(f"importer_number_{n}").start - 1, RECORD_LENGTH) for n in range(1, 7))
        self._date = at("A", "transmission_date"), a.field("transmission_date")
        # An importer number of any of its formats (abisim.validate's), in one match.
        self._importer_number = re.compile("|".join(f"(?:{p.pattern})" for p in IMPORTER_NUMBER_PATTERNS.values())
                                           ).fullmatch
        # The answer's envelope: the input's text, with these columns rewritten.
        self._answer_a = tuple((a.field(name).slice, " " * a.field(name).length) for name in ANSWER_A_BLANK) + (
            (a.field("application_id").slice, ANSWER_APP.ljust(a.field("application_id").length)),)
        self._answer_b = ((b.field("application_id").slice, ANSWER_APP.ljust(b.field("application_id").length)),)
        self._trailer = _trailer_writer(b, y)

    def read(self, data: bytes) -> Query | None:
        """The query in ``data``, or None when anything about it is not the common case."""
        if data[RECORD_LENGTH:RECORD_LENGTH + 1] == b"\n":
            pattern, width = self._lines, RECORD_LENGTH + 1
        else:
            pattern, width = self._fixed, RECORD_LENGTH
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError:
            return None
        m = pattern.fullmatch(text)
        if m is None:
            return None
        g = m.groups()
        well_formed = self._importer_number
        at, f = self._date
        try:
            convert(f, g[at])  # six digits that are no date (X10)
        except ValueError:
            return None
        pairs = []
        for number_at, code_at in self._pairs:
            number = g[number_at]
            if number.isspace():
                break
            if well_formed(number) is None:
                return None  # a malformed number: answered with a warning (R03)
            pairs.append((number.rstrip(" "), g[code_at].rstrip(" ") or None))
        if len(pairs) < len(self._pairs):
            # After the first empty pair, nothing: a code without its number or a pair
            # after an empty one is X38.
            k = text[width * 2:width * 2 + RECORD_LENGTH]
            if not k[self._after[len(pairs)]].isspace():
                return None
        site, id_code, password = self._sender
        return Query(g[site].rstrip(" ") or None, g[id_code].rstrip(" "), g[password].rstrip(" ") or None,
                     tuple(pairs), text[:RECORD_LENGTH],
                     text[width:width + RECORD_LENGTH], text[4 * width:4 * width + RECORD_LENGTH])

    def answer(self, query: Query, details: list[str]) -> bytes:
        """The KR answer: the A and B mirrored, the detail records' text, a new Y, the Z."""
        a = query.a
        for where, text in self._answer_a:
            a = a[:where.start] + text + a[where.stop:]
        b = query.b
        for where, text in self._answer_b:
            b = b[:where.start] + text + b[where.stop:]
        y = self._trailer(query.b, len(details))
        return "\n".join((a, b, *details, y, query.z, "")).encode("ascii")


def _trailer_writer(b: Layout, y: Layout):
    """``y(b_text, count)``: the answer's Y from its B - the B's port, filer and office, the
    answer's application, the count of detail records (blank when it does not fit) -
    generated from the two layout tables."""
    copied = ("port", "filer_code", "filer_office")
    parts = []
    count = "''"
    for f in y.fields:
        if f.value_kind == "id":
            parts.append(repr(f.const))
        elif f.name in copied:
            g = b.field(f.name)
            if g.length != f.length:
                raise ValueError(f"Y {f.name} is not as long as B's")
            parts.append(f"b[{g.start - 1}:{g.end}]")
        elif f.name == "application_id":
            parts.append(repr(ANSWER_APP.ljust(f.length)))
        elif f.name == "record_count":
            count = f"(f'{{n:0{f.length}d}}' if n < {10 ** f.length} else {' ' * f.length!r})"
            parts.append("count")
        else:
            parts.append(repr(" " * f.length))
    src = f"def y(b, n):\n    count = {count}\n    return ''.join(({', '.join(parts)},))"
    env: dict = {}
    exec(compile(src, f"<Y from B {y.version}>", "exec"), env)
    return env["y"]


def write(layout: Layout, values: dict) -> str:
    """One record's 80 columns from its field values: ``render_record(make(layout,
    **values))`` without making the record."""
    writer = _WRITERS.get(layout)
    if writer is None:
        writer = _WRITERS[layout] = compile_writer(layout, from_values=True)
    return writer(values)


_WRITERS: dict = {}


@functools.lru_cache(maxsize=None)
def form(ls: LayoutSet) -> KiForm | None:
    """The fast path's tables for a layout set; None when its layouts do not allow one."""
    try:
        return KiForm(ls)
    except (KeyError, ValueError):
        return None
