"""Fixtures: the database as JSON (load, export) and the sample database.

The format is documented in docs/fixtures.md. ``export`` then ``load`` is lossless.
Every entry is checked before anything is written; a bad entry is named by its path
(``bonds[2].effective_date``) and nothing of the file is loaded.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from abisim.records import carried_date
from abisim.store import IMPORTER_COLUMNS, Store
from abisim.validate import importer_number_format

FORMAT = "abisim-fixture-1"


class FixtureError(ValueError):
    """A fixture entry that cannot be loaded; ``path`` names it."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _date(value, path: str) -> str | None:
    if value is None:
        return None
    try:
        date = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise FixtureError(path, f"not a date (YYYY-MM-DD): {value!r}")
    try:
        return carried_date(date).isoformat()
    except ValueError as exc:
        raise FixtureError(path, str(exc))


def _entries(doc: dict, key: str) -> list:
    entries = doc.get(key, [])
    if not isinstance(entries, list):
        raise FixtureError(key, "not a list")
    return entries


def _str(value, path: str, *, required: bool = False, max_length: int | None = None,
         allowed=None) -> str | None:
    if value is None:
        if required:
            raise FixtureError(path, "missing")
        return None
    if not isinstance(value, str):
        raise FixtureError(path, f"not a string: {value!r}")
    if max_length is not None and len(value) > max_length:
        raise FixtureError(path, f"longer than {max_length} characters: {value!r}")
    if allowed is not None and value not in allowed:
        raise FixtureError(path, f"{value!r} is not one of {', '.join(sorted(allowed))}")
    return value


def _number(value, path: str) -> str:
    _str(value, path, required=True)
    if importer_number_format(value) is None:
        raise FixtureError(path, f"not an importer number (NN-NNNNNNNXX, NNN-NN-NNNN, YYDDPP-NNNNN): {value!r}")
    return value.rstrip(" ")


def _email(value, path: str) -> str | None:
    from abisim.mail.addresses import is_address

    _str(value, path, max_length=200)
    if value is not None and not is_address(value):
        raise FixtureError(path, f"not an e-mail address: {value!r}")
    return value


def _bool(value, path: str, default: bool = False) -> int:
    if value is None:
        return int(default)
    if not isinstance(value, bool):
        raise FixtureError(path, f"not true or false: {value!r}")
    return int(value)


def _known_keys(entry: dict, path: str, keys) -> None:
    if not isinstance(entry, dict):
        raise FixtureError(path, "not an object")
    unknown = set(entry) - set(keys)
    if unknown:
        raise FixtureError(path, f"unknown keys: {', '.join(sorted(unknown))}")


_IMPORTER_TEXT = {c: n for c, n in (
    ("name", 32), ("name_line_2", 32), ("legal_name", 100), ("mail_address_1", 32), ("mail_address_2", 32),
    ("mail_city", 21), ("mail_state", 2), ("mail_postal_code", 9), ("mail_country", 2),
    ("physical_address_1", 32), ("physical_address_2", 32), ("physical_city", 21), ("physical_state", 2),
    ("physical_postal_code", 9), ("physical_country", 2), ("phone", 15), ("email", 100),
    ("account_manager_email", 200), ("center_id", 6), ("importer_type", 1), ("name_qualifier", 3),
)}
_BOND_KEYS = ("bond_number", "surety_code", "bond_type", "activity_code", "amount", "port", "execution_date",
              "effective_date", "termination_date", "sufficient", "reconciliation_rider", "usvi_rider",
              "principal", "co_principals", "users")


def check(doc: Any) -> dict:
    """Validate a fixture document; returns rows ready for the store."""
    _known_keys(doc, "$", ("format", "filers", "sureties", "importers", "bonds", "powers_of_attorney",
                           "pms_switches"))
    if doc.get("format", FORMAT) != FORMAT:
        raise FixtureError("format", f"expected {FORMAT!r}")
    rows: dict[str, list] = {k: [] for k in ("filers", "sureties", "importers", "bonds", "parties", "poas",
                                             "switches")}
    for i, f in enumerate(_entries(doc, "filers")):
        p = f"filers[{i}]"
        _known_keys(f, p, ("filer_code", "name", "sites", "password", "ace_portal_account", "applications",
                           "token", "sends_for", "prepares_at", "email"))
        sites = f.get("sites", [])
        apps = f.get("applications", [])
        sends_for = f.get("sends_for", [])
        prepares_at = f.get("prepares_at", [])
        for key, value, length, what in (("sites", sites, 4, "site/port codes"),
                                          ("prepares_at", prepares_at, 4, "port codes"),
                                          ("sends_for", sends_for, 3, "filer codes")):
            if not isinstance(value, list) or not all(isinstance(v, str) and len(v) == length for v in value):
                raise FixtureError(f"{p}.{key}", f"a list of {length}-character {what}")
        if not isinstance(apps, list) or not all(isinstance(a, str) and len(a) == 2 for a in apps):
            raise FixtureError(f"{p}.applications", "a list of 2-character application ids")
        rows["filers"].append(dict(
            filer_code=_str(f.get("filer_code"), f"{p}.filer_code", required=True, max_length=3),
            name=_str(f.get("name"), f"{p}.name") or "",
            sites=",".join(sites), password=_str(f.get("password"), f"{p}.password", max_length=6) or "",
            ace_portal_account=_bool(f.get("ace_portal_account"), f"{p}.ace_portal_account"),
            applications=",".join(apps), token=_str(f.get("token"), f"{p}.token"),
            sends_for=",".join(sends_for), prepares_at=",".join(prepares_at),
            email=_email(f.get("email"), f"{p}.email")))
    seen: set[str] = set()
    for i, f in enumerate(rows["filers"]):
        if f["email"] and f["email"].lower() in seen:
            raise FixtureError(f"filers[{i}].email", f"{f['email']} is the address of an earlier filer too")
        seen.add((f["email"] or "").lower())
    for i, s in enumerate(_entries(doc, "sureties")):
        p = f"sureties[{i}]"
        _known_keys(s, p, ("surety_code", "name"))
        code = _str(s.get("surety_code"), f"{p}.surety_code", required=True)
        if len(code) != 3 or not (code.isascii() and code.isdigit()):
            raise FixtureError(f"{p}.surety_code", f"3 digits, e.g. '036': {code!r}")
        rows["sureties"].append(dict(surety_code=code, name=_str(s.get("name"), f"{p}.name") or ""))
    numbers = set()
    for i, m in enumerate(_entries(doc, "importers")):
        p = f"importers[{i}]"
        _known_keys(m, p, (*IMPORTER_COLUMNS, "tp_records"))
        row = {"importer_number": _number(m.get("importer_number"), f"{p}.importer_number")}
        numbers.add(row["importer_number"])
        row["status"] = _str(m.get("status"), f"{p}.status", allowed={"active", "voided", "inactive"}) or "active"
        row["ace_account"] = _str(m.get("ace_account"), f"{p}.ace_account",
                                  allowed={"none", "portal", "non-portal"}) or "none"
        for col, n in _IMPORTER_TEXT.items():
            row[col] = _str(m.get(col), f"{p}.{col}", max_length=n)
        if not row["name"]:
            raise FixtureError(f"{p}.name", "missing")
        row["ctpat"] = _bool(m.get("ctpat"), f"{p}.ctpat")
        if row["ctpat"] and row["ace_account"] == "none":
            row["ace_account"] = "non-portal"  # ruling 31: C-TPAT importers are ACE accounts from the start
        tp = m.get("tp_records")
        if tp is not None and (not isinstance(tp, list) or not all(isinstance(x, str) and len(x) == 80 for x in tp)):
            raise FixtureError(f"{p}.tp_records", "a list of 80-character 5106 records")
        row["tp_records"] = "\n".join(tp) if tp else None
        row["updated"] = _date(m.get("updated"), f"{p}.updated")
        rows["importers"].append(row)
    sureties = {s["surety_code"] for s in rows["sureties"]}
    for i, b in enumerate(_entries(doc, "bonds")):
        p = f"bonds[{i}]"
        _known_keys(b, p, _BOND_KEYS)
        number = _str(b.get("bond_number"), f"{p}.bond_number", required=True, max_length=9)
        surety = _str(b.get("surety_code"), f"{p}.surety_code", required=True)
        if surety not in sureties:
            raise FixtureError(f"{p}.surety_code", f"surety {surety!r} is not in sureties")
        amount = b.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0 or amount > 9_999_999_999:
            raise FixtureError(f"{p}.amount", f"whole dollars, 0 to 9999999999: {amount!r}")
        effective = _date(b.get("effective_date"), f"{p}.effective_date")
        if effective is None:
            raise FixtureError(f"{p}.effective_date", "missing")
        rows["bonds"].append(dict(
            bond_number=number, surety_code=surety,
            bond_type=_str(b.get("bond_type"), f"{p}.bond_type", allowed={"8", "9"}) or "8",
            activity_code=_str(b.get("activity_code"), f"{p}.activity_code", max_length=3) or "1",
            amount=amount, port=_str(b.get("port"), f"{p}.port", max_length=4) or "9900",
            execution_date=_date(b.get("execution_date"), f"{p}.execution_date"),
            effective_date=effective,
            termination_date=_date(b.get("termination_date"), f"{p}.termination_date"),
            sufficient=_bool(b.get("sufficient"), f"{p}.sufficient", default=True),
            reconciliation_rider=_str(b.get("reconciliation_rider"), f"{p}.reconciliation_rider", allowed={"Y", "N"}),
            usvi_rider=_str(b.get("usvi_rider"), f"{p}.usvi_rider", allowed={"Y", "N"})))
        if b.get("principal") is None:
            raise FixtureError(f"{p}.principal", "missing")
        parties = [("principal", f"{p}.principal", b.get("principal"))]
        for key, role in (("co_principals", "co-principal"), ("users", "user")):
            entries = b.get(key, [])
            if not isinstance(entries, list):
                raise FixtureError(f"{p}.{key}", "not a list")
            parties += [(role, f"{p}.{key}[{k}]", e) for k, e in enumerate(entries)]
        for role, q, party in parties:
            if isinstance(party, str):
                party = {"importer_number": party}
            _known_keys(party, q, ("importer_number", "name", "add_date", "delete_date"))
            number_ = _number(party.get("importer_number"), f"{q}.importer_number")
            rows["parties"].append(dict(
                bond_number=number, importer_number=number_, role=role,
                name=_str(party.get("name"), f"{q}.name", max_length=40) or "",
                add_date=_date(party.get("add_date"), f"{q}.add_date"),
                delete_date=_date(party.get("delete_date"), f"{q}.delete_date")))
    for i, a in enumerate(_entries(doc, "powers_of_attorney")):
        p = f"powers_of_attorney[{i}]"
        _known_keys(a, p, ("importer_number", "filer_code", "granted"))
        rows["poas"].append((_number(a.get("importer_number"), f"{p}.importer_number"),
                             _str(a.get("filer_code"), f"{p}.filer_code", required=True, max_length=3),
                             _date(a.get("granted"), f"{p}.granted")))
    for i, s in enumerate(_entries(doc, "pms_switches")):
        p = f"pms_switches[{i}]"
        _known_keys(s, p, ("importer_number", "filer_code", "set_date", "payment_type"))
        rows["switches"].append((_number(s.get("importer_number"), f"{p}.importer_number"),
                                 _str(s.get("filer_code"), f"{p}.filer_code", required=True, max_length=3),
                                 _date(s.get("set_date"), f"{p}.set_date"),
                                 _str(s.get("payment_type"), f"{p}.payment_type", allowed={"D", "C"})))
    return rows


def load(store: Store, doc: dict | str, *, replace: bool = False) -> dict[str, int]:
    """Load a fixture (a dict or JSON text) in one transaction; returns counts. ``replace``
    empties the database first, in the same transaction: a load that fails changes nothing."""
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except (json.JSONDecodeError, RecursionError) as exc:
            where = f"line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "$"
            raise FixtureError(where, getattr(exc, "msg", "nested too deeply"))
    rows = check(doc)
    with store.transaction() as conn:
        if replace:
            store.reset()
        codes = {f["filer_code"] for f in rows["filers"]}
        for i, f in enumerate(rows["filers"]):
            other = store.filer_by_email(f["email"]) if f["email"] else None
            if other is not None and other["filer_code"] not in codes:
                raise FixtureError(f"filers[{i}].email", f"{f['email']} is filer {other['filer_code']}'s address")
        for f in rows["filers"]:
            store.put_filer(f)
        for s in rows["sureties"]:
            store.put_surety(s["surety_code"], s["name"])
        for m in rows["importers"]:
            store.put_importer(m)
        for b in rows["bonds"]:
            store.put_bond(b)
        for party in rows["parties"]:
            if not party["name"]:
                importer = store.importer(party["importer_number"])
                party["name"] = importer["name"] if importer is not None else ""
            store.put_party(party)
        for poa in rows["poas"]:
            store.put_poa(*poa)
        for number, filer, date, payment in rows["switches"]:
            conn.execute("INSERT OR REPLACE INTO pms_switches VALUES (?, ?, ?, ?)", (number, filer, date, payment))
    return {k: len(v) for k, v in rows.items()}


def export(store: Store) -> dict:
    """The database as a fixture document (journal and notifications are not fixtures)."""
    conn = store.conn
    doc: dict[str, Any] = {"format": FORMAT}
    doc["filers"] = [
        _prune(dict(filer_code=f["filer_code"], name=f["name"] or None,
                    sites=[s for s in f["sites"].split(",") if s], password=f["password"] or None,
                    ace_portal_account=bool(f["ace_portal_account"]),
                    applications=[a for a in f["applications"].split(",") if a], token=f["token"],
                    sends_for=[c for c in f["sends_for"].split(",") if c],
                    prepares_at=[c for c in f["prepares_at"].split(",") if c],
                    email=f["email"]))
        for f in conn.execute("SELECT * FROM filers ORDER BY filer_code")]
    doc["sureties"] = [dict(surety_code=s["surety_code"], name=s["name"])
                       for s in conn.execute("SELECT * FROM sureties ORDER BY surety_code")]
    importers = []
    for m in conn.execute("SELECT * FROM importers ORDER BY importer_number"):
        row = {c: m[c] for c in IMPORTER_COLUMNS}
        row["ctpat"] = bool(row["ctpat"])
        row["tp_records"] = row["tp_records"].split("\n") if row["tp_records"] else None
        importers.append(_prune(row))
    doc["importers"] = importers
    bonds = []
    for b in conn.execute("SELECT * FROM bonds ORDER BY bond_number"):
        entry = {k: b[k] for k in b.keys()}
        entry["sufficient"] = bool(entry["sufficient"])
        parties = store.parties(b["bond_number"])

        def party(p):
            return _prune(dict(importer_number=p["importer_number"], name=p["name"] or None,
                               add_date=p["add_date"], delete_date=p["delete_date"]))
        principal = [party(p) for p in parties if p["role"] == "principal"]
        entry["principal"] = principal[0] if principal else None
        entry["co_principals"] = [party(p) for p in parties if p["role"] == "co-principal"]
        entry["users"] = [party(p) for p in parties if p["role"] == "user"]
        bonds.append(_prune(entry))
    doc["bonds"] = bonds
    doc["powers_of_attorney"] = [_prune(dict(importer_number=a[0], filer_code=a[1], granted=a[2]))
                                 for a in conn.execute("SELECT * FROM powers_of_attorney ORDER BY 1, 2")]
    doc["pms_switches"] = [dict(importer_number=s[0], filer_code=s[1], set_date=s[2], payment_type=s[3])
                           for s in conn.execute("SELECT * FROM pms_switches ORDER BY 1")]
    return doc


def _prune(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None and v != []}
