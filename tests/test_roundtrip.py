"""Parse then render gives back the same bytes: generated transmissions of every
application under every framing, and every valid sample file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import abisim
from strategies import APPLICATIONS, details, transmissions

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def frame(lines: list[str], newline: str, final: bool) -> bytes:
    text = newline.join(lines)
    return (text + (newline if final and newline else "")).encode("latin-1")


@SETTINGS
@given(transmissions(), st.sampled_from(["\n", "\r\n", ""]), st.booleans())
def test_generated_transmissions_round_trip(records, newline, final):
    data = frame([abisim.render_record(r) for r in records], newline, final)
    t = abisim.parse(data)
    assert t.errors == (), [e.located() for e in t.errors]
    assert abisim.render(t) == data
    assert [r.record_id for r in t.records()] == [r.record_id for r in records]
    assert list(t.records()) == records  # typed values survive the trip


@pytest.mark.parametrize("app", APPLICATIONS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_application_round_trips(app, data):
    from abisim.sample import envelope

    records = envelope(app, data.draw(details(app)), "XJ5")
    raw = abisim.render(records)
    t = abisim.parse(raw)
    assert t.errors == (), [e.located() for e in t.errors]
    assert abisim.render(t) == raw


VALID = sorted(p for folder in ("samples/valid", "samples/importers", "samples/answers")
               for p in (ROOT / folder).glob("*.abi") if not p.name.startswith("reject-structure.in"))


@pytest.mark.parametrize("path", VALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_valid_sample_round_trips(path):
    data = path.read_bytes()
    t = abisim.parse(data)
    if path.name.endswith(".in.abi") and path.name.startswith("reject-"):
        pytest.skip("an invalid input kept as a golden answer case")
    assert t.ok, [e.located() for e in t.errors]  # warnings allowed (a malformed number in a KI)
    assert abisim.render(t) == data


def test_streaming_gives_the_same_records_as_parse(tmp_path):
    data = (ROOT / "samples/answers/ki-magic-1.out.abi").read_bytes()
    streamed = [p.record for p in abisim.iter_records(data)]
    assert streamed == list(abisim.parse(data).records())
    no_newlines = data.replace(b"\n", b"")
    assert [p.record for p in abisim.iter_records(no_newlines)] == streamed
