"""The diff pipeline: each importer of a TP stream against its bond data.

Shared by the CLI (``abisim diff``), the HTTP server and certification plans: group a TP
stream by importer (T1 to the next T1), fetch the importer's bond data (from the database
as the bond query answers it, or from captured KR answers), compare, and yield one
:class:`ImporterResult` per importer, in input order. A large file is cut at importer
boundaries and its parts compared in worker processes (a ``ProcessPoolExecutor`` of
fresh interpreters: no state inherited by fork); each part's results are spooled to a
temporary file and read back in order, so memory stays flat. No module-global state: a
run's bond data travels in :class:`BondData`.
"""

from __future__ import annotations

import io
import os
import pickle
import tempfile
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator

import attrs

from abisim.compare import CONSISTENT, Comparison, Finding, compare, group_kr, group_tp
from abisim.errors import RecordError
from abisim.records import RECORD_LENGTH, Record

PARALLEL_BYTES = 8 << 20  # files larger than this are cut into parts when jobs > 1


@attrs.frozen
class ImporterResult:
    """One importer's verdict: what reports (text, JSON, HTML, JUnit) are made from."""

    file: str
    line: int | None  # the T1's line
    importer_number: str | None
    verdict: str
    findings: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    # The records compared, when the run keeps them (HTML pages show them).
    tp: tuple[Record, ...] = ()
    kr: tuple[Record, ...] = ()
    # What the run's ``render`` made of it, in the process that compared it (parallel).
    rendered: str | None = None

    @property
    def consistent(self) -> bool:
        return self.verdict == CONSISTENT

    @property
    def comparison(self) -> Comparison:
        return Comparison(self.importer_number, self.verdict, self.findings, self.warnings)

    def to_json(self) -> dict:
        return {"type": "importer", "file": self.file, "line": self.line, **self.comparison.to_json()}


@attrs.frozen
class BondData:
    """Where the bond data comes from: a database (answered as KI answers), or KR answers
    already read (``answers``: importer number -> KR detail records)."""

    db: str | None = None
    answers: dict | None = attrs.field(default=None, eq=False)

    @classmethod
    def from_kr(cls, records) -> "BondData":
        return cls(answers=group_kr(records))

    def reader(self) -> Callable:
        """``(importer number, as-of date) -> KR detail records`` for this process."""
        if self.answers is not None:
            answers = self.answers
            return lambda number, as_of: answers.get(number, [])
        from abisim.rules.bond_query import answer_records
        from abisim.store import Store

        store = Store(self.db)
        return lambda number, as_of: answer_records(store, number, as_of, "1")


@attrs.frozen
class Part:
    """A byte range of a TP file, starting at a record boundary."""

    path: str
    start: int
    end: int
    first_line: int
    last: bool  # the file's last part: its end is the end of the transmission


def parts_of(path: str, jobs: int, parallel_bytes: int = PARALLEL_BYTES) -> list[Part]:
    """A file cut at importer (T1) boundaries into about ``jobs`` parts (one part when
    small), each with its first line number."""
    from abisim.transmission import record_boundaries

    size = os.path.getsize(path)
    if jobs <= 1 or size < parallel_bytes:
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


def stream_tp(part: Part, errors: list, progress=None) -> Iterator[Record]:
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


def diff_part(part: Part, bonds, as_of, errors: list, *, keep_records: bool = False,
              progress=None, render: Callable[[ImporterResult], str] | None = None) -> Iterator[ImporterResult]:
    """Every importer of one part, compared; input errors are appended to ``errors``.
    ``bonds``: a :class:`BondData`, or a reader made by :meth:`BondData.reader`.
    ``render``: made into each result's ``rendered`` here (a module-level function, or a
    partial of one, when parts run in other processes)."""
    read = bonds.reader() if isinstance(bonds, BondData) else bonds
    for number, tp in group_tp(stream_tp(part, errors, progress)):
        kr = read(number or "", as_of)
        c = compare(tp, kr, as_of)
        result = ImporterResult(part.path, tp[0].line, c.importer_number, c.verdict, c.findings, c.warnings,
                                tuple(tp) if keep_records else (), tuple(kr) if keep_records else ())
        yield result if render is None else attrs.evolve(result, rendered=render(result))


class FileDiff:
    """The importers of one TP file, in input order (iterate once). After the iteration,
    ``errors`` holds the file's input errors (records and order), sorted."""

    def __init__(self, path: str, bonds: BondData, as_of, *, jobs: int = 1, keep_records: bool = False,
                 progress: Callable[[int], None] | None = None, parallel_bytes: int = PARALLEL_BYTES,
                 render: Callable[[ImporterResult], str] | None = None) -> None:
        self.path = path
        self.render = render
        self.bonds = bonds
        self.as_of = as_of
        self.parts = parts_of(path, jobs, parallel_bytes)
        self.keep_records = keep_records
        self.progress = progress
        self.errors: list[RecordError] = []

    def __iter__(self) -> Iterator[ImporterResult]:
        errors: list[RecordError] = []
        if len(self.parts) == 1:
            yield from diff_part(self.parts[0], self.bonds, self.as_of, errors, keep_records=self.keep_records,
                                 progress=self.progress, render=self.render)
        else:
            yield from self._in_parallel(errors)
        self.errors = sorted(errors, key=lambda e: (e.line or 0, e.first_column or 0))

    def _in_parallel(self, errors: list) -> Iterator[ImporterResult]:
        import multiprocessing as mp

        with tempfile.TemporaryDirectory(prefix="abisim-diff-") as tmp, \
                ProcessPoolExecutor(len(self.parts), mp_context=mp.get_context("spawn")) as pool:
            spools = [os.path.join(tmp, f"part-{i}.pickle") for i in range(len(self.parts))]
            futures = [pool.submit(_spool_part, p, self.bonds, self.as_of, self.keep_records, s, self.render)
                       for p, s in zip(self.parts, spools)]
            for part, future, spool in zip(self.parts, futures, spools):
                errors.extend(future.result())  # a worker's failure is raised here
                if self.progress is not None:
                    self.progress(part.end - part.start)
                with open(spool, "rb") as f:
                    while True:
                        try:
                            yield from pickle.load(f)
                        except EOFError:
                            break


def _spool_part(part: Part, bonds: BondData, as_of, keep_records: bool, spool: str,
                render=None) -> list[RecordError]:
    """A worker process: one part's results pickled to ``spool`` in chunks; its errors."""
    errors: list[RecordError] = []
    chunk: list[ImporterResult] = []
    with open(spool, "wb") as f:
        for result in diff_part(part, bonds, as_of, errors, keep_records=keep_records, render=render):
            chunk.append(result)
            if len(chunk) == 1024:
                pickle.dump(chunk, f, protocol=pickle.HIGHEST_PROTOCOL)
                chunk = []
        if chunk:
            pickle.dump(chunk, f, protocol=pickle.HIGHEST_PROTOCOL)
    return errors
