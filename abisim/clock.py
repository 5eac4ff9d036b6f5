"""The simulated date. Rules take the as-of date from a clock, never from the wall."""

from __future__ import annotations

import datetime as dt
import threading

import attrs

from abisim.records import carried_date


@attrs.define
class Clock:
    """A settable as-of date; ``None`` follows the system date (read only in the shells)."""

    fixed: dt.date | None = attrs.field(default=None, validator=lambda _s, _a, v: _carried(v))
    _lock: threading.Lock = attrs.field(factory=threading.Lock, repr=False, eq=False)

    def today(self) -> dt.date:
        with self._lock:
            return self.fixed if self.fixed is not None else dt.date.today()

    def set(self, value: dt.date | None) -> None:
        """Fix the date (None: follow the system date); ValueError for a date records cannot carry."""
        _carried(value)
        with self._lock:
            self.fixed = value


def fixed(value: dt.date | str) -> Clock:
    return Clock(dt.date.fromisoformat(value) if isinstance(value, str) else value)


def _carried(value: dt.date | None) -> None:
    if value is not None:
        carried_date(value)
