"""Faults a harness injects into the next exchanges, on HTTP and TCP alike: latency, a
dropped connection, or CBP's reject batch with a chosen code. Set with
``PUT /v1/admin/faults``; every faulted exchange is journaled with its fault."""

from __future__ import annotations

import random
import threading

import attrs

from abisim.errors import RecordError, narrative


@attrs.frozen
class Fault:
    """What happens to one exchange."""

    latency_ms: int = 0
    drop_connection: bool = False
    reject_code: str | None = None

    def describe(self) -> str:
        parts = [f"latency {self.latency_ms}ms"] if self.latency_ms else []
        if self.drop_connection:
            parts.append("drop")
        if self.reject_code:
            parts.append(f"reject {self.reject_code}")
        return ", ".join(parts)

    @property
    def answers(self) -> bool:
        """The fault answers (or drops) instead of the simulator."""
        return self.drop_connection or self.reject_code is not None


@attrs.define
class Faults:
    """Faults injected into the next transmissions, whichever channel they come by."""

    latency_ms: int = 0
    drop_connection: bool = False
    reject_code: str | None = None
    count: int | None = None  # the next N exchanges; None: every exchange (see ratio)
    ratio: float = 1.0  # the share of exchanges affected
    _lock: threading.Lock = attrs.field(factory=threading.Lock, repr=False)
    _random: random.Random = attrs.field(factory=lambda: random.Random(0), repr=False)

    @property
    def active(self) -> bool:
        return bool(self.latency_ms or self.drop_connection or self.reject_code) and self.count != 0

    def take(self) -> Fault | None:
        """The fault of this exchange, if it is affected (and count it)."""
        with self._lock:
            if not self.active or self._random.random() >= self.ratio:
                return None
            if self.count is not None:
                self.count -= 1
            return Fault(self.latency_ms, self.drop_connection, self.reject_code)

    def set(self, *, latency_ms: int = 0, drop_connection: bool = False, reject_code: str | None = None,
            count: int | None = None, ratio: float = 1.0) -> None:
        with self._lock:
            self.latency_ms, self.drop_connection, self.reject_code = latency_ms, drop_connection, reject_code
            self.count, self.ratio = count, ratio
            self._random = random.Random(0)

    def clear(self) -> None:
        self.set()

    def to_json(self) -> dict:
        return {"latency_ms": self.latency_ms, "drop_connection": self.drop_connection,
                "reject_code": self.reject_code, "count": self.count, "ratio": self.ratio}


def reject(data: bytes, code: str, layouts=None, as_of=None) -> bytes:
    """CBP's reject batch for a transmission, with the injected condition code."""
    from abisim.simulator import reject_answer
    from abisim.transmission import parse, render

    t = parse(data, layouts=layouts)
    return render(reject_answer(t, [RecordError(code, narrative(code), 1)], layouts, as_of))
