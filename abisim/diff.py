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
import json
import os
import pickle
import tempfile
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from json.encoder import encode_basestring_ascii
from typing import Callable, Iterator

import attrs

from abisim.compare import CONSISTENT, Comparison, Finding, compare, group_kr, group_tp
from abisim.errors import RecordError
from abisim.records import RECORD_LENGTH, Record

PARALLEL_BYTES = 8 << 20  # files larger than this are cut into parts when jobs > 1
WINDOW = 128  # importers read ahead, their bond data fetched at once (larger windows measured slower)
CHUNK = 1024  # importers per chunk of output (and per spooled piece of a part's results)


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
    already read (``answers``: importer number -> KR detail records). ``store``: an open
    :class:`abisim.store.Store` of this process instead of a path (a server's own, which
    may be in memory and so cannot be reopened); it never goes to worker processes, so
    a run with it takes jobs=1."""

    db: str | None = None
    answers: dict | None = attrs.field(default=None, eq=False)
    store: object | None = attrs.field(default=None, eq=False, repr=False)

    def _store(self):
        if self.store is not None:
            return self.store
        from abisim.store import Store

        return Store(self.db)

    @classmethod
    def from_kr(cls, records) -> "BondData":
        return cls(answers=group_kr(records))

    def reader(self) -> Callable:
        """``(importer number, as-of date) -> KR detail records`` for this process."""
        if self.answers is not None:
            answers = self.answers
            return lambda number, as_of: answers.get(number, [])
        from abisim.rules.bond_query import answer_records

        store = self._store()
        return lambda number, as_of: answer_records(store, number, as_of, "1")

    def fetcher(self) -> Callable:
        """``(importer numbers, as-of date) -> {number: its bond data}`` for this process:
        the KR detail records read, or parties made from the store's rows a batch at a
        time (:mod:`abisim.bond_data`); a missing number is keyed ``""``."""
        if self.answers is not None:
            answers = self.answers
            return lambda numbers, as_of: {n or "": answers.get(n or "", []) for n in numbers}
        from abisim.bond_data import BondRows

        return BondRows(self._store()).fetch


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
    """Records of (part of) a TP file, streamed, with record and order errors collected.
    Runs of importers that read clean come from one regular expression per chunk read
    (:func:`abisim.transmission.stream_runs`), their order proven by it; any other record
    is read and its order checked one record at a time."""
    from abisim.structure import OrderChecker, token_for
    from abisim.transmission import CleanRun, FileRange, stream_runs

    checker = OrderChecker()
    if part.start:
        # A part starts at a T1 inside the file's TP block.
        checker.feed("A")
        checker.feed("B_TP")
    last_offset, last_line, n = part.start, None, 0
    feed = checker.feed
    with io.BufferedReader(FileRange(part.path, part.start, part.end)) as stream:
        for item in stream_runs(stream, first_line=part.first_line, first_offset=part.start):
            if type(item) is CleanRun:
                records = item.records()
                found = item.check_order(checker, records)
                if found:
                    errors.extend(found)
                last_line = records[-1].line
                if progress is not None:
                    progress(item.offset + item.size - last_offset)
                    last_offset = item.offset + item.size
                yield from records
                continue
            parsed = item
            if parsed.errors:
                errors.extend(parsed.errors)
            last_line = parsed.line.number
            n += 1
            if progress is not None and n % 512 == 0:
                progress(parsed.line.offset - last_offset)
                last_offset = parsed.line.offset
            rec = parsed.record
            if rec is None:
                continue
            token = token_for(rec)
            if token is not None:
                found = feed(token, line=rec.line, record_id=rec.record_id)
                if found:
                    errors.extend(found)
            yield rec
    if part.last:
        errors.extend(checker.finish(line=last_line))


def diff_part(part: Part, bonds, as_of, errors: list, *, keep_records: bool = False,
              progress=None, render: Callable[[ImporterResult], str] | None = None) -> Iterator[ImporterResult]:
    """Every importer of one part, compared; input errors are appended to ``errors``.
    ``bonds``: a :class:`BondData` (its bond data fetched a window of importers at a
    time), or a reader made by :meth:`BondData.reader` (one importer at a time).
    ``render``: made into each result's ``rendered`` here (a module-level function, or a
    partial of one, when parts run in other processes)."""
    for result in _results(part, bonds, as_of, errors, keep_records, progress):
        yield result if render is None else attrs.evolve(result, rendered=render(result))


def _results(part: Part, bonds, as_of, errors: list, keep_records: bool, progress) -> Iterator[ImporterResult]:
    groups = group_tp(stream_tp(part, errors, progress))
    if keep_records or not isinstance(bonds, BondData):
        # Reports show the KR records themselves: answered as the bond query answers.
        read = bonds.reader() if isinstance(bonds, BondData) else bonds
        windows = (((number, tp, read(number or "", as_of)),) for number, tp in groups)
    else:
        windows = _fetched(groups, bonds.fetcher(), as_of)
    path = part.path
    for window in windows:
        for number, tp, kr in window:
            c = compare(tp, kr, as_of)
            yield ImporterResult(path, tp[0].line, c.importer_number, c.verdict, c.findings, c.warnings,
                                 tuple(tp) if keep_records else (), tuple(kr) if keep_records else ())


def _fetched(groups, fetch: Callable, as_of) -> Iterator[list]:
    """Windows of (importer number, 5106 records, bond data): one fetch per window."""
    while True:
        window = list(islice(groups, WINDOW))
        if not window:
            return
        answers = fetch([number for number, _ in window], as_of)
        yield [(number, tp, answers[number or ""]) for number, tp in window]


def diff_chunks(part: Part, bonds, as_of, errors: list, render: Callable[[ImporterResult], str],
                progress=None) -> Iterator[tuple[str, int, int]]:
    """The rendered output of one part a chunk at a time: (text, importers, inconsistent)."""
    results = _results(part, bonds, as_of, errors, False, progress)
    while True:
        texts, inconsistent = [], 0
        for r in islice(results, CHUNK):
            texts.append(render(r))
            if r.verdict != CONSISTENT:
                inconsistent += 1
        if not texts:
            return
        yield "".join(texts), len(texts), inconsistent


def json_line(r: ImporterResult) -> str:
    """One result as a line of JSON (docs/diff.md), exactly as ``json.dumps(r.to_json(),
    separators=(",", ":"))``; a result with nothing to say from a template."""
    if r.findings or r.warnings:
        return json.dumps(r.to_json(), separators=(",", ":")) + "\n"
    return (f'{{"type":"importer","file":{_json(r.file)},"line":{_json(r.line)},'
            f'"importer_number":{_json(r.importer_number)},"verdict":{_json(r.verdict)},'
            f'"findings":[],"warnings":[]}}\n')


def _json(value) -> str:
    if type(value) is str:
        return encode_basestring_ascii(value)
    if type(value) is int:
        return str(value)
    return json.dumps(value)


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
        if bonds.store is not None and jobs > 1:
            raise ValueError("bond data from an open store is compared in this process only: jobs=1")
        self.keep_records = keep_records
        self.progress = progress
        self.errors: list[RecordError] = []

    def __iter__(self) -> Iterator[ImporterResult]:
        errors: list[RecordError] = []
        if len(self.parts) == 1:
            yield from diff_part(self.parts[0], self.bonds, self.as_of, errors, keep_records=self.keep_records,
                                 progress=self.progress, render=self.render)
        else:
            yield from self._in_parallel(errors, _spool_part, (self.keep_records, self.render))
        self.errors = sorted(errors, key=lambda e: (e.line or 0, e.first_column or 0))

    def chunks(self) -> Iterator[tuple[str, int, int]]:
        """What ``render`` made of the importers, in input order, a chunk of many at a
        time: (text, importers, inconsistent). Parts in parallel send back only these."""
        if self.render is None:
            raise ValueError("chunks of output need a render function")
        errors: list[RecordError] = []
        if len(self.parts) == 1:
            yield from diff_chunks(self.parts[0], self.bonds, self.as_of, errors, self.render, self.progress)
        else:
            yield from self._in_parallel(errors, _spool_chunks, (self.render,))
        self.errors = sorted(errors, key=lambda e: (e.line or 0, e.first_column or 0))

    def _in_parallel(self, errors: list, spool_part: Callable, args: tuple) -> Iterator:
        import multiprocessing as mp

        with tempfile.TemporaryDirectory(prefix="abisim-diff-") as tmp, \
                ProcessPoolExecutor(len(self.parts), mp_context=mp.get_context("spawn")) as pool:
            spools = [os.path.join(tmp, f"part-{i}.pickle") for i in range(len(self.parts))]
            futures = [pool.submit(spool_part, p, self.bonds, self.as_of, s, *args)
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


def _spool(spool: str, items: Iterator, per_piece: int) -> None:
    """Items pickled to ``spool`` in pieces (read back with repeated ``pickle.load``)."""
    with open(spool, "wb") as f:
        while True:
            piece = list(islice(items, per_piece))
            if not piece:
                return
            pickle.dump(piece, f, protocol=pickle.HIGHEST_PROTOCOL)


def _spool_part(part: Part, bonds: BondData, as_of, spool: str, keep_records: bool,
                render=None) -> list[RecordError]:
    """A worker process: one part's results pickled to ``spool``; its errors."""
    errors: list[RecordError] = []
    _spool(spool, diff_part(part, bonds, as_of, errors, keep_records=keep_records, render=render), CHUNK)
    return errors


def _spool_chunks(part: Part, bonds: BondData, as_of, spool: str, render) -> list[RecordError]:
    """A worker process: one part's output chunks pickled to ``spool``; its errors."""
    errors: list[RecordError] = []
    _spool(spool, diff_chunks(part, bonds, as_of, errors, render), 16)
    return errors
