"""Record layouts as data: one table per record, grouped in named versions.

A version module holds ``VERSION`` (its name), ``FAMILY`` (which layouts it replaces
when chosen) and ``RECORDS``: record id -> tuple of :class:`Field`. Everything else
(record classes, slicing, rendering, validation) is derived from these tables.
"""

from __future__ import annotations

import functools
import importlib
from typing import Iterable, Mapping

import attrs

CLASSES = frozenset({"A", "N", "AN", "X", "S", "D", "(S)N"})
DESIGNATIONS = frozenset({"M", "C", "O", ""})


@attrs.frozen(slots=True, cache_hash=True)
class Field:
    """One field of a record: CATAIR's own columns (1-based, inclusive)."""

    name: str
    start: int
    length: int
    cls: str
    designation: str = ""
    justify: str = ""  # "L" or "R"; derived from the class when empty
    kind: str = ""  # value type: "text", "int", "date", "date8", "code", "filler", "id"
    codes: str = ""  # name of a code list or rule checked by validation
    const: str = ""  # fixed value (record identifiers, literals)

    def __attrs_post_init__(self) -> None:
        if self.cls not in CLASSES:
            raise ValueError(f"{self.name}: unknown class {self.cls!r}")
        if self.designation not in DESIGNATIONS:
            raise ValueError(f"{self.name}: unknown designation {self.designation!r}")

    @property
    def end(self) -> int:
        """Last column, inclusive."""
        return self.start + self.length - 1

    @property
    def slice(self) -> slice:
        return slice(self.start - 1, self.start - 1 + self.length)

    @property
    def value_kind(self) -> str:
        if self.kind:
            return self.kind
        if self.cls == "S":
            return "filler"
        if self.cls == "D":
            return "date"
        if self.cls in ("N", "(S)N"):
            return "int"
        return "text"

    @property
    def right_justified(self) -> bool:
        if self.justify:
            return self.justify == "R"
        return self.value_kind == "int"


def F(name, start, length, cls, designation="", **kw) -> Field:
    """Shorthand for table rows."""
    return Field(name, start, length, cls, designation, **kw)


def ID(record_id: str) -> Field:
    """The record identifier in columns 1 (1 character) or 1-2."""
    return Field("record_id", 1, len(record_id), "AN", "M", kind="id", const=record_id)


def FILL(start: int, end: int) -> Field:
    return Field(f"filler_{start}", start, end - start + 1, "S", "", kind="filler")


@attrs.frozen(slots=True, cache_hash=True)
class Layout:
    record_id: str
    version: str
    fields: tuple[Field, ...]
    title: str = ""
    scope: str = ""  # an application id: the layout holds only inside that application's blocks

    @property
    def token(self) -> str:
        """The grammar terminal (B and TN are refined by a field: see structure.token_for)."""
        rid = self.record_id
        base = "R" + rid if rid[0].isdigit() else rid
        return f"{self.scope}_{base}" if self.scope else base

    def field(self, name: str) -> Field:
        f = _fields_by_name(self).get(name)
        if f is None:
            raise KeyError(f"{self.record_id} has no field {name!r}")
        return f

    @property
    def value_fields_names(self) -> frozenset[str]:
        return _value_fields_names(self)

    @property
    def value_fields(self) -> tuple[Field, ...]:
        """Fields that carry a value on the record class (no fillers, no id)."""
        return _value_fields(self)


@functools.lru_cache(maxsize=None)
def _value_fields(layout: Layout) -> tuple[Field, ...]:
    return tuple(f for f in layout.fields if f.value_kind not in ("filler", "id"))


@functools.lru_cache(maxsize=None)
def _value_fields_names(layout: Layout) -> frozenset[str]:
    return frozenset(f.name for f in _value_fields(layout))


@functools.lru_cache(maxsize=None)
def _fields_by_name(layout: Layout) -> dict[str, Field]:
    return {f.name: f for f in layout.fields}


# Version modules, newest first within each family. The first of each family is the default.
_VERSION_MODULES = {
    "bbc-v23": "bbc_v23",
    "ki-v7-2025": "ki_v7_2025",
    "ki-2010": "ki_2010",
    "tp-v12-2019": "tp_v12_2019",
    "ebond-v1.9": "ebond_v1_9",
    "sim-xp-1": "sim_xp_1",
    "ti-legacy": "ti_legacy",
}


def _load(version: str):
    return importlib.import_module(f"{__name__}.{_VERSION_MODULES[version]}")


def versions() -> tuple[str, ...]:
    return tuple(_VERSION_MODULES)


def families() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for v in _VERSION_MODULES:
        out.setdefault(_load(v).FAMILY, []).append(v)
    return out


DEFAULT_VERSIONS = tuple(vs[0] for vs in families().values())


@attrs.frozen(slots=True)
class LayoutSet:
    """The layouts in force for one parse: one version of each family."""

    versions: tuple[str, ...]
    layouts: Mapping[str, Layout] = attrs.field(eq=False)  # follows from the versions
    # Application id -> record id -> layout, where an application reuses a record id.
    scoped: Mapping[str, Mapping[str, Layout]] = attrs.field(eq=False, factory=dict)

    def within(self, application_id: str | None) -> Mapping[str, Layout]:
        """The layouts in force inside a block of this application."""
        scoped = self.scoped.get(application_id) if application_id else None
        return {**self.layouts, **scoped} if scoped else self.layouts

    @property
    def name(self) -> str:
        return "+".join(self.versions)

    def get(self, record_id: str) -> Layout | None:
        return self.layouts.get(record_id)

    def __getitem__(self, record_id: str) -> Layout:
        return self.layouts[record_id]


_SETS: dict[tuple[str, ...], LayoutSet] = {}


def layout_set(chosen: Iterable[str] | str | None = None) -> LayoutSet:
    """The default versions, with any chosen version replacing its family's default."""
    if isinstance(chosen, str):
        chosen = [c for c in chosen.replace("+", ",").split(",") if c]
    chosen = tuple(chosen or ())
    known = _CHOSEN.get(chosen)
    if known is not None:  # the hot path: no module look-ups
        return known
    _CHOSEN[chosen] = _layout_set(chosen)
    return _CHOSEN[chosen]


_CHOSEN: dict[tuple[str, ...], LayoutSet] = {}


def _layout_set(chosen: tuple[str, ...]) -> LayoutSet:
    by_family = {_load(v).FAMILY: v for v in DEFAULT_VERSIONS}
    for v in chosen:
        if v not in _VERSION_MODULES:
            raise ValueError(f"unknown layout version {v!r}; known: {', '.join(versions())}")
        by_family[_load(v).FAMILY] = v
    key = tuple(sorted(by_family.values()))
    if key not in _SETS:
        layouts: dict[str, Layout] = {}
        scoped: dict[str, dict[str, Layout]] = {}
        for v in key:
            mod = _load(v)
            scope = getattr(mod, "SCOPE", "")
            for rid, fields in mod.RECORDS.items():
                layout = Layout(rid, v, tuple(fields), mod.TITLES.get(rid, ""), scope)
                if scope:
                    scoped.setdefault(scope, {})[rid] = layout
                else:
                    layouts[rid] = layout
        _SETS[key] = LayoutSet(key, layouts, scoped)
    return _SETS[key]


def all_layouts() -> list[Layout]:
    """Every layout of every version (for checks and documentation)."""
    out = []
    for v in _VERSION_MODULES:
        mod = _load(v)
        out.extend(Layout(rid, v, tuple(f), mod.TITLES.get(rid, ""), getattr(mod, "SCOPE", ""))
                   for rid, f in mod.RECORDS.items())
    return out


def coverage_problems(layout: Layout) -> list[str]:
    """Gaps, overlaps and overruns of a layout against columns 1-80."""
    problems = []
    col = 1
    for f in sorted(layout.fields, key=lambda f: f.start):
        if f.length < 1:
            problems.append(f"{f.name}: length {f.length}")
        if f.start > col:
            problems.append(f"gap at columns {col}-{f.start - 1}")
        elif f.start < col:
            problems.append(f"{f.name} overlaps at column {f.start}")
        col = max(col, f.end + 1)
    if col != 81:
        problems.append(f"layout ends at column {col - 1}, not 80")
    return problems
