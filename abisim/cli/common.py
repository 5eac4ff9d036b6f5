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
