"""What the commands share: reading input files and reporting errors as `abisim parse` does."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click

from abisim.errors import RecordError

EXIT_OK, EXIT_FINDING, EXIT_INPUT = 0, 1, 2


def to_jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dumps(obj) -> str:
    return json.dumps(obj, default=to_jsonable, separators=(",", ":"))


def error_json(e: RecordError, file: str) -> dict:
    return {"type": "error", "file": file, **e.to_json()}


def report_error(e: RecordError, file: str, lines: dict[int, str] | None = None, err=None) -> None:
    """``FILE:LINE:COLS: CODE message``, then the record and a caret line under the columns."""
    err = err or sys.stderr
    color = err.isatty()
    text = e.located(file)
    click.echo(click.style(text, fg="red" if e.is_fatal else "yellow") if color else text, file=err)
    record = (lines or {}).get(e.line) if e.line is not None else None
    if record is not None:
        shown = record[:80]
        click.echo("    " + shown.replace("\t", " "), file=err)
        if e.first_column is not None:
            first = e.first_column
            last = e.last_column or first
            last = max(first, min(last, max(len(shown), first)))
            carets = " " * (first - 1) + "^" * (last - first + 1)
            click.echo("    " + (click.style(carets, fg="green") if color else carets), file=err)


def read_lines(path: str) -> dict[int, str]:
    """Line number -> record text, for showing records under errors (small files only)."""
    from abisim.transmission import _lines_of

    return {line.number: line.text for line, _sep, _ended in _lines_of(path)}


def db_option(f):
    return click.option("--db", "db", default=None, metavar="PATH", envvar="ABISIM_DB",
                        help="Database file (default: $ABISIM_DB, else ./abisim.sqlite3).")(f)


def as_of_option(f):
    return click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
                        callback=_parse_as_of, help="The simulated date (default: today).")(f)


def _parse_as_of(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value!r}")


def today(as_of: dt.date | None) -> dt.date:
    """The as-of date: given, or the system date (read here, in the shell, only)."""
    return as_of if as_of is not None else dt.date.today()


def open_store(db: str | None):
    from abisim.store import Store, default_path

    return Store(db or default_path())


def open_simulator(db: str | None, as_of: dt.date | None):
    from abisim.clock import Clock
    from abisim.simulator import Simulator

    return Simulator(open_store(db), Clock(today(as_of)))


def filer_transmission(sim, filer: str, app: str, details, password: str | None = None) -> bytes:
    """A transmission from a filer on file, or exit 2 naming the unknown filer."""
    from abisim.build import UnknownFiler, for_filer

    try:
        return for_filer(sim.store, filer, app, details, password=password)
    except UnknownFiler as exc:
        click.echo(f"{exc} (see `abisim db init --sample`)", err=True)
        sys.exit(EXIT_INPUT)
