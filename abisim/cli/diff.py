"""``abisim diff FILE... (--db PATH | --bonds KR_FILE...)``: 5106 data against bond data.

The TP files are streamed (memory stays flat whatever their size); the bond data comes
from the database exactly as the bond query (KI) would answer it, or from captured KR
answer files. Exit 0 when every importer is consistent, 1 when any is not, 2 on input
errors (reported as ``abisim parse`` reports them).
"""

from __future__ import annotations

import os
import sys
from typing import Iterator

import click

from abisim.cli.common import EXIT_FINDING, EXIT_INPUT, EXIT_OK, as_of_option, dumps, report_error, today

PROGRESS_BYTES = 1 << 20  # show a progress bar for inputs larger than this, on a terminal


def stream_tp(path: str, errors: list, on_bytes=None) -> Iterator:
    """Records of a TP file, streamed, with record and order errors collected."""
    from abisim.structure import OrderChecker, token_for
    from abisim.transmission import iter_records

    checker = OrderChecker()
    last_offset, last_line = 0, None
    for parsed in iter_records(path):
        last_line = parsed.line.number
        errors.extend(parsed.errors)
        if on_bytes is not None:
            on_bytes(parsed.line.offset - last_offset)
            last_offset = parsed.line.offset
        rec = parsed.record
        if rec is None:
            continue
        token = token_for(rec)
        if token is not None:
            errors.extend(checker.feed(token, line=rec.line, record_id=rec.record_id))
        yield rec
    errors.extend(checker.finish(line=last_line))


class _Text:
    def __init__(self, color: bool) -> None:
        self.color = color

    def importer(self, c, tp, kr) -> None:
        style = (lambda s, **kw: click.style(s, **kw)) if self.color else (lambda s, **kw: s)
        verdict = style(c.verdict.upper(), fg="green" if c.consistent else "red", bold=True)
        counts = f"{len(c.findings)} discrepanc{'y' if len(c.findings) == 1 else 'ies'}, " \
                 f"{len(c.warnings)} warning{'' if len(c.warnings) == 1 else 's'}"
        click.echo(f"{c.importer_number or '?':<12}  {verdict}  {counts}")
        rows = list(c.findings) + list(c.warnings)
        if not rows:
            return
        table = [("code", "field", "5106 value", "cols", "bond value", "cols")]
        for f in rows:
            table.append((f.code + ("" if f.severity == "D" else " (W)"), f.field,
                          "-" if f.tp.value is None else repr(f.tp.value), _cols(f.tp),
                          "-" if f.bond.value is None else repr(f.bond.value),
                          _cols(f.bond) + (f" bond {f.bond_number}" if f.bond_number else "")))
        widths = [max(len(r[i]) for r in table) for i in range(6)]
        for i, r in enumerate(table):
            line = "    " + "  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip()
            if i == 0:
                line = style(line, bold=True)
            elif self.color:
                line = style(line, fg="red" if rows[i - 1].severity == "D" else "yellow")
            click.echo(line)

    def summary(self, s) -> None:
        click.echo(f"\n{s['importers']} importers: {s['consistent']} consistent, {s['inconsistent']} inconsistent")


def _cols(side) -> str:
    if not side.columns:
        return "-"
    first, last = side.columns
    return f"{side.record} {first}-{last}" if first != last else f"{side.record} {first}"


def register(main: click.Group) -> None:
    @main.command("diff")
    @click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
    @click.option("--db", default=None, metavar="PATH", help="Bond data from this database, as KI answers it.")
    @click.option("--bonds", multiple=True, type=click.Path(exists=True, dir_okay=False), metavar="KR_FILE",
                  help="Bond data from captured KR answer files (repeat the option for several).")
    @as_of_option
    @click.option("--json", "as_json", is_flag=True, help="JSON lines (schema: docs/diff.md).")
    @click.option("--html", "html_out", type=click.Path(dir_okay=False, writable=True), metavar="OUT",
                  help="Write one self-contained HTML page.")
    def diff(files, db, bonds, as_of, as_json, html_out):
        """Compare each importer's 5106 (TP files) with its bond data.

        Exit 0 when all are consistent, 1 when any is not, 2 on input errors.
        """
        from abisim.compare import compare, group_kr
        from abisim.report_html import importer_section, page

        if bool(db) == bool(bonds):
            raise click.UsageError("give the bond data with either --db PATH or --bonds KR_FILE...")
        if as_json and html_out:
            raise click.UsageError("--json and --html go to different places: choose one")
        as_of = today(as_of)
        input_errors = 0
        if bonds:
            from abisim.transmission import parse

            kr_records = []
            for path in bonds:
                t = parse(path)
                input_errors += _report(t.errors, path)
                kr_records.extend(r for b in t.blocks if b.application_id == "KR" for r in b.details)
            answers = group_kr(kr_records)

            def bond_answer(number):
                return answers.get(number, [])
        else:
            from abisim.rules.bond_query import answer_records
            from abisim.store import Store

            if not os.path.exists(db):
                raise click.BadParameter(f"no database at {db}", param_hint="--db")
            store = Store(db)

            def bond_answer(number):
                return answer_records(store, number, as_of, "1")

        out = _Text(sys.stdout.isatty()) if not as_json else None
        sections: list[str] = []
        summary = {"importers": 0, "consistent": 0, "inconsistent": 0, "as_of": as_of.isoformat()}
        total = sum(os.path.getsize(f) for f in files)
        show_bar = sys.stderr.isatty() and total > PROGRESS_BYTES
        with click.progressbar(length=total, label="comparing", file=sys.stderr,
                               hidden=not show_bar) as bar:
            for path in files:
                errors: list = []
                from abisim.compare import group_tp

                for number, tp in group_tp(stream_tp(path, errors, bar.update if show_bar else None)):
                    kr = bond_answer(number or "")
                    c = compare(tp, kr, as_of)
                    summary["importers"] += 1
                    summary["consistent" if c.consistent else "inconsistent"] += 1
                    if as_json:
                        click.echo(dumps({"type": "importer", "file": path, "line": tp[0].line, **c.to_json()}))
                    elif html_out:
                        if not c.consistent or c.warnings:
                            sections.append(importer_section(c, tp, kr))
                    else:
                        out.importer(c, tp, kr)
                input_errors += _report(errors, path, as_json)
        if as_json:
            click.echo(dumps({"type": "summary", **summary, "input_errors": input_errors}))
        elif html_out:
            with open(html_out, "w", encoding="utf-8") as f:
                f.write(page(sections, summary))
            click.echo(f"{html_out}: {summary['importers']} importers, {summary['inconsistent']} inconsistent")
        else:
            out.summary(summary)
        if input_errors:
            sys.exit(EXIT_INPUT)
        sys.exit(EXIT_FINDING if summary["inconsistent"] else EXIT_OK)


def _report(errors, path, as_json: bool = False) -> int:
    """Report errors as `abisim parse` does; returns how many were fatal."""
    from abisim.cli.common import error_json, read_lines

    fatal = [e for e in errors if e.is_fatal]
    if errors:
        lines = read_lines(path) if os.path.getsize(path) < (8 << 20) else {}
        for e in sorted(errors, key=lambda e: (e.line or 0, e.first_column or 0)):
            if as_json:
                click.echo(dumps(error_json(e, path)))
            report_error(e, path, lines)
    return len(fatal)
