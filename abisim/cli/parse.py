"""``abisim parse FILE... [--json]``: records with their field names and values."""

from __future__ import annotations

import os
import sys

import click

from abisim.cli.common import EXIT_INPUT, EXIT_OK, dumps, error_json, report_error, stdin_bytes, to_jsonable
from abisim.layouts import layout_set
from abisim.transmission import scan


def record_json(record, file: str) -> dict:
    return {
        "type": "record",
        "file": file,
        "line": record.line,
        "record_id": record.record_id,
        "layout": record.layout.version,
        "fields": {k: to_jsonable(v) for k, v in record.values().items()},
    }


def record_text(record) -> str:
    layout = record.layout
    head = f"{record.line or '-':>5}  {record.record_id:<2}  {layout.title} [{layout.version}]"
    rows = []
    for f in layout.value_fields:
        value = getattr(record, f.name)
        if value is None:
            continue
        cols = f"{f.start}-{f.end}" if f.length > 1 else str(f.start)
        rows.append(f"         {f.name:<32} {cols:>6}  {value}")
    return "\n".join([head, *rows])


def register(main: click.Group) -> None:
    @main.command("parse")
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
    @click.option("--json", "as_json", is_flag=True, help="JSON lines (schema: docs/json.md).")
    @click.option("--layouts", "layouts", default=None, metavar="NAME[,NAME]",
                  help="Parse under these layout versions (see `abisim layouts --versions`).")
    @click.option("--lenient", is_flag=True, help="A short last record is a warning, not X42.")
    def parse_command(files, as_json, layouts, lenient):
        """Parse CATAIR transmissions and show every record, or what is wrong.

        Files are streamed, whatever their size. Errors go to stderr as
        FILE:LINE:COLS: CODE message, with the record and a caret line. Exit 0 when every
        file is valid (warnings allowed), 2 on any error.
        """
        try:
            ls = layout_set(layouts)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--layouts")
        status = EXIT_OK
        for path in files:
            if path != "-" and not os.path.isfile(path):
                click.echo(f"{path}: no such file", err=True)
                status = EXIT_INPUT
                continue
            source = stdin_bytes() if path == "-" else path
            text_of: dict[int, str] = {}  # the lines shown under errors: the current and the last
            try:
                for parsed, errors in scan(source, layouts=ls, lenient=lenient):
                    if parsed is not None:
                        text_of = {parsed.line.number: parsed.line.text, **_last(text_of)}
                        if parsed.record is not None:
                            rec = parsed.record
                            click.echo(dumps(record_json(rec, path)) if as_json else record_text(rec))
                    for e in errors:
                        if as_json:
                            click.echo(dumps(error_json(e, path)))
                        report_error(e, path, text_of)
                        if e.is_fatal:
                            status = EXIT_INPUT
            except BrokenPipeError:
                raise  # the reader went away: abisim.cli exits quietly
            except OSError as exc:
                click.echo(f"{path}: {exc.strerror or exc}", err=True)
                status = EXIT_INPUT
        sys.exit(status)


def _last(text_of: dict[int, str]) -> dict[int, str]:
    """Keep the previous record's line too: end-of-input errors point at the last line."""
    if not text_of:
        return {}
    n = max(text_of)
    return {n: text_of[n]}
