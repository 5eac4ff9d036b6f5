"""``abisim diff FILE... (--db PATH | --bonds KR_FILE...)``: 5106 data against bond data.

The TP files are streamed (memory stays flat whatever their size); the bond data comes
from the database exactly as the bond query (KI) would answer it, or from captured KR
answer files. A large file is cut at importer boundaries and its parts compared in
parallel processes (``--jobs``); the output is the same, in input order. Exit 0 when
every importer is consistent, 1 when any is not, 2 on input errors (reported as
``abisim parse`` reports them).
"""

from __future__ import annotations

import io
import multiprocessing as mp
import os
import sys
import tempfile
from typing import Iterator

import attrs
import click

from abisim.cli.common import EXIT_FINDING, EXIT_INPUT, EXIT_OK, as_of_option, dumps, report_error, today

PROGRESS_BYTES = 1 << 20  # a progress bar for inputs larger than this, on a terminal
PARALLEL_BYTES = 8 << 20  # files larger than this are cut into parts for --jobs


@attrs.frozen
class Part:
    """A byte range of a TP file, starting at a record boundary."""

    path: str
    start: int
    end: int
    first_line: int
    last: bool  # the file's last part: its end is the end of the transmission


def stream_tp(part: Part, errors: list, progress=None) -> Iterator:
    """Records of (part of) a TP file, streamed, with record and order errors collected."""
    from abisim.structure import OrderChecker, token_for
    from abisim.transmission import FileRange, iter_records

    checker = OrderChecker()
    if part.start:
        # A part starts at a T1 inside the file's TP block.
        checker.feed("A")
        checker.feed("B_TP")
    if part.start or not part.last:
        source = iter_records(io.BufferedReader(FileRange(part.path, part.start, part.end)),
                              first_line=part.first_line)
    else:
        source = iter_records(part.path)
    last_offset, last_line = 0, None
    for n, parsed in enumerate(source):
        last_line = parsed.line.number
        errors.extend(parsed.errors)
        if progress is not None and n % 512 == 0:
            progress(parsed.line.offset - last_offset)
            last_offset = parsed.line.offset
        rec = parsed.record
        if rec is None:
            continue
        token = token_for(rec)
        if token is not None:
            errors.extend(checker.feed(token, line=rec.line, record_id=rec.record_id))
        yield rec
    if part.last:
        errors.extend(checker.finish(line=last_line))


def parts_of(path: str, jobs: int) -> list[Part]:
    from abisim.records import RECORD_LENGTH
    from abisim.transmission import record_boundaries

    size = os.path.getsize(path)
    if jobs <= 1 or size < PARALLEL_BYTES:
        return [Part(path, 0, size, 1, True)]
    cuts = record_boundaries(path, jobs)
    with open(path, "rb") as f:
        lf = b"\n" in f.read(RECORD_LENGTH + 2)
    out, line = [], 1
    with open(path, "rb") as f:
        for start, end in zip(cuts, cuts[1:]):
            out.append(Part(path, start, end, line, end == size))
            if lf:
                f.seek(start)
                left = end - start
                while left > 0:
                    block = f.read(min(left, 1 << 20))
                    left -= len(block)
                    line += block.count(b"\n")
            else:
                line += (end - start) // RECORD_LENGTH
    return out


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


def _cols(side) -> str:
    if not side.columns:
        return "-"
    first, last = side.columns
    return f"{side.record} {first}-{last}" if first != last else f"{side.record} {first}"


# The bond data of a worker: set before the workers start (inherited by fork).
_BONDS: dict = {}


def _bond_answer(number: str, as_of):
    if "answers" in _BONDS:
        return _BONDS["answers"].get(number, [])
    if "store" not in _BONDS:
        from abisim.store import Store

        _BONDS["store"] = Store(_BONDS["db"])
    from abisim.rules.bond_query import answer_records

    return answer_records(_BONDS["store"], number, as_of, "1")


def compare_part(part: Part, as_of, mode: str, color: bool, out, progress=None, report: bool = False) -> dict:
    """Compare every importer of one part; write its output lines to ``out``; with
    ``report``, the report items of every importer too (abisim.reports)."""
    from abisim.compare import compare, group_tp
    from abisim.reports import item

    write = (lambda s: out.write(s + "\n")) if out is not None else click.echo
    text = _Text(color, write)
    errors: list = []
    sections: list[str] = []
    counts = {"importers": 0, "consistent": 0, "inconsistent": 0}
    for number, tp in group_tp(stream_tp(part, errors, progress)):
        kr = _bond_answer(number or "", as_of)
        c = compare(tp, kr, as_of)
        counts["importers"] += 1
        counts["consistent" if c.consistent else "inconsistent"] += 1
        if mode == "json":
            write(dumps({"type": "importer", "file": part.path, "line": tp[0].line, **c.to_json()}))
        elif mode != "html":
            text.importer(c)
        if report:
            sections.append(item(c, tp, kr, part.path))
    return {"counts": counts, "errors": errors, "sections": sections}


def _worker(part: Part, as_of, mode, color, out_path, progress, results, report) -> None:
    def bump(n):
        with progress.get_lock():
            progress.value += n

    with open(out_path, "w", encoding="utf-8") as out:
        result = compare_part(part, as_of, mode, color, out, bump, report)
    results.put((part.start, result))


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
        from abisim.compare import group_kr

        if bool(db) == bool(bonds):
            raise click.UsageError("give the bond data with either --db PATH or --bonds KR_FILE...")
        if as_json and html_out:
            raise click.UsageError("--json and --html go to different places: choose one")
        as_of = today(as_of)
        input_errors = 0
        _BONDS.clear()
        if bonds:
            from abisim.transmission import parse

            kr_records = []
            for path in bonds:
                t = parse(path)
                input_errors += _report(t.errors, path)
                kr_records.extend(r for b in t.blocks if b.application_id == "KR" for r in b.details)
            _BONDS["answers"] = group_kr(kr_records)
        else:
            if not os.path.exists(db):
                raise click.BadParameter(f"no database at {db}", param_hint="--db")
            _BONDS["db"] = db
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
                parts = parts_of(path, jobs)
                if len(parts) == 1:
                    results = [compare_part(parts[0], as_of, mode, color, None,
                                            bar.update if show_bar else None, report)]
                else:
                    results = _in_parallel(parts, as_of, mode, color, bar if show_bar else None, report)
                errors = []
                for r in results:
                    for k, v in r["counts"].items():
                        summary[k] += v
                    sections.extend(r["sections"])
                    errors.extend(r["errors"])
                input_errors += _report(errors, path, as_json)
                done_bytes += os.path.getsize(path)
                if show_bar:
                    bar.update(done_bytes - bar.pos)  # progress is sampled: finish the file's share
        if as_json:
            click.echo(dumps({"type": "summary", **summary, "input_errors": input_errors}))
        if report:
            from abisim.reports import write_reports

            write_reports(sections, summary, files, db or list(bonds), html_out, junit_out)
        if html_out:
            click.echo(f"{html_out}: {summary['importers']} importers, {summary['inconsistent']} inconsistent")
        elif not as_json:
            click.echo(f"\n{summary['importers']} importers: {summary['consistent']} consistent, "
                       f"{summary['inconsistent']} inconsistent")
        if input_errors:
            sys.exit(EXIT_INPUT)
        sys.exit(EXIT_FINDING if summary["inconsistent"] else EXIT_OK)


def _in_parallel(parts: list[Part], as_of, mode, color, bar, report=False) -> list[dict]:
    """Each part in its own process (fork: the bond data is shared); outputs in order."""
    ctx = mp.get_context("fork")
    progress = ctx.Value("q", 0)
    results = ctx.Queue()
    with tempfile.TemporaryDirectory(prefix="abisim-diff-") as tmp:
        outs = [os.path.join(tmp, f"part-{i}.out") for i in range(len(parts))]
        procs = [ctx.Process(target=_worker, args=(p, as_of, mode, color, o, progress, results, report))
                 for p, o in zip(parts, outs)]
        for p in procs:
            p.start()
        done: dict[int, dict] = {}
        seen = 0
        while len(done) < len(parts):
            try:
                start, result = results.get(timeout=0.2)
                done[start] = result
            except Exception:
                if not any(p.is_alive() for p in procs) and results.empty():
                    raise click.ClickException("a diff worker process failed")
            if bar is not None:
                value = progress.value
                bar.update(value - seen)
                seen = value
        for p in procs:
            p.join()
        for out in outs:  # the parts' output, in input order
            with open(out, encoding="utf-8") as f:
                for chunk in iter(lambda: f.read(1 << 20), ""):
                    click.echo(chunk, nl=False)
    return [done[p.start] for p in parts]


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
