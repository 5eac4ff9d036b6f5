"""What the commands share: reading input files and reporting errors as `abisim parse` does."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
from typing import NoReturn

import click

from abisim.errors import RecordError, error_json  # noqa: F401 (error_json: the CLI's name for it)

EXIT_OK, EXIT_FINDING, EXIT_INPUT = 0, 1, 2


def to_jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dumps(obj) -> str:
    return json.dumps(obj, default=to_jsonable, separators=(",", ":"))


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
    from abisim.records import carried_date

    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value!r}")
    try:
        return carried_date(date)
    except ValueError as exc:
        raise click.BadParameter(str(exc))


def today(as_of: dt.date | None) -> dt.date:
    """The as-of date: given, or the system date (read here, in the shell, only)."""
    return as_of if as_of is not None else dt.date.today()


def fail(message: str) -> NoReturn:
    """A bad environment or input: one line on stderr, exit 2."""
    click.echo(f"abisim: {message}", err=True)
    sys.exit(EXIT_INPUT)


def open_store(db: str | None, *, create: bool = False):
    """The database at ``db`` (default: $ABISIM_DB, else ./abisim.sqlite3). One that does
    not exist is an error unless ``create`` (``abisim db init``): a mistyped path must not
    become an empty database."""
    from abisim.store import Store, StoreError, default_path

    path = db or default_path()
    if path != ":memory:":
        if os.path.isdir(path):
            fail(f"{path}: a directory, not a database file")
        if not os.path.exists(path) and not create:
            fail(f"{path}: no database there (create one with `abisim db init --db {path}`)")
    try:
        return Store(path)
    except StoreError as exc:
        fail(f"{path}: {exc}")
    except sqlite3.Error as exc:
        fail(f"{path}: {sqlite_reason(exc)}")
    except OSError as exc:
        fail(f"{path}: {exc.strerror or exc}")


def stdin_bytes():
    """Standard input as a binary stream; a closed one is an error, not a traceback."""
    if sys.stdin is None or sys.stdin.closed:
        fail("standard input is closed: name a file, or send the transmission on stdin")
    return sys.stdin.buffer


def sqlite_reason(exc: Exception) -> str:
    text = str(exc)
    reasons = {
        "file is not a database": "not an abisim database (corrupt, truncated, or another kind of file)",
        "database disk image is malformed": "the database file is damaged (truncated or corrupt)",
        "attempt to write a readonly database": "read-only: the database (or its directory) cannot be written",
        "unable to open database file": "cannot open the database file (does its directory exist, "
                                        "and may it be written?)",
    }
    return next((r for k, r in reasons.items() if k in text), f"database error: {text}")


class Group(click.Group):
    """The command group: a bad environment (a damaged or foreign database, a read-only
    directory, a closed stdin, an unreadable file) is one line on stderr and exit 2, never
    a traceback."""

    def invoke(self, ctx):
        from abisim.fixtures import FixtureError
        from abisim.store import StoreError

        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, BrokenPipeError):
            raise  # a reader that went away is not an error (abisim.cli handles it)
        except sqlite3.Error as exc:
            fail(sqlite_reason(exc))
        except (StoreError, FixtureError) as exc:
            fail(str(exc))
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"{where}{exc.strerror or exc}")
        except (ValueError, UnicodeError) as exc:
            fail(str(exc) or type(exc).__name__)


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
