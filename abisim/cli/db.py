"""``abisim db init|load|export|reset``: the simulated CBP database and its fixtures."""

from __future__ import annotations

import json
import sys

import click

from abisim.cli.common import EXIT_INPUT, as_of_option, db_option, fail, open_store, today


def register(main: click.Group) -> None:
    @main.group("db")
    def db_group():
        """Create, load, export and reset the simulated CBP database."""

    @db_group.command("init")
    @db_option
    @as_of_option
    @click.option("--sample", is_flag=True, help="Load the sample database (magic-value importers).")
    @click.option("--force", is_flag=True, help="Replace a database that holds data with the sample one.")
    def init(db, as_of, sample, force):
        """Create the database (schema only, or with the sample data)."""
        from abisim import fixtures
        from abisim import sample as sample_data

        store = open_store(db, create=True)
        if sample and not force and _holds_data(store):
            fail(f"{store.path}: holds data; --force replaces it with the sample database")
        if sample:
            counts = fixtures.load(store, sample_data.fixture(today(as_of)), replace=True)
            click.echo(f"{store.path}: sample database loaded ({_counts(counts)})")
        else:
            click.echo(f"{store.path}: schema version {store.schema_version()}")

    @db_group.command("load")
    @db_option
    @click.argument("file", type=click.File("r", encoding="utf-8"))
    def load(db, file):
        """Load a fixture JSON file (docs/fixtures.md). Nothing is loaded if an entry is bad."""
        from abisim import fixtures

        store = open_store(db)
        try:
            counts = fixtures.load(store, file.read())
        except fixtures.FixtureError as exc:
            click.echo(f"{file.name}: {exc}", err=True)
            sys.exit(EXIT_INPUT)
        click.echo(f"{file.name}: loaded {_counts(counts)}")

    @db_group.command("export")
    @db_option
    @click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Output file.")
    def export(db, output):
        """Write the database as a fixture JSON document (load takes it back losslessly)."""
        from abisim import fixtures

        json.dump(fixtures.export(open_store(db)), output, indent=2)
        output.write("\n")

    @db_group.command("reset")
    @db_option
    def reset(db):
        """Empty every table."""
        store = open_store(db)
        store.reset()
        click.echo(f"{store.path}: reset")


def _holds_data(store) -> bool:
    return any(store.conn.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone()
               for t in ("filers", "sureties", "importers", "bonds", "journal"))


def _counts(counts: dict) -> str:
    return ", ".join(f"{v} {k}" for k, v in counts.items() if v)
