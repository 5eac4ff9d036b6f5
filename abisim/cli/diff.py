"""``abisim diff FILE... (--db PATH | --bonds KR_FILE...)``: 5106 data against bond data.

The TP files are streamed (memory stays flat whatever their size); the bond data comes
from the database exactly as the bond query (KI) would answer it, or from captured KR
answer files. A large file is cut at importer boundaries and its parts compared in
parallel processes (``--jobs``); the output is the same, in input order. Exit 0 when
every importer is consistent, 1 when any is not, 2 on input errors (reported as
``abisim parse`` reports them).
"""

from __future__ import annotations

import os
import sys
from functools import partial

import click

from abisim.cli.common import (EXIT_FINDING, EXIT_INPUT, EXIT_OK, as_of_option, dumps, open_store, report_error,
                               today)

PROGRESS_BYTES = 1 << 20  # a progress bar for inputs larger than this, on a terminal
PARALLEL_BYTES = 8 << 20  # files larger than this are cut into parts for --jobs


def parts_of(path: str, jobs: int):
    """The parts ``abisim diff`` compares in parallel (see :func:`abisim.diff.parts_of`)."""
    from abisim.diff import parts_of as cut

    return cut(path, jobs, PARALLEL_BYTES)


class _Text:
    def __init__(self, color: bool, write) -> None:
        self.color = color
        self.write = write

    def importer(self, c) -> None:
        style = (lambda s, **kw: click.style(s, **kw)) if self.color else (lambda s, **kw: s)
        verdict = style(c.verdict.upper(), fg="green" if c.consistent else "red", bold=True)
        counts = f"{len(c.findings)} discrepanc{'y' if len(c.findings) == 1 else 'ies'}, " \
                 f"{len(c.warnings)} warning{'' if len(c.warnings) == 1 else 's'}"
        self.write(f"{c.importer_number or '?':<12}  {verdict}  {counts}")
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
            self.write(line)


def _text_lines(color: bool, r) -> str:
    lines: list[str] = []
    _Text(color, lines.append).importer(r)
    return "".join(line + "\n" for line in lines)


def _cols(side) -> str:
    if not side.columns:
        return "-"
    first, last = side.columns
    return f"{side.record} {first}-{last}" if first != last else f"{side.record} {first}"


def register(main: click.Group) -> None:
    @main.command("diff")
    @click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
    @click.option("--db", default=None, metavar="PATH", envvar="ABISIM_DB",
                  help="Bond data from this database, as KI answers it (default: $ABISIM_DB).")
    @click.option("--bonds", multiple=True, type=click.Path(exists=True, dir_okay=False), metavar="KR_FILE",
                  help="Bond data from captured KR answer files (repeat the option for several).")
    @as_of_option
    @click.option("--json", "as_json", is_flag=True, help="JSON lines (schema: docs/diff.md).")
    @click.option("--html", "html_out", type=click.Path(dir_okay=False, writable=True), metavar="OUT",
                  help="Write an HTML report: summary, filterable index, details on demand.")
    @click.option("--junit", "junit_out", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
                  help="Write JUnit XML, one test case per importer (for CI dashboards).")
    @click.option("--jobs", type=click.IntRange(1, 64), default=None,
                  help="Processes for large files (default: the number of cores).")
    def diff(files, db, bonds, as_of, as_json, html_out, junit_out, jobs):
        """Compare each importer's 5106 (TP files) with its bond data.

        Exit 0 when all are consistent, 1 when any is not, 2 on input errors.
        """
        from abisim.diff import BondData, FileDiff, json_line
        from abisim.reports import item, write_reports

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
            bond_data = BondData.from_kr(kr_records)
        else:
            if not os.path.exists(db):
                raise click.BadParameter(f"no database at {db}", param_hint="--db")
            open_store(db).close()  # one-line error, exit 2, for a database the workers could not open
            bond_data = BondData(db=db)
        mode = "json" if as_json else "html" if html_out else "text"
        color = mode == "text" and sys.stdout.isatty()
        jobs = jobs or min(os.cpu_count() or 1, 8)
        summary = {"importers": 0, "consistent": 0, "inconsistent": 0, "as_of": as_of.isoformat()}
        sections: list = []  # report items (abisim.reports), with --html or --junit
        report = bool(html_out or junit_out)
        total = sum(os.path.getsize(f) for f in files)
        show_bar = sys.stderr.isatty() and total > PROGRESS_BYTES
        done_bytes = 0
        with click.progressbar(length=total, label="comparing", file=sys.stderr, hidden=not show_bar) as bar:
            for path in files:
                # Output lines are made where the importer was compared (in parallel).
                render = None if mode == "html" else json_line if mode == "json" else partial(_text_lines, color)
                run = FileDiff(path, bond_data, as_of, jobs=jobs, keep_records=report,
                               progress=bar.update if show_bar else None, parallel_bytes=PARALLEL_BYTES,
                               render=render)
                write = sys.stdout.write  # buffered: click.echo flushes every line
                if report:
                    for r in run:
                        summary["importers"] += 1
                        summary["consistent" if r.consistent else "inconsistent"] += 1
                        sections.append(item(r.comparison, list(r.tp), list(r.kr), path))
                        if mode != "html":
                            write(r.rendered)
                else:
                    for text, importers, inconsistent in run.chunks():
                        write(text)
                        summary["importers"] += importers
                        summary["consistent"] += importers - inconsistent
                        summary["inconsistent"] += inconsistent
                sys.stdout.flush()
                errors = run.errors
                input_errors += _report(errors, path, as_json)
                done_bytes += os.path.getsize(path)
                if show_bar:
                    bar.update(done_bytes - bar.pos)  # progress is sampled: finish the file's share
        if as_json:
            click.echo(dumps({"type": "summary", **summary, "input_errors": input_errors}))
        if report:
            write_reports(sections, summary, files, db or list(bonds), html_out, junit_out)
        if html_out:
            click.echo(f"{html_out}: {summary['importers']} importers, {summary['inconsistent']} inconsistent")
        elif not as_json:
            click.echo(f"\n{summary['importers']} importers: {summary['consistent']} consistent, "
                       f"{summary['inconsistent']} inconsistent")
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
