"""``abisim importer show|set``: the facts behind the activation rules, per importer."""

from __future__ import annotations

import sys

import click

from abisim.cli.common import EXIT_INPUT, db_option, dumps, open_store


def register(main: click.Group) -> None:
    @main.group("importer")
    def importer_group():
        """Show or change what CBP holds for an importer (C-TPAT, account manager, ACE account, status)."""

    @importer_group.command("show")
    @click.argument("number")
    @db_option
    def show(number, db):
        """Everything on file for one importer number, as JSON."""
        store = open_store(db)
        row = store.importer(number)
        if row is None:
            click.echo(f"{number}: not on file", err=True)
            sys.exit(EXIT_INPUT)
        doc = {k: row[k] for k in row.keys() if k != "tp_records"}
        doc["ctpat"] = bool(doc["ctpat"])
        doc["tp_records"] = row["tp_records"].split("\n") if row["tp_records"] else []
        doc["bonds"] = [dict(bond_number=b["bond_number"], role=b["role"]) for b in store.bonds_of(number)]
        doc["powers_of_attorney"] = [r[0] for r in store.conn.execute(
            "SELECT filer_code FROM powers_of_attorney WHERE importer_number = ? ORDER BY 1", (number,))]
        switch = store.pms_switch(number)
        doc["pms_switch"] = dict(switch) if switch is not None else None
        click.echo(dumps(doc))

    @importer_group.command("set")
    @click.argument("number")
    @click.option("--ctpat/--no-ctpat", default=None, help="C-TPAT certification.")
    @click.option("--account-manager", default=None, metavar="EMAIL",
                  help="The CBP Account Manager's e-mail ('' removes it).")
    @click.option("--ace-account", type=click.Choice(["none", "portal", "non-portal"]), default=None)
    @click.option("--status", type=click.Choice(["active", "voided", "inactive"]), default=None)
    @db_option
    def set_(number, ctpat, account_manager, ace_account, status, db):
        """Change facts CBP holds for an importer (one transaction)."""
        store = open_store(db)
        if store.importer(number) is None:
            click.echo(f"{number}: not on file", err=True)
            sys.exit(EXIT_INPUT)
        from abisim.rules.bond_team import flag_changes

        changes = flag_changes(store.importer(number), ctpat=ctpat, account_manager=account_manager,
                               ace_account=ace_account, status=status)
        store.update_importer(number, **changes)
        click.echo(f"{number}: " + (", ".join(f"{k}={v}" for k, v in changes.items()) or "nothing changed"))
