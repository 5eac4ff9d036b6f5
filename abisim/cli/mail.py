"""``abisim mail [--filer F] [--raw]``: CBP's e-mail, the outbox of PMS answers (ruling 29)."""

from __future__ import annotations

import sys

import click

from abisim.cli.common import EXIT_INPUT, db_option, dumps, open_store


def register(main: click.Group) -> None:
    @main.command("mail")
    @click.option("--filer", default=None, help="Only the mail addressed or copied to this filer.")
    @click.option("--received", is_flag=True, help="The mail CBP received instead of the mail it sent.")
    @click.option("--raw", is_flag=True, help="Each message as RFC 5322 text.")
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per message.")
    @db_option
    def mail(filer, received, raw, as_json, db):
        """The outbox: CBP's answers by e-mail, with delivery status and last error."""
        from abisim.mail import outbox

        store = open_store(db)
        address = None
        if filer is not None:
            row = store.filer(filer.upper())
            if row is None or not row["email"]:
                click.echo(f"filer {filer!r} has no e-mail address on file", err=True)
                sys.exit(EXIT_INPUT)
            address = row["email"]
        for m in outbox.messages(store, address=address, direction="in" if received else "out"):
            if as_json:
                click.echo(dumps(outbox.to_json(m, raw=raw)))
            elif raw:
                click.echo(m["raw"].rstrip("\n") + "\n")
            else:
                state = m["status"] + (f" ({m['attempts']} attempts: {m['last_error']})" if m["last_error"]
                                       and m["status"] != "delivered" else "")
                click.echo(f"{m['id']:>5}  {m['created'][:19]}  to {m['recipients']:<40}  {m['subject']}  [{state}]")
