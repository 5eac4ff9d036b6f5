"""``abisim poa grant|revoke``: powers of attorney from importers to filers."""

from __future__ import annotations

import click

from abisim.cli.common import as_of_option, db_option, open_store, today


def register(main: click.Group) -> None:
    @main.group("poa")
    def poa_group():
        """Grant or revoke an importer's power of attorney to a broker (filer)."""

    @poa_group.command("grant")
    @click.argument("importer")
    @click.argument("filer")
    @db_option
    @as_of_option
    def grant(importer, filer, db, as_of):
        open_store(db).put_poa(importer, filer, today(as_of).isoformat())
        click.echo(f"{importer} -> {filer}: power of attorney on file")

    @poa_group.command("revoke")
    @click.argument("importer")
    @click.argument("filer")
    @db_option
    def revoke(importer, filer, db):
        open_store(db).delete_poa(importer, filer)
        click.echo(f"{importer} -> {filer}: no power of attorney")
