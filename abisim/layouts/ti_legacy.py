"""Legacy "Add CBPF-5106 to Importer/Consignee File" (TI in, TR out), rulings 5 and 20:
the input records are the 5106's own T1, TA, T2, TB and TC; the answer records T3 (error),
T4 (accepted add of a CBP-assigned number, in 3-14) and T5 (accepted add or update of a
number the importer already had) are read only inside TR blocks, where their ids do not
mean the 5106's T3. Each T3 follows an echo of the input record in error (T1, TA, T2, TB
or TC), read in TR blocks as sent: every field class X and optional, since the echo is
what was wrong."""

from abisim.layouts import FILL, ID, F
from abisim.layouts import tp_v12_2019 as _tp

VERSION = "ti-legacy"
FAMILY = "ti"
SCOPE = "TR"

ECHOED = ("T1", "TA", "T2", "TB", "TC")

TITLES = {
    "T3": "Legacy 5106 answer: error",
    "T4": "Legacy 5106 answer: CBP-assigned number added",
    "T5": "Legacy 5106 answer: importer number added or updated",
    **{rid: f"Legacy 5106 answer: echo of the input {rid} in error" for rid in ECHOED},
}


def _message(rid):
    return (
        ID(rid),
        F("importer_number", 3, 12, "X", "C"),
        F("message_code", 15, 3, "AN", "M"),
        F("message_text", 18, 30, "X", "M"),
        F("importer_name", 48, 32, "X", "C"),
        FILL(80, 80),
    )


def _echo(rid):
    return tuple(f if f.value_kind in ("id", "filler") else F(f.name, f.start, f.length, "X", "O")
                 for f in _tp.RECORDS[rid])


RECORDS = {
    **{rid: _message(rid) for rid in ("T3", "T4", "T5")},
    **{rid: _echo(rid) for rid in ECHOED},
}
