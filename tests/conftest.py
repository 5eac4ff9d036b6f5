"""Shared fixtures: a simulated CBP on a fresh sample database, at a fixed date."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import settings

# CI (CI=true) runs every property test on a fixed sequence of examples, so that a run is
# repeatable; elsewhere each run draws new ones and may find what CI has not (`make fuzz`
# explores further).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

AS_OF = dt.date(2026, 11, 25)


@pytest.fixture
def store(tmp_path):
    from abisim import fixtures, sample
    from abisim.store import Store

    s = Store(tmp_path / "cbp.sqlite3")
    fixtures.load(s, sample.fixture(AS_OF))
    yield s
    s.close()


@pytest.fixture
def sim(store):
    from abisim.clock import fixed
    from abisim.simulator import Simulator

    return Simulator(store, fixed(AS_OF))
