"""Bond data for the comparator, read straight from the store's rows, many importers a query.

The comparator (:mod:`abisim.compare`) reads one importer's bond data as *parties*: the
KR records a bond query would answer (K1/K2 per visible bond, K3/K4 mailing, K5/K6
physical), or light stand-ins for them that carry only the fields it compares. Those
stand-ins are made here from the rows of two queries per batch of importers (importers
``IN (...)``, then their continuous bonds), with the same choices as the bond query's
answer (:func:`abisim.rules.bond_query.answer_records` with an address request): the same
visible bonds in the same order, names cut to the columns they are answered in. No KR
record is built and nothing is rendered. A property test holds both paths equal.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import namedtuple
from typing import Iterable

from abisim import codes
from abisim.layouts import LayoutSet, layout_set
from abisim.rules.bond_query import (RESULT_BOND, RESULT_INACTIVE, RESULT_NO_BOND, RESULT_NOT_ON_FILE,
                                     RESULT_VOIDED, visible_bonds)
from abisim.store import Store, date_of
from abisim.validate import importer_number_format

BATCH = 256  # importers per query: one prepared statement for every full batch

# The importer's columns the comparator reads, in this order.
_IMPORTER = ("importer_number", "status", "name", "name_qualifier", "name_line_2", "mail_address_1",
             "mail_address_2", "mail_city", "mail_state", "mail_postal_code", "physical_address_1",
             "physical_address_2", "physical_city", "physical_state", "physical_postal_code")
_STATUS = {"voided": RESULT_VOIDED, "inactive": RESULT_INACTIVE}


class _Party:
    """What a stand-in shares with a record: where its fields are, for a finding's columns."""

    __slots__ = ()
    record_id: str
    layout = None  # set per layout set by ``_Kinds``
    line = None  # not read from a file


def _party(name: str, fields: str, defaults: int = 0) -> type:
    base = namedtuple(name, fields, defaults=(None,) * defaults)
    return type(name, (_Party, base), {"__slots__": ()})


_K1 = _party("K1", "importer_number result_code importer_name activity_code bond_number", 3)
_K2 = _party("K2", "name_qualifier name_line_2 termination_date sufficiency user_status user_termination_date", 2)
_Address = _party("Address", "address_1 address_2")
_City = _party("City", "city state postal_code")


def _cut(text: str | None, n: int) -> str | None:
    return text[:n] if text else None


class _Kinds:
    """The stand-in classes of one layout set: each knows its record id and layout."""

    def __init__(self, ls: LayoutSet) -> None:
        def kind(base, record_id):
            return type(record_id, (base,), {"__slots__": (), "record_id": record_id, "layout": ls[record_id]})

        self.k1, self.k2 = kind(_K1, "K1"), kind(_K2, "K2")
        self.k3, self.k4 = kind(_Address, "K3"), kind(_City, "K4")
        self.k5, self.k6 = kind(_Address, "K5"), kind(_City, "K6")
        # The 2015 K2 (with the 10-digit amount) answers a bond user's status, as answer_records.
        self.user_status = "bond_amount_10" in ls["K2"].value_fields_names


class BondRows:
    """The bond data of a store, read for a batch of importers at a time. One per process
    (it holds the store's connection); ``fetch`` is the whole interface."""

    def __init__(self, store: Store, layouts: LayoutSet | None = None) -> None:
        self.store = store
        self.kinds = _Kinds(layouts or layout_set())

    def fetch(self, numbers: Iterable[str | None], as_of: dt.date) -> dict:
        """Importer number -> its parties, for every number given (``None`` as ``""``),
        read in one snapshot, two queries per ``BATCH`` numbers."""
        numbers = list(dict.fromkeys(n or "" for n in numbers))
        importers: dict[str, tuple] = {}
        bonds: dict[str, list[sqlite3.Row]] = {}
        with self.store.snapshot() as conn:
            plain = conn.cursor()
            plain.row_factory = None
            named = conn.cursor()
            named.row_factory = sqlite3.Row  # read by name, as visible_bonds reads them
            for start in range(0, len(numbers), BATCH):
                chunk = numbers[start:start + BATCH]
                marks = ",".join("?" * len(chunk))
                for row in plain.execute(_IMPORTERS_SQL.format(marks), chunk):
                    # The bond query looks up well-formed numbers only.
                    if importer_number_format(row[0]):
                        importers[row[0]] = row
                for row in named.execute(_BONDS_SQL.format(marks), chunk):
                    bonds.setdefault(row[0], []).append(row)
        kinds = self.kinds
        return {n: parties(kinds, n, importers.get(n), bonds.get(n, []), as_of) for n in numbers}


_IMPORTERS_SQL = f"SELECT {', '.join(_IMPORTER)} FROM importers WHERE importer_number IN ({{}})"
# The order of Store.bonds_of: a bond named twice keeps its best role first.
_BONDS_SQL = """SELECT p.importer_number, b.bond_number, b.activity_code, b.termination_date, b.sufficient,
                       p.role, p.delete_date AS user_delete_date
                FROM bond_parties p JOIN bonds b ON b.bond_number = p.bond_number
                WHERE p.importer_number IN ({}) AND b.bond_type = '8'
                ORDER BY p.importer_number, b.effective_date, b.bond_number,
                         CASE p.role WHEN 'principal' THEN 0 WHEN 'co-principal' THEN 1 ELSE 2 END"""


def parties(kinds: _Kinds, number: str, importer: tuple | None, bonds: list, as_of: dt.date) -> list:
    """One importer's parties as the bond query answers them (with the address request):
    ``importer`` a row of ``_IMPORTER`` (None when not on file), ``bonds`` its rows."""
    new = tuple.__new__  # what a named tuple's constructor calls, without its Python frame
    if importer is None:
        return [new(kinds.k1, (number, RESULT_NOT_ON_FILE, None, None, None))]
    (number, status, name, qualifier, line_2, mail_1, mail_2, mail_city, mail_state, mail_postal,
     physical_1, physical_2, physical_city, physical_state, physical_postal) = importer
    name = name[:32] if name else None
    visible = visible_bonds(None, number, as_of, bonds) if status == "active" else ()
    if status in _STATUS:
        out = [new(kinds.k1, (number, _STATUS[status], name, None, None))]
    elif not visible:
        out = [new(kinds.k1, (number, RESULT_NO_BOND, name, None, None))]
    else:
        out = []
        k1, k2, users, letters = kinds.k1, kinds.k2, kinds.user_status, codes.ACTIVITY_CODE_TO_LETTER
        line_2 = line_2[:32] if line_2 else None
        for bond in visible:
            out.append(new(k1, (number, RESULT_BOND, name, letters.get(bond["activity_code"]), bond["bond_number"])))
            user_status = ended = None
            if users and bond["role"] == "user":
                ended = date_of(bond["user_delete_date"])
                user_status = "T" if ended is not None and ended <= as_of else "A"
            out.append(new(k2, (qualifier, line_2, date_of(bond["termination_date"]),
                                "Y" if bond["sufficient"] else "N", user_status, ended)))
    if mail_1 or mail_city:
        out.append(new(kinds.k3, (_cut(mail_1, 32), _cut(mail_2, 32))))
        out.append(new(kinds.k4, (_cut(mail_city, 21), mail_state, mail_postal)))
    if physical_1 or physical_city:
        out.append(new(kinds.k5, (_cut(physical_1, 32), _cut(physical_2, 32))))
        out.append(new(kinds.k6, (_cut(physical_city, 21), physical_state, physical_postal)))
    return out
