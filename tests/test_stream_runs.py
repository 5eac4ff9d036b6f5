"""The streaming clean path of a TP file (abisim.transmission.stream_runs, diff's
stream_tp) against the general path (iter_records, one order feed per record): the same
records, lines, offsets and errors, in the same order, on valid files and on files
damaged every way the mutation generator knows, damaged in the middle of long runs, read
whole or in parts (diff --jobs), in chunks of any size."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import abisim
from abisim import transmission as tm
from abisim.diff import Part, parts_of, stream_tp
from abisim.generate.mutations import KINDS, mutations
from abisim.sample import envelope
from abisim.structure import OrderChecker, token_for
from abisim.transmission import CleanRun, FileRange, iter_records, stream_runs
from strategies import transmissions

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


def general_tp(part: Part, errors: list) -> list:
    """What stream_tp read before the clean path: every record the general way."""
    checker = OrderChecker()
    for token in ("A", "B_TP") if part.start else ():
        checker.feed(token)
    stream = io.BufferedReader(FileRange(part.path, part.start, part.end))
    read = list(iter_records(stream, first_line=part.first_line))
    for parsed in read:
        errors.extend(parsed.errors)
        token = parsed.record and token_for(parsed.record)
        if token:
            errors.extend(checker.feed(token, line=parsed.record.line, record_id=parsed.record.record_id))
    if part.last:
        errors.extend(checker.finish(line=read[-1].line.number if read else None))
    return [p.record for p in read if p.record is not None]


def seen(records) -> list:
    return [(type(r), r.line, r.values()) for r in records]


@st.composite
def tp_files(draw):
    """A file of one or more TP batches whose blocks hold many importers (the details of
    several drawn transmissions), sometimes with a batch of another application between."""
    batches = []
    for _ in range(draw(st.integers(1, 2))):
        if draw(st.integers(0, 3)) == 0:
            batches.append(draw(transmissions()))
            continue
        details = [r for t in draw(st.lists(transmissions(apps=("TP",)), min_size=1, max_size=4)) for r in t[2:-2]]
        batches.append(envelope("TP", details, "XJ5"))
    return [abisim.render_record(r) for b in batches for r in b]


@st.composite
def damaged(draw, lines):
    """The lines, damaged: one mutation of a kind the generator knows, characters changed
    anywhere, a record moved or repeated, one of a block's last records repeated before its
    Y (or nothing at all)."""
    how = draw(st.sampled_from(["none", "mutation", "characters", "moved", "repeated-at-end"]))
    lines = list(lines)
    if how == "mutation":
        data = ("\n".join(lines) + "\n").encode("latin-1")
        for m in mutations(data, 1, seed=draw(st.integers(0, 1000)), kinds=(draw(st.sampled_from(KINDS)),)):
            lines = list(m.lines)
    elif how == "characters":
        for _ in range(draw(st.integers(1, 3))):
            n = draw(st.integers(0, len(lines) - 1))
            col = draw(st.integers(0, 81))
            c = draw(st.sampled_from(" 0129AZKPTYBaz-\x7f\xe9\r") | st.characters(min_codepoint=32, max_codepoint=126))
            lines[n] = lines[n][:col] + c + lines[n][col + 1:]
    elif how == "moved":
        n = draw(st.integers(0, len(lines) - 1))
        to = draw(st.integers(0, len(lines)))
        lines.insert(to, lines[n] if draw(st.booleans()) else lines.pop(n))
    elif how == "repeated-at-end":
        # A record repeated after a block's last importer: whether it fits depends on how
        # that importer ended (the state a run leaves the order checker in).
        ys = [n for n, line in enumerate(lines) if line.startswith("Y")]
        y = draw(st.sampled_from(ys))
        lines.insert(y, lines[draw(st.integers(max(0, y - 12), y - 1))])
    return lines


def framed(lines, newline: str, final: bool) -> bytes:
    text = newline.join(lines) + (newline if final and newline else "")
    return text.encode("latin-1")


def expand(items) -> list:
    """stream_runs' items as iter_records' (line, text, offset, record, errors)."""
    out = []
    for item in items:
        if type(item) is CleanRun:
            for k, rec in enumerate(item.records()):
                out.append((item.first_line + k, rec._text, item.offset + k * item.width, rec, ()))
        else:
            out.append((item.line.number, item.line.text, item.line.offset, item.record, item.errors))
    return out


@SETTINGS
@given(tp_files().flatmap(lambda lines: damaged(lines)), st.sampled_from(["\n", "\r\n", ""]), st.booleans(),
       st.integers(81, 2000))
def test_stream_runs_reads_as_iter_records(lines, newline, final, chunk):
    data = framed(lines, newline, final)
    general = [(p.line.number, p.line.text, p.line.offset, p.record, p.errors) for p in iter_records(data)]
    streamed = expand(stream_runs(io.BytesIO(data), chunk=chunk))
    assert [g[:3] + (g[4],) for g in streamed] == [g[:3] + (g[4],) for g in general]
    assert seen(g[3] for g in streamed if g[3]) == seen(g[3] for g in general if g[3])


@SETTINGS
@given(tp_files().flatmap(lambda lines: damaged(lines)), st.sampled_from(["\n", "\r\n", ""]), st.booleans(),
       st.integers(81, 3000), st.integers(1, 4))
def test_stream_tp_reads_as_the_general_path_whole_and_in_parts(tmp_path_factory, lines, newline, final, chunk,
                                                                jobs):
    path = tmp_path_factory.mktemp("tp") / "importers.abi"
    path.write_bytes(framed(lines, newline, final))
    old_chunk = tm.STREAM_CHUNK
    tm.STREAM_CHUNK = chunk
    try:
        for part in parts_of(str(path), jobs, parallel_bytes=0):
            old_errors: list = []
            new_errors: list = []
            old = list(general_tp(part, old_errors))
            new = list(stream_tp(part, new_errors))
            assert seen(new) == seen(old)
            assert new_errors == old_errors
    finally:
        tm.STREAM_CHUNK = old_chunk


def test_a_long_clean_file_is_read_in_runs_with_a_damaged_importer_in_the_middle(tmp_path):
    from abisim.generate.importers import importers

    details = [line for g in importers(300, seed=3) for line in g.tp_lines]
    lines = [abisim.render_record(r) for r in envelope("TP", [], "XJ5")]  # (its Y count is not read here)
    middle = len(details) // 2
    details[middle] = details[middle][:20] + "\x7f" + details[middle][21:]
    path = tmp_path / "tp.abi"
    path.write_bytes(("\n".join(lines[:2] + details + lines[-2:]) + "\n").encode("latin-1"))
    part = Part(str(path), 0, path.stat().st_size, 1, True)
    with open(path, "rb") as f:
        items = list(stream_runs(f, chunk=4096))
    assert sum(1 for i in items if type(i) is CleanRun) >= 3  # runs before and after the damage, chunk by chunk
    old_errors: list = []
    new_errors: list = []
    assert seen(stream_tp(part, new_errors)) == seen(general_tp(part, old_errors))
    assert new_errors == old_errors and new_errors


def test_a_record_repeated_after_a_run_is_judged_by_how_its_last_importer_ended(tmp_path):
    from abisim.generate.importers import importers

    details = [line for g in importers(5, seed=3) for line in g.tp_lines]
    broker = "TM" + " " * 78  # the last importer names its broker; the first does not
    lines = [abisim.render_record(r) for r in envelope("TP", [], "XJ5")]
    path = tmp_path / "tp.abi"
    path.write_bytes(("\n".join(lines[:2] + details + [broker, broker] + lines[-2:]) + "\n").encode("latin-1"))
    part = Part(str(path), 0, path.stat().st_size, 1, True)
    old_errors: list = []
    new_errors: list = []
    assert seen(stream_tp(part, new_errors)) == seen(general_tp(part, old_errors))
    assert new_errors == old_errors
    assert {e.line for e in new_errors} == {len(lines[:2] + details) + 2}  # the second TM only


def test_a_run_s_records_from_any_index_keep_their_lines():
    from abisim.generate.importers import importers

    details = [line for g in importers(3, seed=5) for line in g.tp_lines]
    env = [abisim.render_record(r) for r in envelope("TP", [], "XJ5")]
    data = ("\n".join(env[:2] + details + env[-2:]) + "\n").encode("latin-1")
    (run,) = [item for item in stream_runs(io.BytesIO(data)) if type(item) is CleanRun]
    assert run.first_line == 3 and run.count == len(details)
    assert [r.line for r in run.records_at(4, 9)] == list(range(7, 12))
    assert seen(run.records_at(4, 9)) == seen(run.records()[4:9])
