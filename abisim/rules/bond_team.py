"""The Revenue Division bond team's update (domain reference §7, ruling 8).

When the importer's 5106 data and its bond data disagree and the importer says its 5106
is right, it files the 5106 and a bond rider with the correct name and address. The bond
team then changes the name and address CBP holds for the importer and on its bonds, and
the broker is told the update is complete.
"""

from __future__ import annotations

import datetime as dt

import attrs

from abisim.compare import normalise
from abisim.records import Record
from abisim.rules.importer import NAME_AND_ADDRESS, importer_values, split_importers, tp_text
from abisim.store import Store, date_of


class RiderError(ValueError):
    """The rider cannot be applied (ruling 31): nothing changes, and the message says why."""


@attrs.frozen
class RiderResult:
    importer_number: str
    changed: tuple[str, ...]  # the importer-file fields that changed
    bonds: tuple[str, ...]  # the bonds whose party name was updated
    notification_id: int | None


def five106_of(records, importer_number: str) -> list[Record] | None:
    """The 5106 records (T1 and what follows it) of one importer number, among any records."""
    for group in split_importers([r for r in records if r.record_id[0] == "T"]):
        if group[0].record_id == "T1" and group[0].importer_number == importer_number:
            return group
    return None


def apply_rider(store: Store, importer_number: str, five106: list[Record], as_of: dt.date,
                filer_code: str | None = None, rider_name: str | None = None) -> RiderResult:
    """Apply the importer's 5106 (and the name on its rider, if given) to CBP's files.

    One transaction: the importer file, the names on its bonds, the 5106 on file, and the
    "update complete" notification to the broker (``filer_code``) all land, or none does.
    """
    if not five106 or five106[0].record_id != "T1":
        raise RiderError("the 5106 must start with its T1 record")
    values = importer_values(five106)
    if values["importer_number"] != importer_number:
        raise RiderError(f"the 5106 is for {values['importer_number']}, not {importer_number}")
    if rider_name and normalise(rider_name) != normalise(values["name"]):
        raise RiderError(f"the rider's name {rider_name!r} is not the 5106's name {values['name']!r}")
    with store.transaction():
        current = store.importer(importer_number)
        if current is None:
            raise RiderError(f"importer {importer_number} is not on file")
        if current["status"] == "voided":
            raise RiderError(f"importer {importer_number} is voided")
        if not on_bond_in_force(store, importer_number, as_of):
            raise RiderError(f"{importer_number} is not principal, co-principal or active bond user on a "
                             "continuous bond in force")
        if filer_code and store.filer(filer_code) is None:
            raise RiderError(f"filer {filer_code!r} to notify is not on file")
        changes = {c: values.get(c) for c in NAME_AND_ADDRESS if (current[c] or None) != (values.get(c) or None)}
        store.update_importer(importer_number, **changes, tp_records=tp_text(five106), updated=as_of.isoformat())
        bonds = []
        for bond in store.bonds_of(importer_number):
            if bond["role"] in ("principal", "co-principal"):
                store.put_party(dict(bond_number=bond["bond_number"], importer_number=importer_number,
                                     role=bond["role"], name=rider_name or values["name"]))
                bonds.append(bond["bond_number"])
        note = None
        if filer_code:
            what = ", ".join(c.upper().replace("_", " ") for c in changes) or "NO CHANGE"
            note = store.notify(filer_code, filer_code, "bond-rider-complete", importer_number,
                                f"UPDATE COMPLETE: BOND TEAM APPLIED 5106 AND RIDER FOR {importer_number} ({what})",
                                as_of)
    return RiderResult(importer_number, tuple(changes), tuple(bonds), note)


def on_bond_in_force(store: Store, importer_number: str, as_of: dt.date) -> bool:
    """Principal, co-principal or active bond user on a continuous bond in force (ruling 31)."""
    for bond in store.bonds_of(importer_number):
        effective, ends = date_of(bond["effective_date"]), date_of(bond["termination_date"])
        if effective is None or effective > as_of or (ends is not None and ends <= as_of):
            continue
        deleted = date_of(bond["user_delete_date"])
        if bond["role"] == "user" and deleted is not None and deleted <= as_of:
            continue
        return True
    return False


def flag_changes(current, *, ctpat: bool | None = None, account_manager: str | None = None,
                 ace_account: str | None = None, status: str | None = None) -> dict:
    """The importer-file changes for new flags; a C-TPAT certified importer that is not an
    ACE account is an ACE non-portal account (ruling 31: established automatically)."""
    changes: dict = {}
    if ctpat is not None:
        changes["ctpat"] = int(ctpat)
    if account_manager is not None:
        changes["account_manager_email"] = account_manager or None
    if ace_account is not None:
        changes["ace_account"] = ace_account
    if status is not None:
        changes["status"] = status
    if changes.get("ctpat", current["ctpat"]) and changes.get("ace_account", current["ace_account"]) == "none":
        changes["ace_account"] = "non-portal"
    return changes
