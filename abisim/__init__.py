"""abisim: a simulator of CBP's Automated Broker Interface (ABI) for broker software tests.

The pure core: ``parse``, ``iter_records``, ``render``, ``make``, ``compare``,
``eligible_for_pms``. The simulated CBP: ``Simulator(db, clock).submit(bytes) -> bytes``.
"""

__version__ = "0.1.0"

from abisim.errors import RecordError  # noqa: E402
from abisim.records import Record, make, render_record  # noqa: E402
# The function, bound here once: were it loaded lazily, importing the module abisim.compare
# would replace it on the package, and the second abisim.compare(...) would call a module.
from abisim.compare import compare  # noqa: E402
from abisim.transmission import (  # noqa: E402
    Batch,
    Block,
    ParsedRecord,
    Transmission,
    iter_records,
    parse,
    render,
)

# Imported on first use: they pull in the database layer.
_LAZY = {
    "Simulator": ("abisim.simulator", "Simulator"),
    "Store": ("abisim.store", "Store"),
    "Clock": ("abisim.clock", "Clock"),
    "eligible_for_pms": ("abisim.rules.pms", "eligible_for_pms"),
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'abisim' has no attribute {name!r}")


__all__ = [
    "Batch", "Block", "Clock", "ParsedRecord", "Record", "RecordError", "Simulator", "Store", "Transmission",
    "compare", "eligible_for_pms", "iter_records", "make", "parse", "render", "render_record", "__version__",
]
