"""Writing generated importers: the fixture document, the 5106 TP files and the expected
verdicts (streamed to files), or the importers and bonds straight into a database."""

from __future__ import annotations

import datetime as dt
import json

from abisim.generate.importers import Generated, Mix, importers

_IMPORTER_JSON = ('{"importer_number":"%s","status":"%s","importer_type":"%s","name":"%s","mail_address_1":"%s",'
                  '"mail_city":"%s","mail_state":"%s","mail_postal_code":"%s","mail_country":"%s","phone":"%s",'
                  '"updated":"%s"}')
_BOND_JSON = ('{"bond_number":"%s","surety_code":"%s","activity_code":"%s","amount":%d,"port":"%s",'
              '"execution_date":"%s","effective_date":"%s","principal":"%s"}')
_VERDICT_JSON = '{"importer_number":"%s","outcome":"%s","verdict":"%s","findings":[%s],"warnings":[%s]}\n'
_dumps = json.JSONEncoder(separators=(",", ":")).encode


def importer_json(g: Generated) -> str:
    """The fixture entry; generated text never holds a quote or a backslash, so the JSON
    is written directly (json.dumps was a third of the time)."""
    m = g.importer
    return _IMPORTER_JSON % (m["importer_number"], m["status"], m["importer_type"], m["name"], m["mail_address_1"],
                             m["mail_city"], m["mail_state"], m["mail_postal_code"], m["mail_country"], m["phone"],
                             m["updated"])


def bond_json(bond: dict) -> str:
    if len(bond) != 8:  # terminated, insufficient, or with users: rare, the general way
        return _dumps(bond)
    b = bond
    return _BOND_JSON % (b["bond_number"], b["surety_code"], b["activity_code"], b["amount"], b["port"],
                         b["execution_date"], b["effective_date"], b["principal"])


def verdict_json(g: Generated) -> str:
    return _VERDICT_JSON % (g.importer["importer_number"], g.outcome, "inconsistent" if g.findings else "consistent",
                            ",".join(f'"{c}"' for c in g.findings), ",".join(f'"{c}"' for c in g.warnings))


def fixture_header() -> dict:
    from abisim import sample

    return {"format": "abisim-fixture-1", "filers": sample.FILERS, "sureties": sample.SURETIES}


def write(out_dir, n: int, *, seed: int = 0, mix: Mix = Mix(), as_of: dt.date = dt.date(2026, 11, 25),
          per_file: int = 100_000, per_block: int = 10_000, filer: str = "XJ5", progress=None,
          fixture: bool = True) -> dict:
    """Write OUT/fixture.json, OUT/5106/importers-NNNN.abi and OUT/verdicts.jsonl, streaming
    (``fixture=False``: no fixture.json, for TP files alone). Returns counts per outcome."""
    import os
    import tempfile
    from pathlib import Path

    from abisim import sample
    from abisim.records import render_record

    out = Path(out_dir)
    (out / "5106").mkdir(parents=True, exist_ok=True)
    site = sample.SITES.get(filer, "3901")
    a, b, y, z = (render_record(r) for r in _envelope(filer, site, as_of))
    counts: dict[str, int] = {}
    header = fixture_header()
    fixture = open(out / "fixture.json" if fixture else os.devnull, "w", encoding="utf-8")
    verdicts = open(out / "verdicts.jsonl", "w", encoding="utf-8")
    bonds_tmp = tempfile.NamedTemporaryFile("w+", encoding="utf-8", dir=out, suffix=".bonds", delete=False)
    tp_file = None
    files = 0
    in_file = in_block = 0
    block_records = 0
    y_tpl = y[:12] + "{:05d}" + y[17:]

    def close_block():
        nonlocal in_block, block_records
        if in_block:
            tp_file.write((y_tpl.format(block_records) if block_records < 100_000 else y) + "\n")
        in_block = block_records = 0

    dumps = _dumps
    first_importer = first_bond = True
    try:
        fixture.write('{"format":"abisim-fixture-1","filers":' + dumps(header["filers"]) + ',"sureties":'
                      + dumps(header["sureties"]) + ',\n"importers":[\n')
        importer_parts, bond_parts, verdict_parts, tp_parts = [], [], [], []

        def flush():
            nonlocal first_importer, first_bond
            if importer_parts:
                fixture.write(("" if first_importer else ",\n") + ",\n".join(importer_parts))
                first_importer = False
            if bond_parts:
                bonds_tmp.write(("" if first_bond else ",\n") + ",\n".join(bond_parts))
                first_bond = False
            verdicts.write("".join(verdict_parts))
            if tp_parts:
                tp_file.write("".join(tp_parts))
            for parts in (importer_parts, bond_parts, verdict_parts, tp_parts):
                parts.clear()

        for k, g in enumerate(importers(n, seed=seed, mix=mix, as_of=as_of)):
            importer_parts.append(importer_json(g))
            for bond in g.bonds:
                bond_parts.append(bond_json(bond))
            verdict_parts.append(verdict_json(g))
            counts[g.outcome] = counts.get(g.outcome, 0) + 1
            if tp_file is None or in_file >= per_file:
                flush()
                if tp_file is not None:
                    close_block()
                    tp_file.write(z + "\n")
                    tp_file.close()
                files += 1
                tp_file = open(out / "5106" / f"importers-{files:04d}.abi", "w", encoding="latin-1")
                tp_file.write(a + "\n")
                in_file = 0
            if in_block >= per_block:
                flush()
                close_block()
            if not in_block:
                tp_parts.append(b + "\n")
            tp_parts.append("\n".join(g.tp_lines) + "\n")
            in_file += 1
            in_block += 1
            block_records += len(g.tp_lines)
            if k % 2_000 == 0:
                flush()
                if progress is not None:
                    progress(k)
        flush()
        if tp_file is not None:
            close_block()
            tp_file.write(z + "\n")
            tp_file.close()
        fixture.write("\n],\n\"bonds\":[\n")
        bonds_tmp.seek(0)
        for chunk in iter(lambda: bonds_tmp.read(1 << 20), ""):
            fixture.write(chunk)
        fixture.write("\n]}\n")
    finally:
        fixture.close()
        verdicts.close()
        bonds_tmp.close()
        os.unlink(bonds_tmp.name)
    return counts


def to_store(store, n: int, *, seed: int = 0, mix: Mix = Mix(), as_of: dt.date = dt.date(2026, 11, 25),
             batch: int = 50_000) -> dict:
    """Bulk-insert the same importers and bonds straight into a database (the benchmarks'
    millions, where a fixture document would be too large to load): what ``db load`` of
    ``write``'s fixture.json gives, without the JSON."""
    from abisim import fixtures
    from abisim.store import BOND_COLUMNS

    fixtures.load(store, fixture_header())
    conn = store.conn
    cols = ("importer_number", "status", "importer_type", "name", "mail_address_1", "mail_city", "mail_state",
            "mail_postal_code", "mail_country", "phone", "updated")
    bond_cols = [c for c in BOND_COLUMNS if c not in ("reconciliation_rider", "usvi_rider")]
    counts: dict[str, int] = {}
    rows, bonds, parties = [], [], []

    def flush():
        conn.executemany(f"INSERT INTO importers ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)
        conn.executemany(f"INSERT INTO bonds ({', '.join(bond_cols)}) VALUES ({', '.join('?' * len(bond_cols))})",
                         bonds)
        conn.executemany("INSERT INTO bond_parties (bond_number, importer_number, role, name, add_date, delete_date) "
                         "VALUES (?, ?, ?, ?, ?, ?)", parties)
        rows.clear(), bonds.clear(), parties.clear()

    with store.transaction():
        for g in importers(n, seed=seed, mix=mix, as_of=as_of):
            m = g.importer
            counts[g.outcome] = counts.get(g.outcome, 0) + 1
            rows.append(tuple(m[c] for c in cols))
            for b in g.bonds:
                bonds.append((b["bond_number"], b["surety_code"], "8", b["activity_code"], b["amount"], b["port"],
                              b["execution_date"], b["effective_date"], b.get("termination_date"),
                              int(b.get("sufficient", True))))
                parties.append((b["bond_number"], b["principal"], "principal", m["name"], None, None))
                for u in b.get("users", []):
                    parties.append((b["bond_number"], u["importer_number"], "user", u["name"], u.get("add_date"),
                                    u.get("delete_date")))
            if len(rows) >= batch:
                flush()
        flush()
    return counts


def _envelope(filer: str, site: str, as_of: dt.date):
    from abisim import sample

    records = sample.envelope("TP", [], filer, site=site, date=as_of)
    a, b, y, z = records
    return a, b, y.replace(record_count=0), z
