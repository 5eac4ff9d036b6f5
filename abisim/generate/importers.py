"""Generated importers: N importers with their bonds, the 5106 of each, and what the
comparator must say about each, from a seed. Deterministic: the same seed and mix give the
same bytes. Streaming: one importer at a time, memory flat whatever N.

Each importer gets one outcome, drawn with the mix's shares (the rest are consistent):

| outcome | bond data | expected ``abisim diff`` |
|---|---|---|
| consistent | its own continuous bond, CBP's file = its 5106 | consistent |
| inconsistent | as consistent, but its 5106 changes the name, street or city | D02, D04 or D05 |
| terminated | its bond terminated 1-600 days before the as-of date | D07 |
| insufficient | its bond insufficient | D08 |
| user | an active bond user on a companion importer's bond | consistent |
| terminated_user | a bond user whose use ended before the as-of date | D09 |
| no_bond | on file, no bond | D01 |
| voided | importer number voided | D11 |

Bond users come with their companion (the bond's principal, consistent), generated just
before them and counted in N. Number forms (EIN, SSN, CBP-assigned) and foreign addresses
(Canada, Mexico, other) are drawn independently of the outcome.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Iterator

import attrs

from abisim.layouts import Layout, layout_set

OUTCOMES = ("inconsistent", "terminated", "insufficient", "user", "terminated_user", "no_bond", "voided")
EXPECTED = {"consistent": (), "user": (), "terminated": ("D07",), "insufficient": ("D08",),
            "terminated_user": ("D09",), "no_bond": ("D01",), "voided": ("D11",)}


@attrs.frozen
class Mix:
    """Shares (0-1) of each outcome, and of number forms and foreign addresses."""

    inconsistent: float = 0.0
    terminated: float = 0.0
    insufficient: float = 0.0
    user: float = 0.0
    terminated_user: float = 0.0
    no_bond: float = 0.0
    voided: float = 0.0
    ssn: float = 0.0
    cbp: float = 0.0
    foreign: float = 0.0
    abbreviated: float = 0.0  # 5106 street spelled out (STREET) where CBP abbreviates (ST): a warning

    def __attrs_post_init__(self) -> None:
        for a in attrs.fields(type(self)):
            v = getattr(self, a.name)
            if not 0 <= v <= 1:
                raise ValueError(f"{a.name}: a share from 0 to 1 (or 0% to 100%): {v}")
        if sum(getattr(self, o) for o in OUTCOMES) > 1:
            raise ValueError("the outcome shares add up to more than 100%")
        if self.ssn + self.cbp > 1:
            raise ValueError("--ssn and --cbp add up to more than 100%")


def share(text: str) -> float:
    """'10%' or '0.1' -> 0.1."""
    text = str(text).strip()
    value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    if not 0 <= value <= 1:
        raise ValueError(f"not a share from 0 to 1 (or 0% to 100%): {text}")
    return value


@attrs.frozen
class Generated:
    """One importer: its row in CBP's importer file, its bonds, its 5106, the expected verdict."""

    importer: dict
    bonds: tuple[dict, ...]
    tp_lines: tuple[str, ...]
    outcome: str
    findings: tuple[str, ...]
    warnings: tuple[str, ...] = ()

    @property
    def number(self) -> str:
        return self.importer["importer_number"]


# Word lists for names and addresses (our own; any upper-case words would do).
FIRST = ("ACME", "ATLAS", "BLUE", "CEDAR", "DELTA", "EAGLE", "FALCON", "GRANITE", "HARBOR", "IRON", "JADE",
         "KESTREL", "LIBERTY", "MAPLE", "NORTHERN", "OAK", "PACIFIC", "QUARRY", "RIVER", "SUMMIT", "TIDEWATER",
         "UNION", "VALLEY", "WESTERN", "YUKON", "ZENITH", "COASTAL", "PRAIRIE", "SILVER", "GOLDEN")
SECOND = ("TRADING", "IMPORTS", "SUPPLY", "GOODS", "WHOLESALE", "LOGISTICS", "TEXTILES", "FOODS", "HARDWARE",
          "MOTORS", "ELECTRONICS", "FURNITURE", "APPAREL", "TOOLS", "MARINE", "PAPER", "CERAMICS", "TOYS")
FORMS = ("INC", "LLC", "CO", "CORP", "LTD", "GROUP")
PEOPLE = ("GARCIA MARIA", "SMITH JOHN", "NGUYEN LINH", "JOHNSON ANA", "PATEL RAVI", "KIM MIN", "BROWN LEE",
          "LOPEZ CARLOS", "MILLER KATE", "WILSON OMAR")
STREETS = ("MAIN", "OAK", "PINE", "ELM", "LAKE", "HILL", "PARK", "RIVER", "MARKET", "CHURCH", "MILL", "UNION")
SUFFIXES = ("ST", "AVE", "RD", "BLVD", "DR", "LN", "WAY", "CT")
SPELLED_OUT = {"ST": "STREET", "AVE": "AVENUE", "RD": "ROAD", "BLVD": "BOULEVARD", "DR": "DRIVE", "LN": "LANE",
               "WAY": "WAY", "CT": "COURT"}
US_CITIES = (("CHICAGO", "IL", "60601"), ("NEW YORK", "NY", "10007"), ("LOS ANGELES", "CA", "90012"),
             ("HOUSTON", "TX", "77002"), ("MIAMI", "FL", "33131"), ("SEATTLE", "WA", "98104"),
             ("ATLANTA", "GA", "30303"), ("NEWARK", "NJ", "07102"), ("DETROIT", "MI", "48226"),
             ("LAREDO", "TX", "78040"), ("SAN JUAN", "PR", "00901"), ("BOSTON", "MA", "02109"))
FOREIGN = (("TORONTO", "ON", "M5H 2N2", "CA"), ("MONTREAL", "QC", "H3B 1K9", "CA"), ("VANCOUVER", "BC", "V6B 1A1", "CA"),
           ("MONTERREY", "NL", "64000", "MX"), ("TIJUANA", "BC", "22000", "MX"), ("HAMBURG", "FN", "20095", "DE"),
           ("OSAKA", "FN", "5300001", "JP"), ("MANCHESTER", "FN", "M1 1AE", "GB"))
SURETIES = ("036", "741", "756", "891")
OTHER_CITY = {"CHICAGO": "EVANSTON", "NEW YORK": "BROOKLYN", "LOS ANGELES": "PASADENA", "HOUSTON": "PASADENA",
              "MIAMI": "HIALEAH", "SEATTLE": "TACOMA", "ATLANTA": "DECATUR", "NEWARK": "JERSEY CITY",
              "DETROIT": "DEARBORN", "LAREDO": "ZAPATA", "SAN JUAN": "BAYAMON", "BOSTON": "CAMBRIDGE",
              "TORONTO": "MISSISSAUGA", "MONTREAL": "LAVAL", "VANCOUVER": "BURNABY", "MONTERREY": "SALTILLO",
              "TIJUANA": "ENSENADA", "HAMBURG": "BREMEN", "OSAKA": "KOBE", "MANCHESTER": "LIVERPOOL"}


def template(layout: Layout, fields: tuple[str, ...]) -> str:
    """A %-format writing one record of this layout from the values of ``fields`` (given in
    column order, as strings; the others blank), columns from the layout table: the fast
    path for millions (positional %-formatting is ten times faster than ``str.format_map``)."""
    by_column = [f.name for f in layout.value_fields if f.name in fields]
    if tuple(by_column) != tuple(fields):
        raise ValueError(f"{layout.record_id}: give the fields in column order: {by_column}")
    parts = []
    for f in layout.fields:
        if f.value_kind == "id":
            parts.append(f.const.replace("%", "%%"))
        elif f.value_kind == "filler" or f.name not in fields:
            parts.append(" " * f.length)
        else:
            parts.append(f"%{'' if f.right_justified else '-'}{f.length}.{f.length}s")
    return "".join(parts)


T1_FIELDS = ("action", "importer_number", "importer_name", "mail_address_1", "importer_type")
T2_FIELDS = ("mail_city", "mail_state", "mail_postal_code", "mail_country")


class Templates:
    """T1 and T2 as %-formats (values in T1_FIELDS, T2_FIELDS order); the rest of a
    generated 5106 is the same for everyone, rendered once."""

    def __init__(self) -> None:
        from abisim.records import make, render_record

        ls = layout_set()
        self.t1 = template(ls["T1"], T1_FIELDS)
        self.t2 = template(ls["T2"], T2_FIELDS)
        self.tail = tuple(render_record(r) for r in (
            make(ls["TD"], entries_per_year="3", usage_importer_of_record="X", phone="3125550100"),
            make(ls["TE"], mail_address_type="1"),
            make(ls["TF"], email="CUSTOMS@IMPORTER.EXAMPLE"),
            make(ls["TL"], signature="X", certifier_name="SMITH,JANE", certifier_title="PRESIDENT")))


def _number(form: str, i: int, base: int) -> str:
    k = (base + i) % 1_000_000_000
    if form == "ssn":
        return f"{k // 1_000_000:03d}-{k // 10_000 % 100:02d}-{k % 10_000:04d}"
    if form == "cbp":
        # YYDDPP-NNNNN: year 10-26, a port, and the rest of the index.
        return f"{10 + k // 100_000 % 17:02d}{3901 + k // 1_700_000 % 99:04d}-{k % 100_000:05d}"
    return f"{k // 10_000_000:02d}-{k % 10_000_000:07d}{'00' if k % 3 else 'AB'}"


def importer_number(i: int, seed: int = 0, form: str = "ein") -> str:
    """The number of the i-th generated importer (0-based) for a seed, when it has this form
    (every one is EIN unless the mix asks for SSN or CBP-assigned numbers)."""
    return _number(form, i, random.Random(seed).randrange(1_000_000_000))


def importers(n: int, *, seed: int = 0, mix: Mix = Mix(), as_of: dt.date = dt.date(2026, 11, 25)) -> Iterator[Generated]:
    """N generated importers, in order."""
    rng = random.Random(seed)
    base = rng.randrange(1_000_000_000)
    tpl = Templates()
    weights = [getattr(mix, o) for o in OUTCOMES]
    cuts, acc = [], 0.0
    for w in weights:
        acc += w
        cuts.append(acc)
    i = 0
    while i < n:
        draw = rng.random()
        outcome = next((o for o, c in zip(OUTCOMES, cuts) if draw < c), "consistent")
        if outcome in ("user", "terminated_user"):
            if i + 1 >= n:
                outcome = "consistent"
            else:
                principal = _one(i, "consistent", rng, tpl, mix, as_of, base)
                user = _one(i + 1, outcome, rng, tpl, mix, as_of, base, principal)  # joins the principal's bond
                yield principal
                yield user
                i += 2
                continue
        yield _one(i, outcome, rng, tpl, mix, as_of, base)
        i += 1


def _one(i: int, outcome: str, rng: random.Random, tpl: Templates, mix: Mix, as_of: dt.date, base: int,
         principal: Generated | None = None) -> Generated:
    # One draw of 64 random bits feeds every choice of this importer (fast, deterministic).
    bits = rng.getrandbits(64)

    def pick(seq, shift):
        return seq[(bits >> shift) % len(seq)]

    r = (bits & 0xFFFF) / 0x10000
    form = "ssn" if r < mix.ssn else "cbp" if r < mix.ssn + mix.cbp else "ein"
    number = _number(form, i, base)
    if form == "ssn":
        name, kind = pick(PEOPLE, 16), "I"
    else:
        name = f"{pick(FIRST, 16)} {pick(SECOND, 21)} {pick(FORMS, 26)}"
        kind = pick("CCCPSK", 29)
    street = f"{(bits >> 32) % 9998 + 1} {pick(STREETS, 36)} {pick(SUFFIXES, 40)}"
    if ((bits >> 44) & 0x3FF) / 0x400 < mix.foreign:
        city, state, postal, country = pick(FOREIGN, 54)
        kind = "I" if form == "ssn" else "C"
    else:
        (city, state, postal), country = pick(US_CITIES, 54), "US"
    importer = {"importer_number": number, "status": "voided" if outcome == "voided" else "active",
                "importer_type": kind, "name": name, "mail_address_1": street, "mail_city": city,
                "mail_state": state, "mail_postal_code": postal, "mail_country": country, "phone": "3125550100",
                "updated": "2024-01-01"}
    # The 5106 as the importer sent it: what CBP holds, but for the inconsistent ones.
    tp_name, tp_street, tp_city, findings = name, street, city, EXPECTED.get(outcome, ())
    if outcome == "inconsistent":
        change = (bits >> 58) % 3
        if change == 0:
            tp_name, findings = f"NEW {name}"[:32], ("D02",)
        elif change == 1:
            tp_street, findings = f"{street.split(' ', 1)[0]} NORTH {street.split(' ', 1)[1]}", ("D04",)
        else:
            tp_city, findings = OTHER_CITY[city], ("D05",)
    more = rng.getrandbits(32)
    warnings: tuple[str, ...] = ()
    # Spelled out where CBP abbreviates: the same address after USPS abbreviations, a warning
    # (none for a voided number: the comparator stops at D11; none when D04 already says more).
    if (more >> 24) / 256 < mix.abbreviated and tp_street == street and not street.endswith(" WAY"):
        head, suffix = street.rsplit(" ", 1)
        tp_street = f"{head} {SPELLED_OUT[suffix]}"
        warnings = () if outcome == "voided" else ("D04",)
    tp = (tpl.t1 % ("U", number, tp_name, tp_street, kind), tpl.t2 % (tp_city, state, postal, country), *tpl.tail)
    bonds: tuple[dict, ...] = ()
    effective = (as_of - dt.timedelta(days=700 + more % 1500)).isoformat()
    bond = {"bond_number": _bond_number(i, base), "surety_code": SURETIES[(more >> 11) % 4], "activity_code": "1",
            "amount": (50_000, 60_000, 100_000, 200_000, 500_000)[(more >> 13) % 5], "port": "9900",
            "execution_date": effective, "effective_date": effective}
    if outcome in ("consistent", "inconsistent", "voided"):
        bond["principal"] = number
        bonds = (bond,)
    elif outcome == "terminated":
        bond["principal"] = number
        bond["termination_date"] = (as_of - dt.timedelta(days=1 + (more >> 16) % 600)).isoformat()
        bonds = (bond,)
    elif outcome == "insufficient":
        bond["principal"] = number
        bond["sufficient"] = False
        bonds = (bond,)
    elif outcome in ("user", "terminated_user"):
        assert principal is not None
        added = dt.date.fromisoformat(principal.bonds[0]["effective_date"]) + dt.timedelta(days=10)
        user = {"importer_number": number, "name": name, "add_date": added.isoformat()}
        if outcome == "terminated_user":
            user["delete_date"] = (as_of - dt.timedelta(days=1 + (more >> 16) % 300)).isoformat()
        principal.bonds[0].setdefault("users", []).append(user)
    return Generated(importer, bonds, tp, outcome, findings, warnings)


def _bond_number(i: int, base: int) -> str:
    """'99' + 7 digits: unique for up to 10,000,000 importers."""
    return f"99{(base + i) % 10_000_000:07d}"
