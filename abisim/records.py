"""Records: frozen attrs classes made from the layout tables, and the slicing and
rendering of one 80-column record. Pure functions; errors are returned, never raised.

Values are typed by the layout: text as ``str`` (trailing spaces dropped), numbers as
``int``, dates as ``datetime.date``, blank fields as ``None``. A value that cannot be
typed is kept as its raw text, so that a bad record still renders back to its bytes.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import attrs

from abisim.errors import RecordError, error
from abisim.layouts import Field, Layout

RECORD_LENGTH = 80


class Record:
    """Base of every record class; ``record_id`` and ``layout`` are class attributes."""

    __slots__ = ()
    record_id: str = ""
    layout: Layout

    def values(self) -> dict:
        """Field name -> value, in column order."""
        return {f.name: getattr(self, f.name) for f in self.layout.value_fields}

    def peek(self, name: str):
        """A field's value without typing the whole record: a text field of a record read
        lazily is sliced from its text (as typing would), anything else is read as usual."""
        text = self._text
        if text is not None:
            where = self._text_slices.get(name)
            if where is not None:
                return text[where].rstrip(" ") or None
        return getattr(self, name)

    def replace(self, **changes):
        """A copy with ``changes`` (as ``attrs.evolve``, without its per-call introspection)."""
        for name in self._init_names:
            if name not in changes:
                changes[name] = getattr(self, name)  # a lazy record types its fields here
        return type(self)(**changes)

    def __getattr__(self, name):
        # Only reached for a slot with no value: a record read lazily (``_lazy``) keeps its
        # text and types every field the first time any of them is read.
        try:
            text = object.__getattribute__(self, "_text")
        except AttributeError:
            text = None
        cls = type(self)
        if text is None or name not in cls._field_names:
            raise AttributeError(f"{cls.__name__!r} object has no attribute {name!r}")
        cls._fill(self, text)
        return object.__getattribute__(self, name)

    def __reduce__(self):
        # Record classes are made at run time: a record pickles as its layout and values.
        layout = self.layout
        return _rebuild, (layout, tuple(getattr(self, f.name) for f in layout.value_fields), self.line)


def _rebuild(layout: Layout, values: tuple, line):
    return record_class(layout)(*values, line=line)


@lru_cache(maxsize=None)
def record_class(layout: Layout) -> type:
    """The attrs class for a layout (one per record id and version)."""
    fields = {
        f.name: attrs.field(default=f.const or None) for f in layout.value_fields
    }
    # Where the record was read from; not part of its value.
    fields["line"] = attrs.field(default=None, eq=False, repr=False, kw_only=True)
    # The text of a record read lazily (kept once typed: checks compare columns of it);
    # None when made.
    fields["_text"] = attrs.field(default=None, eq=False, repr=False, init=False)
    name = layout.token
    cls = attrs.make_class(name, fields, bases=(Record,), frozen=True, slots=True)
    cls.record_id = layout.record_id
    cls.layout = layout
    cls.__doc__ = f"{layout.record_id}: {layout.title} ({layout.version})"
    cls._parse_fast = _compile_parser(layout, cls)
    cls._field_names = frozenset(f.name for f in layout.value_fields)
    cls._text_slices = {f.name: f.slice for f in layout.value_fields
                        if f.value_kind not in ("int", "date", "date8")}  # typed as _typing_lines does
    cls._init_names = (*(f.name for f in layout.value_fields), "line")
    cls._lazy, cls._fill, cls._bare = _compile_lazy(layout, cls)
    # The grammar terminal, when the record id alone decides it (B and TN need a field).
    cls._token = None if layout.record_id in ("B", "TN") else layout.token
    cls._render = staticmethod(_compile_renderer(layout))
    return cls


# ---------------------------------------------------------------- value conversion


def _century(yy: int) -> int:
    # MMDDYY carries no century: 70-99 are the 1900s (1971 appears in CBP samples).
    return 1900 + yy if yy >= 70 else 2000 + yy


# The dates an MMDDYY field can carry (the window of _century): the as-of clock, fixtures
# and records stay within it.
FIRST_DATE, LAST_DATE = dt.date(1970, 1, 1), dt.date(2069, 12, 31)
DATE_RANGE = f"{FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()} (records carry two-digit years)"


def carried_date(value: dt.date) -> dt.date:
    """``value`` if a record can carry it; else ValueError naming the range."""
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"{value.isoformat()} is outside {DATE_RANGE}")
    return value


@lru_cache(maxsize=8192)
def parse_date6(text: str) -> dt.date | None:
    """MMDDYY -> date; spaces -> None; raises ValueError when not a date."""
    if text == "      ":
        return None
    if len(text) != 6 or not (text.isascii() and text.isdigit()):
        raise ValueError(text)
    return dt.date(_century(int(text[4:6])), int(text[0:2]), int(text[2:4]))


@lru_cache(maxsize=8192)
def parse_date8(text: str) -> dt.date | None:
    """MMDDYYYY -> date; spaces -> None."""
    if text == " " * 8:
        return None
    if len(text) != 8 or not (text.isascii() and text.isdigit()):
        raise ValueError(text)
    return dt.date(int(text[4:8]), int(text[0:2]), int(text[2:4]))


def format_date6(value: dt.date) -> str:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"{value} cannot be written as MMDDYY")
    return value.strftime("%m%d%y")


def convert(f: Field, raw: str):
    """Typed value of one field's raw text; raises ValueError when it has none."""
    kind = f.value_kind
    if kind == "int":
        if raw.isascii() and raw.isdigit():
            return int(raw)
        if raw.strip(" ") == "":
            return None
        raise ValueError(raw)
    if kind == "date":
        return parse_date6(raw)
    if kind == "date8":
        return parse_date8(raw)
    return raw.rstrip(" ") or None


def field_text(f: Field, value) -> str:
    """The field's columns for a value (exactly ``f.length`` characters)."""
    if value is None:
        return " " * f.length
    kind = f.value_kind
    if isinstance(value, str):
        # Text, codes, and raw text kept from a value that could not be typed.
        text = value.rjust(f.length) if f.right_justified else value.ljust(f.length)
    elif isinstance(value, bool):
        raise ValueError(f"{f.name}: a bool is not a field value")
    elif isinstance(value, int):
        if value < 0:
            raise ValueError(f"{f.name}: negative amount {value}")
        text = str(value).zfill(f.length)
    elif isinstance(value, dt.date):
        text = format_date6(value) if kind == "date" else value.strftime("%m%d%Y")
    else:
        raise ValueError(f"{f.name}: cannot write {type(value).__name__}")
    if len(text) != f.length:
        raise ValueError(f"{f.name}: {value!r} does not fit in {f.length} columns")
    return text


# ---------------------------------------------------------------- parse and render


def _typing_lines(layout: Layout, indent: str = "    ") -> tuple[list[str], list[str]]:
    """Source lines typing every value field of ``line`` into v0, v1, ... (raising on a
    value that cannot be typed: ``_bad`` is undefined), and the variable names."""
    src, names = [], []
    for i, f in enumerate(layout.value_fields):
        a, b = f.start - 1, f.end
        v = f"v{i}"
        kind = f.value_kind
        if kind == "int":
            blank = " " * f.length
            src.append(f"{indent}s = line[{a}:{b}]")
            src.append(f"{indent}{v} = int(s) if s.isdigit() and s.isascii() else (None if s == {blank!r} else _bad)")
        elif kind == "date":
            src.append(f"{indent}{v} = d6(line[{a}:{b}])")
        elif kind == "date8":
            src.append(f"{indent}{v} = d8(line[{a}:{b}])")
        else:
            src.append(f"{indent}{v} = line[{a}:{b}].rstrip(' ') or None")
        names.append(v)
    return src, names


def _compile_parser(layout: Layout, cls: type):
    """A fast converter for well-formed records: slices and types in one call.

    It raises on any value it cannot type; the caller then takes the slow path,
    which keeps the raw text and reports the error.
    """
    env = {"cls": cls, "d6": parse_date6, "d8": parse_date8}
    body, args = _typing_lines(layout)
    src = ["def parse(line, line_no):", *body,
           f"    return cls({', '.join(args)}{', ' if args else ''}line=line_no)"]
    exec(compile("\n".join(src), f"<layout {layout.version} {layout.record_id}>", "exec"), env)
    return env["parse"]


def _compile_lazy(layout: Layout, cls: type):
    """``lazy(text, line_no)``: a record that keeps its text, its fields typed on first
    access by ``fill(record, text)``. ``lazy`` raises ValueError when a field could not be
    typed (the caller then takes :func:`parse_record`'s slow path), so that typing
    problems are still found when the record is read: one regular expression for the
    number fields, and the dates (cached) typed at once."""
    import re

    pattern = []
    col = 1
    dates = []
    for f in layout.value_fields:
        kind = f.value_kind
        if kind in ("int", "date", "date8"):
            if f.start > col:
                pattern.append(f".{{{f.start - col}}}")
            pattern.append(f"(?:[0-9]{{{f.length}}}| {{{f.length}}})")
            col = f.end + 1
            if kind != "int":
                dates.append((f.start - 1, f.end, parse_date6 if kind == "date" else parse_date8))
    typable = re.compile("".join(pattern), re.DOTALL).match if pattern else None
    new = object.__new__
    set_text = cls.__dict__["_text"].__set__
    set_line = cls.__dict__["line"].__set__

    def lazy(text: str, line_no):
        if typable is not None and typable(text) is None:
            raise ValueError(text)
        for a, b, d in dates:
            d(text[a:b])
        r = new(cls)
        set_text(r, text)
        set_line(r, line_no)
        return r

    # fill: the same typing as the parser, each value stored straight into its slot.
    env = {"d6": parse_date6, "d8": parse_date8, "set_text": set_text}
    body, names = _typing_lines(layout)
    src = ["def fill(r, line):", *body]
    for f, v in zip(layout.value_fields, names):
        env[f"set_{v}"] = cls.__dict__[f.name].__set__
        src.append(f"    set_{v}(r, {v})")
    exec(compile("\n".join(src), f"<fill {layout.version} {layout.record_id}>", "exec"), env)

    def bare(text: str, line_no):
        # As lazy, for a text already known to type (the clean-input path checked it).
        r = new(cls)
        set_text(r, text)
        set_line(r, line_no)
        return r

    return lazy, env["fill"], bare


def parse_record(text: str, layout: Layout, line: int | None = None) -> tuple[Record, list[RecordError]]:
    """Slice one record (80 characters, padded by the caller if short) into its class.

    Only typing problems are reported here; field rules are in :mod:`abisim.validate`.
    """
    cls = record_class(layout)
    try:
        return cls._parse_fast(text, line), []
    except (ValueError, NameError):
        pass
    values, errors = [], []
    for f in layout.value_fields:
        raw = text[f.slice]
        try:
            values.append(convert(f, raw))
        except ValueError:
            values.append(raw)
            code = "X10" if f.name == "transmission_date" else "PDM"
            errors.append(
                error(code, element=f.name, line=line, first_column=f.start,
                      last_column=f.end, record_id=layout.record_id, field=f.name, value=raw)
            )
    return cls(*values, line=line), errors


def render_record(record: Record) -> str:
    """The 80 characters of a record (no line ending)."""
    return record._render(record)


def _compile_renderer(layout: Layout):
    """Render code generated from the layout: the common value types inline, the rest
    (dates, raw text kept from bad input, errors) through :func:`field_text`."""
    src = ["def render(r):"]
    env = {"field_text": field_text, "d6": _date6_text}
    parts = []
    for i, f in enumerate(layout.fields):
        kind = f.value_kind
        n = f.length
        if kind == "id":
            parts.append(repr(f.const))
            continue
        if kind == "filler":
            parts.append(repr(" " * n))
            continue
        env[f"f{i}"] = f
        src.append(f"    v = r.{f.name}")
        src.append(f"    if v is None: p{i} = {' ' * n!r}")
        if kind == "int":
            src.append(f"    elif type(v) is int and 0 <= v < {10 ** n}: p{i} = str(v).zfill({n})")
        elif kind == "date":
            src.append(f"    elif type(v) is _date: p{i} = d6(v)")
            env["_date"] = dt.date
        else:
            pad = "rjust" if f.right_justified else "ljust"
            src.append(f"    elif type(v) is str and len(v) <= {n}: p{i} = v.{pad}({n})")
        src.append(f"    else: p{i} = field_text(f{i}, v)")
        parts.append(f"p{i}")
    src.append(f"    return ''.join(({', '.join(parts)},))")
    exec(compile("\n".join(src), f"<render {layout.version} {layout.record_id}>", "exec"), env)
    return env["render"]


@lru_cache(maxsize=4096)
def _date6_text(value: dt.date) -> str:
    return format_date6(value)


def make(layout: Layout, **values) -> Record:
    """Build a record by field name; unknown names raise TypeError."""
    return record_class(layout)(**values)


def split_at(records, record_id: str) -> list[list[Record]]:
    """Records grouped into runs that each start at ``record_id`` (one importer, one bond)."""
    groups: list[list[Record]] = []
    for r in records:
        if r.record_id == record_id or not groups:
            groups.append([])
        groups[-1].append(r)
    return groups
