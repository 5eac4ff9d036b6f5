"""KI -> KR: the importer/bond query (domain reference §4, rulings 2-4)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import NamedTuple

from abisim import codes
from abisim.errors import narrative
from abisim.layouts import Layout, LayoutSet, layout_set
from abisim.records import Record, make
from abisim.store import Store, date_of
from abisim.validate import importer_number_format

RESULT_NOT_ON_FILE, RESULT_BOND, RESULT_NO_BOND, RESULT_VOIDED, RESULT_INACTIVE = range(5)
LOOKBACK_YEARS = 2  # terminated bonds stay visible this long (ruling 4)
MAX_K1_AMOUNT = 999_999_999


def _cut(text: str | None, n: int) -> str | None:
    return text[:n] if text else None


def bond_visible(bond, as_of: dt.date) -> bool:
    """Active, or terminated within the last two years of the as-of date."""
    end = date_of(bond["termination_date"])
    if end is None:
        return True
    try:
        horizon = as_of.replace(year=as_of.year - LOOKBACK_YEARS)
    except ValueError:  # 29 February
        horizon = as_of.replace(year=as_of.year - LOOKBACK_YEARS, day=28)
    return end >= horizon


def visible_bonds(store: Store, importer_number: str, as_of: dt.date, rows=None) -> list:
    """One row per continuous bond naming the number (its best role), in effective-date order.
    ``rows``: the importer's bond rows when already read (:meth:`Store.importer_and_bonds`)."""
    seen, out = set(), []
    for row in store.bonds_of(importer_number) if rows is None else rows:
        if row["bond_number"] in seen or not bond_visible(row, as_of):
            continue
        seen.add(row["bond_number"])
        out.append(row)
    return out


def _zero_filled(ls: LayoutSet) -> bool:
    """Before 2015 the K1 amount was always a number: zeros when there is no bond."""
    return ls["K1"].field("bond_amount").cls == "N"


class _Answer(NamedTuple):
    """What the layouts in force make of an answer, looked up once per layout set."""

    k1: Layout
    k2: Layout
    k3: Layout
    k4: Layout
    k5: Layout
    k6: Layout
    k7: Layout | None
    k8: Layout | None
    no_bond: int | None  # the K1 amount without a bond
    zero_filled: bool
    amount_10: bool  # the 2015 K2: bond user status and the 10-digit amount
    k4_names: bool  # pre-v7 K4 and K6: the importer's name and number


@functools.lru_cache(maxsize=None)
def _answer_layouts(ls: LayoutSet) -> _Answer:
    zero_filled = _zero_filled(ls)
    return _Answer(*(ls[r] for r in ("K1", "K2", "K3", "K4", "K5", "K6")), ls.get("K7"), ls.get("K8"),
                   0 if zero_filled else None, zero_filled, "bond_amount_10" in ls["K2"].value_fields_names,
                   "importer_name" in ls["K4"].value_fields_names)


def answer_records(store: Store, importer_number: str | None, as_of: dt.date,
                   address_request: str | None = None, layouts: LayoutSet | None = None,
                   notes: list[str] | None = None) -> list[Record]:
    """The KR detail records for one importer number, in ruling 2's order. What the
    layouts in force cannot write is said in ``notes`` (for the journal)."""
    return [make(layout, **values) for layout, values in
            answer_values(store, importer_number, as_of, address_request, layouts, notes)]


def answer_values(store: Store, importer_number: str | None, as_of: dt.date,
                  address_request: str | None = None, layouts: LayoutSet | None = None,
                  notes: list[str] | None = None, *, well_formed: bool = False) -> list[tuple[Layout, dict]]:
    """:func:`answer_records` as (layout, field values) pairs: what the records are made
    of, or written from directly (abisim.ki_fast). ``well_formed``: the caller has checked
    the number's format (the fast path's reading does), so it is not checked again."""
    ls = layouts or layout_set()
    plan = _answer_layouts(ls)
    k1, no_bond = plan.k1, plan.no_bond
    number = importer_number or ""
    importer, switch, rows = (store.importer_and_bonds(number) if well_formed or importer_number_format(number)
                              else (None, 0, 0))
    if importer is None:
        return [(k1, dict(importer_number=importer_number, result_code=RESULT_NOT_ON_FILE, bond_amount=no_bond))]
    name = _cut(importer["name"], 32)
    status = importer["status"]
    out: list[tuple[Layout, dict]] = []
    bonds = visible_bonds(store, number, as_of, rows) if status == "active" else []
    if status == "voided":
        out.append((k1, dict(importer_number=number, result_code=RESULT_VOIDED, importer_name=name,
                             bond_amount=no_bond)))
    elif status == "inactive":
        out.append((k1, dict(importer_number=number, result_code=RESULT_INACTIVE, importer_name=name,
                             bond_amount=no_bond)))
    elif not bonds:
        out.append((k1, dict(importer_number=number, result_code=RESULT_NO_BOND, importer_name=name,
                             bond_amount=no_bond)))
    else:
        for bond in bonds:
            out.extend(_bond_records(plan, importer, bond, switch, as_of, notes))
    out.extend(_address_records(plan, importer, address_request == "1"))
    return out


def _bond_records(plan: _Answer, importer, bond, switch: bool, as_of: dt.date,
                  notes: list[str] | None = None) -> list[tuple[Layout, dict]]:
    amount = bond["amount"]
    small = amount <= MAX_K1_AMOUNT
    k2_values = dict(
        name_qualifier=importer["name_qualifier"],
        name_line_2=_cut(importer["name_line_2"], 32),
        termination_date=date_of(bond["termination_date"]),
        pms_status="Y" if switch else "N",
        sufficiency="Y" if bond["sufficient"] else "N",
    )
    if plan.amount_10:
        if bond["role"] == "user":
            ended = date_of(bond["user_delete_date"])
            k2_values["user_status"] = "T" if ended is not None and ended <= as_of else "A"
            k2_values["user_termination_date"] = ended
        k2_values["bond_amount_10"] = None if small else amount
    k1_amount = amount if small else None
    location = "1" if small else "2"
    if plan.zero_filled and not small:
        # Ruling 18: the 2010 layout has nowhere for 10 digits; the journal says so.
        k1_amount, location = MAX_K1_AMOUNT, None
        if notes is not None:
            notes.append(f"W33 {narrative('W33')}: importer {importer['importer_number']} bond "
                         f"{bond['bond_number']} amount {amount} ({plan.k1.version})")
    return [
        (plan.k1, dict(importer_number=importer["importer_number"], result_code=RESULT_BOND,
                        importer_name=_cut(importer["name"], 32), surety_code=bond["surety_code"],
                        activity_code=codes.ACTIVITY_CODE_TO_LETTER.get(bond["activity_code"]),
                        bond_amount=k1_amount, bond_port=bond["port"],
                        effective_date=date_of(bond["effective_date"]), bond_number=bond["bond_number"],
                        amount_location=location)),
        (plan.k2, k2_values),
    ]


def _address_records(plan: _Answer, importer, physical: bool) -> list[tuple[Layout, dict]]:
    out = []
    k4_extra = {}
    if plan.k4_names:
        k4_extra = dict(importer_name=_cut(importer["name"], 32), importer_number=importer["importer_number"])
    if importer["mail_address_1"] or importer["mail_city"]:
        out.append((plan.k3, dict(address_1=_cut(importer["mail_address_1"], 32),
                                  address_2=_cut(importer["mail_address_2"], 32))))
        out.append((plan.k4, dict(city=_cut(importer["mail_city"], 21), state=importer["mail_state"],
                                  postal_code=importer["mail_postal_code"], **k4_extra)))
    if physical and (importer["physical_address_1"] or importer["physical_city"]):
        out.append((plan.k5, dict(address_1=_cut(importer["physical_address_1"], 32),
                                  address_2=_cut(importer["physical_address_2"], 32))))
        out.append((plan.k6, dict(city=_cut(importer["physical_city"], 21), state=importer["physical_state"],
                                  postal_code=importer["physical_postal_code"], **k4_extra)))
    if plan.k7 is not None:
        legal = importer["legal_name"] or importer["name"]
        center = importer["center_id"] or "NOTELG"
        description = codes.CENTER_IDS.get(center, "").upper()
        out.append((plan.k7, dict(legal_name=legal[:30], center_id=center,
                                  center_description=description[:30] or None)))
        if len(legal) > 30:
            out.append((plan.k8, dict(qualifier="IN1", overflow=legal[30:100])))
        if len(description) > 30:
            out.append((plan.k8, dict(qualifier="IN2", overflow=description[30:100])))
    return out


def answer_block(ctx, block) -> list[Record]:
    """A KR block's details: each importer number of the K record, in order (ruling 2)."""
    out: list[Record] = []
    for k in block.details:
        if k.record_id != "K":
            continue
        for n in range(1, 7):
            number = getattr(k, f"importer_number_{n}")
            if number is None:
                continue
            out.extend(answer_records(ctx.store, number, ctx.as_of, getattr(k, f"address_request_{n}"),
                                      ctx.layouts, ctx.notes))
    return out
