"""``abisim notifications --filer CODE``: what CBP has told a broker."""

from __future__ import annotations

import click

from abisim.cli.common import db_option, dumps, open_store


def register(main: click.Group) -> None:
    @main.command("notifications")
    @click.option("--filer", required=True, help="The broker's filer code.")
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per notification.")
    @db_option
    def notifications(filer, as_json, db):
        """List the notifications written for a broker (and the copies sent on its behalf)."""
        for n in open_store(db).notifications(filer):
            if as_json:
                click.echo(dumps({k: n[k] for k in n.keys()}))
            else:
                click.echo(f"{n['id']:>5}  {n['created']}  to {n['recipient']:<32}  {n['kind']:<20}  {n['text']}")
