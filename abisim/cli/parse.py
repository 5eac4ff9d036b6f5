"""``abisim parse FILE... [--json]``: records with their field names and values."""

from __future__ import annotations

import sys

import click

from abisim.cli.common import EXIT_INPUT, EXIT_OK, dumps, error_json, read_lines, report_error, to_jsonable
from abisim.layouts import layout_set
from abisim.transmission import parse


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

        Errors go to stderr as FILE:LINE:COLS: CODE message. Exit 0 when every file is
        valid (warnings allowed), 2 on any error.
        """
        try:
            ls = layout_set(layouts)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--layouts")
        status = EXIT_OK
        for path in files:
            try:
                transmission = parse(path if path != "-" else sys.stdin.buffer.read(), layouts=ls, lenient=lenient)
            except OSError as exc:
                click.echo(f"{path}: {exc.strerror or exc}", err=True)
                status = EXIT_INPUT
                continue
            for record in transmission.records():
                click.echo(dumps(record_json(record, path)) if as_json else record_text(record))
            lines = read_lines(path) if transmission.errors and path != "-" else {}
            for e in transmission.errors:
                if as_json:
                    click.echo(dumps(error_json(e, path)))
                report_error(e, path, lines)
            if not transmission.ok:
                status = EXIT_INPUT
        sys.exit(status)
