"""CB -> CX: continuous bonds put on file by sureties (domain reference §5.6).

Designations handled: ``B`` new continuous bond, ``T`` termination, ``R`` rider (a
principal or co-principal name change, co-principals added, bond users added or
deleted). Single-transaction designations are refused: abisim keeps continuous bonds.
"""

from __future__ import annotations

import datetime as dt
import string

from abisim import codes
from abisim.errors import RecordError, narrative
from abisim.records import Record, make, split_at
from abisim.store import Store, date_of, iso

MINIMUM_ACTIVITY_1 = 50_000
MIN_TERMINATION_DAYS = 15
_BASE36 = string.digits + string.ascii_uppercase
ROLES = {"30": "principal", "35": "co-principal", "36": "user"}


def split_bonds(details) -> list[list[Record]]:
    """A CB block's details, one list per bond (each starts with its 10 record)."""
    return split_at(details, "10")


def answer_block(ctx, block) -> list[Record]:
    out: list[Record] = []
    for group in split_bonds(block.details):
        ten = group[0]
        errors = [e for r in group for e in ctx.errors_of(r)]
        # The bond's 10 record comes back, less any field that could not be read (the 90
        # records say why).
        unreadable = {e.field for e in errors if e.line == ten.line and e.field in ten.layout.value_fields_names}
        number = ten.bond_number
        if not errors:
            errors, number, code = apply(ctx.store, group, ctx.as_of)
        echo = ten.replace(line=None, **{f: None for f in unreadable})
        if "bond_number" not in unreadable:
            echo = echo.replace(bond_number=number)
        if not errors:
            out += [echo, make(ctx.layouts["90"], disposition="A", severity="I", condition_code=code,
                               narrative=narrative(code))]
            continue
        out.append(echo)
        for i, e in enumerate(errors):
            last = i == len(errors) - 1
            out.append(make(ctx.layouts["90"], disposition="R" if last else None, severity="F",
                            condition_code=e.code[:3], narrative=e.message[:71]))
    return out


def _err(code: str, record: Record, field: str | None = None, detail: str = "") -> RecordError:
    f = record.layout.field(field) if field else None
    value = getattr(record, field) if field else None
    return RecordError(code, narrative(code) + (f": {detail}" if detail else ""), record.line,
                       f.start if f else 1, f.end if f else 2, record.record_id, field,
                       str(value) if value is not None else None)


def apply(store: Store, group: list[Record], as_of: dt.date) -> tuple[list[RecordError], str | None, str]:
    ten = group[0]
    if ten.bond_type != "8":
        return [_err("B09", ten, "bond_type")], ten.bond_number, ""
    if ten.designation == "B":
        return _new_bond(store, group, as_of)
    if ten.designation == "T":
        return _terminate(store, ten)
    if ten.designation == "R":
        return _rider(store, group)
    meaning = codes.BOND_DESIGNATIONS.get(ten.designation, "").upper()
    return [_err("B08", ten, "designation", meaning)], ten.bond_number, ""


def _party_errors(store: Store, group: list[Record]) -> list[RecordError]:
    out = []
    for r in group:
        if r.record_id in ROLES:
            importer = store.importer(r.id_number)
            if importer is None or importer["status"] == "voided":
                out.append(_err("B03", r, "id_number"))
    return out


def _new_bond(store: Store, group, as_of) -> tuple[list[RecordError], str | None, str]:
    ten = group[0]
    surety = next(r for r in group if r.record_id == "40")
    errors = []
    if ten.effective_date is None:
        errors.append(RecordError("MVM", "EFFECTIVE DATE MISSING", ten.line, 33, 38, "10", "effective_date", ""))
    if ten.amount is None:
        errors.append(RecordError("MVM", "AMOUNT MISSING", ten.line, 8, 17, "10", "amount", ""))
    elif ten.activity_code == "1" and ten.amount < MINIMUM_ACTIVITY_1:
        errors.append(_err("B04", ten, "amount"))
    if (ten.termination_date and ten.execution_date
            and ten.termination_date < ten.execution_date + dt.timedelta(days=MIN_TERMINATION_DAYS)):
        errors.append(_err("B05", ten, "termination_date"))
    if ten.bond_number and store.bond(ten.bond_number) is not None:
        errors.append(_err("B07", ten, "bond_number"))
    if store.surety(surety.surety_code) is None:
        errors.append(_err("B02", surety, "surety_code"))
    errors += _party_errors(store, group)
    for r in group:
        if r.record_id == "36" and r.user_add_date and ten.effective_date and r.user_add_date < ten.effective_date:
            errors.append(_err("B06", r, "user_add_date"))
    if errors:
        return errors, ten.bond_number, ""
    number = ten.bond_number or new_bond_number(store, ten.effective_date)
    store.put_bond(dict(
        bond_number=number, surety_code=surety.surety_code, bond_type="8", activity_code=ten.activity_code,
        amount=ten.amount, port="9900", execution_date=iso(ten.execution_date),
        effective_date=iso(ten.effective_date), termination_date=iso(ten.termination_date), sufficient=1,
        reconciliation_rider=ten.reconciliation_rider, usvi_rider=ten.usvi_rider))
    for r in group:
        if r.record_id in ROLES:
            store.put_party(dict(bond_number=number, importer_number=r.id_number, role=ROLES[r.record_id],
                                 name=r.name, add_date=iso(getattr(r, "user_add_date", None) or ten.effective_date),
                                 delete_date=iso(getattr(r, "user_delete_date", None))))
    return [], number, "992"


def _existing(store: Store, ten: Record):
    if not ten.bond_number:
        return None, [RecordError("MVM", "BOND NUMBER MISSING", ten.line, 45, 53, "10", "bond_number", "")]
    bond = store.bond(ten.bond_number)
    if bond is None:
        return None, [_err("B01", ten, "bond_number")]
    return bond, []


def _terminate(store: Store, ten: Record):
    bond, errors = _existing(store, ten)
    if errors:
        return errors, ten.bond_number, ""
    if ten.termination_date is None:
        return [RecordError("MVM", "TERMINATION DATE MISSING", ten.line, 39, 44, "10", "termination_date", "")], \
            ten.bond_number, ""
    if bond["termination_date"]:
        return [_err("B10", ten, "bond_number", bond["termination_date"])], ten.bond_number, ""
    executed = date_of(bond["execution_date"]) or date_of(bond["effective_date"])
    if ten.termination_date < executed + dt.timedelta(days=MIN_TERMINATION_DAYS):
        return [_err("B05", ten, "termination_date")], ten.bond_number, ""
    store.update_bond(bond["bond_number"], termination_date=iso(ten.termination_date))
    return [], bond["bond_number"], "993"


def _rider(store: Store, group: list[Record]):
    ten = group[0]
    bond, errors = _existing(store, ten)
    if errors:
        return errors, ten.bond_number, ""
    errors = _party_errors(store, group)
    on_bond = {(p["importer_number"], p["role"]): p for p in store.parties(bond["bond_number"])}
    for r in group:
        if r.record_id == "36" and r.user_action == "D" and (r.id_number, "user") not in on_bond:
            errors.append(_err("B11", r, "id_number"))
        if r.record_id == "36" and r.user_action == "D" and r.user_delete_date is None:
            errors.append(RecordError("MVM", "USER DELETE DATE MISSING", r.line, 65, 70, "36", "user_delete_date", ""))
    if errors:
        return errors, ten.bond_number, ""
    number = bond["bond_number"]
    for r in group:
        role = ROLES.get(r.record_id)
        if role in ("principal", "co-principal"):
            store.put_party(dict(bond_number=number, importer_number=r.id_number, role=role, name=r.name,
                                 add_date=(on_bond.get((r.id_number, role)) or {"add_date": bond["effective_date"]})["add_date"]))
            # The name on the bond is the name CBP holds for the importer (eBond carries no address).
            store.update_importer(r.id_number, name=r.name[:32])
        elif role == "user" and r.user_action == "D":
            store.put_party(dict(bond_number=number, importer_number=r.id_number, role="user", name=r.name,
                                 delete_date=iso(r.user_delete_date)))
        elif role == "user":
            store.put_party(dict(bond_number=number, importer_number=r.id_number, role="user", name=r.name,
                                 add_date=iso(r.user_add_date or date_of(bond["effective_date"])),
                                 delete_date=None))
    return [], number, "994"


def new_bond_number(store: Store, effective: dt.date) -> str:
    """'99' + the effective year + 5 base-36 characters (PROPOSED in the domain reference)."""
    yy = f"{effective.year % 100:02d}"
    while True:
        n = store.next_counter(f"bond-number:{yy}")
        digits = ""
        for _ in range(5):
            n, r = divmod(n, 36)
            digits = _BASE36[r] + digits
        number = f"99{yy}{digits}"
        if store.bond(number) is None:
            return number
