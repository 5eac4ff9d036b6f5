"""Legacy "Add CBPF-5106 to Importer/Consignee File" (TI in, TR out), ruling 5: the
input records are the 5106's own T1, TA, T2, TB and TC; the answer records T3 (error), T4
(accepted; a CBP-assigned number in 3-14) and T5 (informational) are read only inside TR
blocks, where their ids do not mean the 5106's T3."""

from abisim.layouts import FILL, ID, F

VERSION = "ti-legacy"
FAMILY = "ti"
SCOPE = "TR"

TITLES = {
    "T3": "Legacy 5106 answer: error",
    "T4": "Legacy 5106 answer: accepted",
    "T5": "Legacy 5106 answer: information",
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


RECORDS = {rid: _message(rid) for rid in ("T3", "T4", "T5")}
