"""``abisim filers add|list``: the brokers (filers) CBP knows, and their HTTP tokens."""

from __future__ import annotations

import secrets

import click

from abisim.cli.common import db_option, dumps, open_store


def register(main: click.Group) -> None:
    @main.group("filers")
    def filers_group():
        """Add or list filers (site codes, password, ACE portal account, HTTP token)."""

    @filers_group.command("add")
    @click.argument("filer_code")
    @click.option("--site", "sites", multiple=True, help="Site/port code the filer sends from (repeatable).")
    @click.option("--password", default="", help="The A-record communication password.")
    @click.option("--portal/--no-portal", default=True, show_default=True, help="Has an ACE portal account.")
    @click.option("--name", default="", help="The broker's name.")
    @click.option("--applications", default="", help="Allowed input applications, e.g. KI,TP (default: all).")
    @click.option("--token", default=None, help="HTTP bearer token (default: generated).")
    @click.option("--sends-for", "sends_for", multiple=True,
                  help="A filer this one may send blocks for, as a service bureau (repeatable).")
    @click.option("--prepares-at", "prepares_at", multiple=True,
                  help="A port, beyond its own sites, where it may prepare remotely (repeatable).")
    @click.option("--email", default=None, help="The broker's e-mail address (PMS activation by e-mail).")
    @db_option
    def add(filer_code, sites, password, portal, name, applications, token, sends_for, prepares_at, email, db):
        """Add or update a filer and print its HTTP bearer token."""
        code = filer_code.upper()
        if len(code) != 3:
            raise click.BadParameter("a filer code has 3 characters", param_hint="FILER_CODE")
        for other in sends_for:
            if len(other) != 3:
                raise click.BadParameter(f"a filer code has 3 characters: {other!r}", param_hint="--sends-for")
        for port in prepares_at:
            if len(port) != 4:
                raise click.BadParameter(f"a port code has 4 characters: {port!r}", param_hint="--prepares-at")
        from abisim.mail.addresses import is_address

        if email is not None and not is_address(email):
            raise click.BadParameter(f"not an e-mail address: {email!r}", param_hint="--email")
        store = open_store(db)
        other = store.filer_by_email(email) if email else None
        if other is not None and other["filer_code"] != code:
            raise click.BadParameter(f"{email} is filer {other['filer_code']}'s address", param_hint="--email")
        token = token or secrets.token_urlsafe(24)
        values = dict(filer_code=code, name=name, sites=",".join(sites), password=password,
                      ace_portal_account=int(portal), applications=applications.upper(), token=token,
                      sends_for=",".join(sends_for).upper(), prepares_at=",".join(prepares_at).upper())
        if email is not None:
            values["email"] = email
        store.put_filer(values)
        click.echo(token)

    @filers_group.command("list")
    @click.option("--json", "as_json", is_flag=True)
    @db_option
    def list_(as_json, db):
        """The filers on file (tokens are not shown)."""
        for row in open_store(db).conn.execute("SELECT * FROM filers ORDER BY filer_code"):
            doc = {k: row[k] for k in row.keys() if k != "token"}
            doc["ace_portal_account"] = bool(doc["ace_portal_account"])
            click.echo(dumps(doc) if as_json else
                       f"{doc['filer_code']}  sites {doc['sites'] or '-':<10}  portal {'yes' if doc['ace_portal_account'] else 'no ':<3}"
                       f"  applications {doc['applications'] or 'all'}"
                       + (f"  sends for {doc['sends_for']}" if doc.get("sends_for") else "")
                       + (f"  prepares at {doc['prepares_at']}" if doc.get("prepares_at") else "")
                       + f"  {doc['email'] or '-'}  {doc['name']}")
