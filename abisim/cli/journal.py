"""``abisim journal``: the exchanges the simulated CBP answered, on every channel."""

from __future__ import annotations

import datetime as dt
import re

import click

from abisim.cli.common import db_option, dumps, open_store

_RELATIVE = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def since_value(text: str | None, now: dt.datetime | None = None) -> str | None:
    """An ISO 8601 date or time (UTC), or a span back from now (30s, 15m, 2h, 1d), as the
    journal's UTC timestamp text it is compared with."""
    if text is None:
        return None
    m = _RELATIVE.match(text.strip())
    if m:
        now = now or dt.datetime.now(dt.timezone.utc)
        return (now - dt.timedelta(**{_UNITS[m[2]]: int(m[1])})).isoformat(timespec="microseconds")
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"not a date, a time or a span like 15m: {text!r}", param_hint="--since")
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def line(row) -> str:
    apps = f"{row['application_id'] or '--'}>{row['answer_application_id'] or '--'}"
    fault = f"  fault: {row['fault']}" if row["fault"] else ""
    return (f"{row['id']:>6}  {row['received'][:23]}  {row['channel']:<6}  {row['filer_code'] or '---':<3}  "
            f"{apps:<6}  {row['status']:<8}  {row['ms']:>8.2f} ms{fault}")


def register(main: click.Group) -> None:
    @main.command("journal")
    @db_option
    @click.option("--filer", default=None, help="Only this filer's exchanges.")
    @click.option("--since", default=None, metavar="WHEN",
                  help="Only exchanges since WHEN: an ISO date or time (UTC), or 30s, 15m, 2h, 1d ago.")
    @click.option("--channel", default=None, type=click.Choice(["http", "tcp", "cli", "python", "email"]))
    @click.option("--status", default=None, type=click.Choice(["accepted", "rejected", "dropped"]))
    @click.option("--limit", default=1000, show_default=True, type=click.IntRange(1, 1_000_000))
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per exchange, bodies included.")
    @click.option("--clear", is_flag=True, help="Delete the whole journal (after printing nothing).")
    def journal(db, filer, since, channel, status, limit, as_json, clear):
        """List the exchanges answered: channel, filer, application, status, time taken.

        Every exchange is journaled, faulted ones too, with passwords blanked. Bodies are
        kept as `abisim serve --journal` says (default: all, each cut at 8 KiB).
        """
        store = open_store(db)
        if clear:
            click.echo(f"{store.journal_clear()} exchanges deleted")
            return
        rows = store.journal(filer_code=filer, since=since_value(since), channel=channel, status=status,
                             limit=limit)
        for row in rows:
            click.echo(dumps(dict(row)) if as_json else line(row))
