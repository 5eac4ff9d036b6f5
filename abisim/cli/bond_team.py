"""``abisim bond-team rider``: the Revenue Division bond team applies an importer's 5106 and
its bond rider (name and address) to CBP's files, and tells the broker."""

from __future__ import annotations

import sys

import click

from abisim.cli.common import EXIT_INPUT, as_of_option, db_option, open_store, report_error, today


def register(main: click.Group) -> None:
    @main.group("bond-team")
    def bond_team():
        """Actions of CBP's Revenue Division bond team."""

    @bond_team.command("rider")
    @click.argument("importer")
    @click.argument("five106", type=click.Path(exists=True, dir_okay=False))
    @click.option("--filer", default=None, help="The broker to notify (update complete).")
    @click.option("--name", "rider_name", default=None, help="The name on the bond rider, if it differs.")
    @db_option
    @as_of_option
    def rider(importer, five106, filer, rider_name, db, as_of):
        """Apply IMPORTER's 5106 (a TP transmission file) and its rider."""
        from abisim.rules.bond_team import RiderError, apply_rider, five106_of
        from abisim.transmission import parse

        t = parse(five106)
        if not t.ok:
            for e in t.errors:
                report_error(e, five106)
            sys.exit(EXIT_INPUT)
        five106 = five106_of(t.records(), importer)
        if five106 is None:
            click.echo(f"{five106}: no 5106 for {importer}", err=True)
            sys.exit(EXIT_INPUT)
        try:
            result = apply_rider(open_store(db), importer, five106, today(as_of), filer, rider_name)
        except RiderError as exc:
            click.echo(f"{importer}: {exc}", err=True)
            sys.exit(EXIT_INPUT)
        changed = ", ".join(result.changed) or "nothing"
        click.echo(f"{importer}: bond team updated {changed}; bonds {', '.join(result.bonds) or 'none'}"
                   + (f"; filer {filer} notified" if filer else ""))
