"""Application identifiers in three kinds (ruling 13): simulated, known to ACE, unknown.

abisim answers the simulated applications. The others of CBP's Batch & Block v23 table
are real ACE applications that abisim does not simulate: a parse reads their blocks as
opaque records, a submission is answered X13. Anything else is unknown (X12).
"""

from __future__ import annotations

SIMULATED = "simulated"
KNOWN = "known"
UNKNOWN = "unknown"

# Simulated: input -> answer (TI/TR is the legacy 5106, XP/XQ simulator-only).
SIMULATED_PAIRS = {"KI": "KR", "TP": "TT", "TI": "TR", "CB": "CX", "XP": "XQ"}

# CBP's v23 application identifier table (input, answer); None where one direction has
# no id (CBP-generated notifications and statements).
ACE_PAIRS = (
    ("FQ", "FO"), ("FI", "FR"), (None, "%R"), ("AD", "AC"), (None, "BD"), ("AH", "AR"),
    ("SE", "SX"), (None, "SO"), ("CQ", "C1"), ("CW", "CO"), ("CJ", "CL"), (None, "NR"),
    ("CB", "CX"), (None, "BS"), ("DE", "DX"), ("EC", "EZ"), ("AE", "AX"), ("EQ", "ER"),
    (None, "UC"), (None, "PF"), ("FT", "NF"), ("FZ", "NF"), (None, "ZD"), ("GE", "GX"),
    (None, "GO"), ("HB", "HZ"), ("HA", "HY"), ("KI", "KR"), ("TP", "TT"), ("SF", "SN"),
    ("WP", "WT"), ("QP", "QT"), ("$I", "$R"), ("MA", "MY"), ("NE", "NX"), ("CA", "CC"),
    (None, "MS"), ("MO", "MQ"), ("QA", "QB"), ("RE", "RX"), ("PE", "PX"), (None, "PO"),
    ("SU", "SQ"), (None, "NS"), (None, "TS"), ("TE", "TX"), ("RM", "PZ"),
)

SIMULATED_IDS = frozenset(SIMULATED_PAIRS) | frozenset(SIMULATED_PAIRS.values())
ANSWER_IDS = frozenset(SIMULATED_PAIRS.values()) | frozenset(out for _, out in ACE_PAIRS)
KNOWN_IDS = frozenset(i for pair in ACE_PAIRS for i in pair if i) - SIMULATED_IDS


def kind(application_id: str | None) -> str:
    """SIMULATED, KNOWN (to ACE, not simulated) or UNKNOWN."""
    if application_id in SIMULATED_IDS:
        return SIMULATED
    if application_id in KNOWN_IDS:
        return KNOWN
    return UNKNOWN


def is_answer(application_id: str | None) -> bool:
    """An id CBP uses for its own answers and notifications (KR, TT, AX, UC ...)."""
    return application_id in ANSWER_IDS
