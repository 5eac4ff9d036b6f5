"""abisim: a simulator of CBP's Automated Broker Interface (ABI) for broker software tests."""

__version__ = "0.1.0"

from abisim.errors import RecordError  # noqa: E402
from abisim.records import Record, make, render_record  # noqa: E402
from abisim.transmission import (  # noqa: E402
    Batch,
    Block,
    ParsedRecord,
    Transmission,
    iter_records,
    parse,
    render,
)

__all__ = [
    "Batch", "Block", "ParsedRecord", "Record", "RecordError", "Transmission",
    "iter_records", "make", "parse", "render", "render_record", "__version__",
]
