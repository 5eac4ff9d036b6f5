"""TP -> TT: the electronic CBP Form 5106 (domain reference §3, rulings 1 and 8)."""

from __future__ import annotations

import datetime as dt

from abisim import codes
from abisim.errors import RecordError, narrative
from abisim.records import Record, make, render_record, split_at
from abisim.rules.bond_query import visible_bonds
from abisim.store import Store

# The 5106 fields that a filer may not change with U once a continuous bond is on file.
NAME_AND_ADDRESS = (
    "name", "name_qualifier", "name_line_2", "mail_address_1", "mail_address_2", "mail_city",
    "mail_state", "mail_postal_code", "mail_country", "physical_address_1", "physical_address_2",
    "physical_city", "physical_state", "physical_postal_code", "physical_country",
)


def split_importers(details) -> list[list[Record]]:
    """A TP block's details, one list per importer (each starts with its T1)."""
    return split_at(details, "T1")


# Where CBP's importer file takes each column from: (column, 5106 record, field).
IMPORTER_FILE_FIELDS = (
    ("importer_number", "T1", "importer_number"), ("importer_type", "T1", "importer_type"),
    ("name", "T1", "importer_name"), ("mail_address_1", "T1", "mail_address_1"),
    ("name_qualifier", "TA", "name_qualifier"), ("name_line_2", "TA", "name_line_2"),
    ("mail_address_2", "T2", "mail_address_2"), ("mail_city", "T2", "mail_city"),
    ("mail_state", "T2", "mail_state"), ("mail_postal_code", "T2", "mail_postal_code"),
    ("mail_country", "T2", "mail_country"),
    ("physical_address_1", "TB", "physical_address_1"), ("physical_address_2", "TB", "physical_address_2"),
    ("physical_city", "TC", "physical_city"), ("physical_state", "TC", "physical_state"),
    ("physical_postal_code", "TC", "physical_postal_code"), ("physical_country", "TC", "physical_country"),
    ("phone", "TD", "phone"),
)


def importer_values(group: list[Record]) -> dict:
    """What CBP's importer file takes from one importer's 5106 records."""
    by_id: dict[str, Record] = {}
    overflow: dict[str, str] = {}
    for r in group:
        if r.record_id == "TN":
            overflow[r.qualifier] = overflow.get(r.qualifier, "") + (r.overflow or "")
        else:
            by_id.setdefault(r.record_id, r)
    values = {column: getattr(by_id[rid], field) if rid in by_id else None
              for column, rid, field in IMPORTER_FILE_FIELDS}
    values["name"] = values["name"] or ""
    t3, tf = by_id.get("T3"), by_id.get("TF")
    # The full legal name and the e-mail continue in TN records (IN1, CE1) past 30 characters.
    values["legal_name"] = ((t3.legal_name or "") + overflow.get("IN1", "")) or None if t3 is not None else None
    values["email"] = ((tf.email or "") + overflow.get("CE1", "")) or None if tf is not None else None
    return values


def tp_text(group: list[Record]) -> str:
    """The 5106 detail records as CBP keeps them (one line each)."""
    return "\n".join(render_record(r) for r in group)


def cross_record_errors(group: list[Record]) -> list[RecordError]:
    """Rules that span records of one 5106."""
    by_id = {}
    for r in group:
        by_id.setdefault(r.record_id, r)
    t1, t2, te, td = by_id.get("T1"), by_id.get("T2"), by_id.get("TE"), by_id.get("TD")
    out = []
    country = t2.mail_country if t2 is not None else None
    if t1 is not None and t1.importer_type is None and country in codes.US_TERRITORY_COUNTRIES:
        out.append(RecordError("R11", "INVALID IMPORTER TYPE: REQUIRED FOR A U.S. IMPORTER", t1.line, 80, 80,
                               "T1", "importer_type", " "))
    if (t1 is not None and t1.importer_type in codes.GOVERNMENT_IMPORTER_TYPES and country is not None
            and country not in codes.US_TERRITORY_COUNTRIES):
        out.append(RecordError("R11", "INVALID IMPORTER TYPE: GOVERNMENT TYPE WITH FOREIGN ADDRESS", t1.line, 80,
                               80, "T1", "importer_type", t1.importer_type))
    if te is not None and te.mail_address_type in (codes.PO_BOX_TYPE, codes.BSC_TYPE, codes.OTHER_TYPE):
        if "TB" not in by_id or "TC" not in by_id:
            for code in ("R37", "R38", "R45"):
                out.append(RecordError(code, narrative(code) + ": MAILING ADDRESS IS NOT A STREET ADDRESS",
                                       te.line, 3, 3, "TE", "mail_address_type", te.mail_address_type))
    if t1 is not None and t1.action == "N" and td is not None:
        reasons = (td.reason_has_ssn_wants_cbp_number, td.reason_no_ssn, td.reason_no_irs_number,
                   td.reason_applied_for_neither, td.reason_not_us_resident)
        if not any(reasons):
            out.append(RecordError("MVM", "CBP-ASSIGNED NUMBER REASON MISSING", td.line, 65, 69, "TD",
                                   "reason_has_ssn_wants_cbp_number", " " * 5))
    if td is not None and td.reason_has_ssn_wants_cbp_number == "X":
        for r in group:
            if r.record_id == "TI" and r.officer_ssn is None:
                out.append(RecordError("MVM", "OFFICER SSN MISSING", r.line, 57, 65, "TI", "officer_ssn", " " * 9))
    return out


def answer_block(ctx, block) -> list[Record]:
    out: list[Record] = []
    for occurrence, group in enumerate(split_importers(block.details), start=1):
        out.extend(answer_importer(ctx, group, occurrence))
    return out


def answer_importer(ctx, group: list[Record], occurrence: int) -> list[Record]:
    ls = ctx.layouts
    t1 = group[0]
    errors = [e for r in group for e in ctx.errors_of(r)]
    errors.extend(cross_record_errors(group))
    number = t1.importer_number
    if not errors:
        errors, number = apply(ctx.store, group, ctx.as_of, ctx.port)
    e0 = make(ls["E0"], reference_type="IMPACC", occurrence=occurrence,
              importer_number=number if isinstance(number, str) else None,
              importer_name=account_name(t1.importer_name))
    if not errors:
        return [e0, make(ls["E1"], disposition="A", severity="I", condition_code="K32",
                         narrative=narrative("K32"))]
    conditions = []
    for i, e in enumerate(errors):
        last = i == len(errors) - 1
        conditions.append(make(ls["E1"], disposition="R" if last else None, severity="F",
                               condition_code=e.code[:3], narrative=e.message[:40]))
    return [e0, *conditions]


def account_name(name) -> str | None:
    """E0 IMPACC 38-69: the importer's name with its spaces removed, cut to 32 (ruling 19)."""
    if not isinstance(name, str):
        return None
    return name.replace(" ", "")[:32] or None


def apply(store: Store, group: list[Record], as_of: dt.date, port: str) -> tuple[list[RecordError], str | None]:
    """Add, update or number one importer. Returns (errors, the importer number)."""
    t1 = group[0]
    values = importer_values(group)
    values["tp_records"] = tp_text(group)
    values["updated"] = as_of.isoformat()
    number = t1.importer_number
    where = dict(line=t1.line, first_column=4, last_column=15, record_id="T1", field="importer_number",
                 value=number or "")
    if t1.action == "N":
        number = new_cbp_number(store, as_of, port)
        values["importer_number"] = number
        values["status"] = "active"
        store.put_importer(values)
        return [], number
    current = store.importer(number)
    if current is not None and current["status"] == "voided":
        return [RecordError("R04", narrative("R04"), **where)], number
    if t1.action == "A":
        if current is not None:
            return [RecordError("ACY", narrative("ACY"), **where)], number
        values["status"] = "active"
        store.put_importer(values)
        return [], number
    # U
    if current is None:
        return [RecordError("R05", narrative("R05"), **where)], number
    if visible_bonds(store, number, as_of):
        changed = [c for c in NAME_AND_ADDRESS if (current[c] or None) != (values.get(c) or None)]
        if changed:
            return [RecordError("R60", narrative("R60"), **{**where, "field": changed[0],
                                                              "value": str(values.get(changed[0]) or "")})], number
    values["status"] = "active"  # a full 5106 reactivates an inactive number
    store.put_importer(values)
    return [], number


def new_cbp_number(store: Store, as_of: dt.date, port: str) -> str:
    """A new, unique CBP-assigned number YYDDPP-NNNNN (port = where it was assigned)."""
    prefix = f"{as_of.year % 100:02d}{(port or '0000')[:4]}"
    while True:
        n = store.next_counter(f"cbp-number:{prefix}")
        if n > 99999:
            raise RuntimeError(f"CBP-assigned numbers for {prefix} are exhausted")
        number = f"{prefix}-{n:05d}"
        if store.importer(number) is None:
            return number
