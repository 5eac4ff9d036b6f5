"""The sample database (domain reference §9): magic-value importers whose number's suffix
picks the outcome, plus variety (SSN and CBP-assigned numbers, co-principals, several bonds
for one importer, foreign addresses). Dates that the outcomes depend on are set from the
as-of date given at load time, so a fresh sample database behaves the same on any day.

``python -m abisim.sample DIR`` writes each magic importer's own 5106 copy as a TP
transmission from filer XJ5 (the files in ``samples/importers/``).
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
from pathlib import Path

from abisim.layouts import layout_set
from abisim.records import Record, make, render_record
from abisim.transmission import render

FILERS = [
    # Ruling 24: each filer's e-mail address identifies it to the PMS mailbox.
    dict(filer_code="XJ5", name="SAMPLE BROKER ONE", sites=["3901"], password="PASS01", ace_portal_account=True,
         token="xj5-sample-token", email="abi@xj5.example.com"),
    dict(filer_code="SV9", name="SAMPLE BROKER TWO", sites=["3902"], password="PASS02", ace_portal_account=True,
         token="sv9-sample-token", email="abi@sv9.example.com"),
    dict(filer_code="NP1", name="SAMPLE BROKER NO PORTAL", sites=["3001"], password="PASS03",
         ace_portal_account=False, token="np1-sample-token", email="abi@np1.example.com"),
    # A service bureau (ruling 16): sends for XJ5 and SV9; no powers of attorney of its own.
    dict(filer_code="SB1", name="SAMPLE SERVICE BUREAU", sites=["3002"], password="PASS04",
         ace_portal_account=True, token="sb1-sample-token", sends_for=["XJ5", "SV9"],
         email="abi@sb1.example.com"),
]
SITES = {f["filer_code"]: f["sites"][0] for f in FILERS}
PASSWORDS = {f["filer_code"]: f["password"] for f in FILERS}

SURETIES = [
    dict(surety_code="036", name="SAMPLE SURETY COMPANY OF AMERICA"),
    dict(surety_code="741", name="SAMPLE CASUALTY INSURANCE CO"),
    dict(surety_code="756", name="SAMPLE FIDELITY AND DEPOSIT CO"),
    dict(surety_code="891", name="SAMPLE INDEMNITY CO"),
]


def _us(number, name, address_1, city, state, postal, **more) -> dict:
    return dict(importer_number=number, name=name, importer_type=more.pop("importer_type", "C"),
                mail_address_1=address_1, mail_city=city, mail_state=state, mail_postal_code=postal,
                mail_country="US", phone=more.pop("phone", "3125550100"),
                email=more.pop("email", None), **more)


# Magic importers (§9): the suffix of 12-3456789XX picks the outcome.
MAGIC = {
    "12-345678900": "normal: active, sufficient bond; data consistent; has a CBP Account Manager",
    "12-3456789C1": "normal bond, and C-TPAT certified",
    "12-3456789T1": "bond terminated 30 days before the as-of date",
    "12-3456789N1": "bond insufficient (K2 48 N)",
    "12-3456789U1": "bond user whose use was terminated; the principal is another importer",
    "12-3456789A1": "bond data carries a different mailing address line 1 than its 5106 copy",
    "12-3456789V1": "importer number voided (K1 result 3)",
    "12-3456789X1": "importer number inactive (K1 result 4)",
    "12-3456789B1": "on file with no bond (K1 result 2)",
}

# The address the importer's own 5106 copy gives for 12-3456789A1; CBP still holds the old one.
A1_NEW_ADDRESS = "250 NEW HARBOR BLVD"
A1_OLD_ADDRESS = "100 OLD RIVER RD"


def importers() -> list[dict]:
    return [
        _us("12-345678900", "ACME TRADING CO", "100 MAIN ST", "CHICAGO", "IL", "60601",
            name_qualifier="DBA", name_line_2="ACME TOYS", mail_address_2="STE 200",
            physical_address_1="2200 S ASHLAND AVE", physical_city="CHICAGO", physical_state="IL",
            physical_postal_code="60608", physical_country="US", email="IMPORTS@ACME.EXAMPLE",
            account_manager_email="ACCOUNT.MANAGER.ACME@CBP.EXAMPLE", ace_account="portal",
            legal_name="ACME TRADING COMPANY INCORPORATED OF ILLINOIS", center_id="CEE005"),
        _us("12-3456789C1", "CERTIFIED IMPORTS INC", "45 HARBOR WAY", "LONG BEACH", "CA", "90802",
            ctpat=True, ace_account="portal", center_id="CEE006"),
        _us("12-3456789T1", "TERMINUS GOODS LLC", "9 DEPOT ST", "NEWARK", "NJ", "07102", importer_type="K"),
        _us("12-3456789N1", "NARROW MARGIN CORP", "77 COMMERCE BLVD", "HOUSTON", "TX", "77002"),
        _us("12-3456789U1", "USERFIELD SUPPLY CO", "310 ELM AVE", "DETROIT", "MI", "48226"),
        _us("12-3456789A1", "ALDER HOME GOODS INC", A1_OLD_ADDRESS, "SEATTLE", "WA", "98104"),
        _us("12-3456789V1", "VOIDED VENTURES INC", "1 NOWHERE LN", "DOVER", "DE", "19901", status="voided"),
        _us("12-3456789X1", "DORMANT DEPOT INC", "500 QUIET RD", "RENO", "NV", "89501", status="inactive"),
        _us("12-3456789B1", "BONDLESS BAZAAR INC", "12 MARKET SQ", "BOSTON", "MA", "02109"),
        # Variety beyond the magic values.
        _us("123-45-6789 ", "RIVERA MARIA", "88 PALM DR", "MIAMI", "FL", "33131", importer_type="I"),
        dict(importer_number="193901-14596", name="MAPLE LEAF EXPORTS LTD", importer_type="C",
             mail_address_1="1200 RUE SAINTE-CATHERINE O", mail_city="MONTREAL", mail_state="QC",
             mail_postal_code="H3B 1K9", mail_country="CA", phone="5145550100"),
        _us("98-7654321AB", "GLOBAL FREIGHT HOLDINGS INC", "1 WORLD TRADE CTR", "NEW YORK", "NY", "10007",
            mail_address_2="FL 64", ace_account="portal", center_id="CEE008"),
        dict(importer_number="20-1234567MX", name="SOL DE MEXICO SA DE CV", importer_type="C",
             mail_address_1="AV CONSTITUCION 400", mail_city="MONTERREY", mail_state="NL",
             mail_postal_code="64000", mail_country="MX", phone="8185550100"),
    ]


def bonds(as_of: dt.date) -> list[dict]:
    month_ago = (as_of - dt.timedelta(days=30)).isoformat()

    def bond(number, principal, effective, **more):
        return dict(bond_number=number, surety_code=more.pop("surety_code", "036"), activity_code="1",
                    amount=more.pop("amount", 50_000), port="9900", execution_date=effective,
                    effective_date=effective, principal=principal, **more)

    return [
        bond("992300001", "12-345678900", "2023-01-15", amount=100_000,
             users=[dict(importer_number="12-3456789U1", add_date="2023-02-01", delete_date=month_ago)]),
        bond("992300002", "12-3456789C1", "2023-03-01", surety_code="741", amount=200_000),
        bond("992300003", "12-3456789T1", "2023-04-01", termination_date=month_ago),
        bond("992300004", "12-3456789N1", "2023-05-01", sufficient=False),
        bond("992300005", "12-3456789A1", "2023-06-01", surety_code="756"),
        bond("992300010", "12-3456789V1", "2023-06-01"),
        bond("992300011", "12-3456789X1", "2023-06-01"),
        bond("992400006", "123-45-6789", "2024-02-01", surety_code="891"),
        bond("991900007", "98-7654321AB", "2019-07-01", amount=600_000, co_principals=["193901-14596"]),
        dict(bond_number="992100008", surety_code="741", activity_code="3", amount=1_200_000_000, port="9900",
             execution_date="2021-09-01", effective_date="2021-09-01", principal="98-7654321AB"),
        bond("992500009", "20-1234567MX", "2025-01-02"),
    ]


def _records(m: dict, action: str = "U") -> list[Record]:
    """The importer's own 5106 (TP) detail records."""
    ls = layout_set()
    out = [make(ls["T1"], action=action, importer_number=m["importer_number"], importer_name=m["name"],
                mail_address_1=m["mail_address_1"], importer_type=m.get("importer_type"))]
    if m.get("name_qualifier"):
        out.append(make(ls["TA"], name_qualifier=m["name_qualifier"], name_line_2=m["name_line_2"]))
    out.append(make(ls["T2"], mail_address_2=m.get("mail_address_2"), mail_city=m["mail_city"],
                    mail_state=m["mail_state"], mail_postal_code=m["mail_postal_code"], mail_country=m["mail_country"]))
    legal = m.get("legal_name")
    if legal:
        out.append(make(ls["T3"], legal_name=legal[:30]))
        if len(legal) > 30:
            out.append(make(ls["TN"], qualifier="IN1", overflow=legal[30:]))
    if m.get("physical_address_1"):
        out.append(make(ls["TB"], physical_address_1=m["physical_address_1"],
                        physical_address_2=m.get("physical_address_2")))
        out.append(make(ls["TC"], physical_city=m["physical_city"], physical_state=m["physical_state"],
                        physical_postal_code=m["physical_postal_code"], physical_country=m["physical_country"]))
    out.append(make(ls["TD"], entries_per_year="3", usage_importer_of_record="X", phone=m["phone"]))
    out.append(make(ls["TE"], mail_address_type="1", physical_address_type="1" if m.get("physical_address_1") else None))
    out.append(make(ls["TF"], email=(m.get("email") or "CUSTOMS@IMPORTER.EXAMPLE")[:30]))
    out.append(make(ls["TL"], signature="X", certifier_name="SMITH,JANE", certifier_title="PRESIDENT"))
    return out


def own_5106(number: str) -> list[Record]:
    """The importer's own copy of its 5106, as kept in samples/importers/."""
    m = next(i for i in importers() if i["importer_number"] == number)
    if number == "12-3456789A1":
        m = {**m, "mail_address_1": A1_NEW_ADDRESS}
    return _records(m)


def fixture(as_of: dt.date) -> dict:
    """The sample database as a fixture document (see abisim.fixtures)."""
    docs = []
    for m in importers():
        entry = dict(m)
        entry["tp_records"] = [render_record(r) for r in own_5106(m["importer_number"])]
        entry["updated"] = "2023-01-01"
        docs.append(entry)
    numbers = [m["importer_number"] for m in importers()]
    return copy.deepcopy(dict(
        format="abisim-fixture-1",
        filers=FILERS,
        sureties=SURETIES,
        importers=docs,
        bonds=bonds(as_of),
        powers_of_attorney=[dict(importer_number=n, filer_code=f["filer_code"], granted="2023-01-01")
                            for n in numbers for f in FILERS if not f.get("sends_for")],
    ))


def envelope(app: str, details: list[Record], filer: str = "XJ5", *, password: str | None = None,
             site: str | None = None, date: dt.date | None = None) -> list[Record]:
    """A whole transmission around some detail records (defaults: the sample filers' sites)."""
    ls = layout_set()
    site = site or SITES.get(filer, "3901")
    a = make(ls["A"], site_code=site, id_code=filer, password=password or PASSWORDS.get(filer, "PASS01"),
             transmission_date=date, application_id=app)
    b = make(ls["B"], port=site, filer_code=filer, application_id=app)
    y = make(ls["Y"], port=site, filer_code=filer, application_id=app, record_count=len(details))
    z = make(ls["Z"], site_code=site, id_code=filer, transmission_date=date)
    return [a, b, *details, y, z]


def write_samples(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number in MAGIC:
        path = folder / f"{number.replace(' ', '')}.abi"
        path.write_bytes(render(envelope("TP", own_5106(number))))
        written.append(path)
    return written



# -- the sample transmissions, shipped inside the package (abisim/samples)


def files(name: str = ""):
    """A sample file or folder of the package (``importlib.resources``): e.g.
    ``files("importers/12-3456789A1.abi").read_bytes()``; works from a wheel too."""
    from importlib.resources import files as package_files

    node = package_files("abisim") / "samples"
    for part in name.strip("/").split("/") if name else []:
        node = node / part
    return node


def write_files(dest: str | Path = "samples") -> list[Path]:
    """Copy every sample file into ``dest`` (folders kept); the paths written."""
    out: list[Path] = []

    def copy(node, target: Path) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.is_dir():
                copy(child, target / child.name)
            else:
                target.mkdir(parents=True, exist_ok=True)
                (target / child.name).write_bytes(child.read_bytes())
                out.append(target / child.name)

    copy(files(), Path(dest))
    return out


if __name__ == "__main__":
    for p in write_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "samples/importers")):
        print(p)
