"""Batch and Block Control, ACE CATAIR v23 (2023-06-12): A, B, Y, Z, X0, X1."""

from abisim.layouts import FILL, ID, F, Field


def LEGACY(start: int) -> Field:
    """Two filler columns where legacy software still writes a number (ruling 10):
    two digits are read (with a warning) and echoed; anything else is X39."""
    return F("legacy_number", start, 2, "(S)N", "O", kind="text", codes="legacy_number")

VERSION = "bbc-v23"
FAMILY = "bbc"

TITLES = {
    "A": "Batch Control Header",
    "B": "Block Control Header",
    "Y": "Block Control Trailer",
    "Z": "Batch Control Trailer",
    "X0": "Envelope reject reference",
    "X1": "Envelope reject condition",
}

RECORDS = {
    "A": (
        ID("A"),
        F("site_code", 2, 4, "AN", "M"),
        F("id_code", 6, 3, "AN", "M"),
        F("password", 9, 6, "AN", "M", kind="code"),
        F("transmission_date", 15, 6, "D", "O"),
        LEGACY(21),  # legacy batch number
        FILL(23, 25),
        F("application_id", 26, 2, "AN", "M"),
        FILL(28, 37),
        F("office_code", 38, 2, "AN", "C"),
        FILL(40, 59),
        F("user_data", 60, 21, "X", "O"),
    ),
    "B": (
        ID("B"),
        LEGACY(2),  # legacy block number
        F("port", 4, 4, "AN", "M"),
        F("filer_code", 8, 3, "AN", "M"),
        F("application_id", 11, 2, "AN", "M"),
        FILL(13, 44),
        F("filer_office", 45, 2, "AN", "C"),
        F("preparer_port", 47, 4, "AN", "C"),
        F("preparer_filer", 51, 3, "AN", "C"),
        F("preparer_office", 54, 2, "AN", "C"),
        F("preparer_indicator", 56, 1, "AN", "C"),
        FILL(57, 59),
        F("user_data", 60, 21, "X", "O"),
    ),
    "Y": (
        ID("Y"),
        FILL(2, 3),
        F("port", 4, 4, "AN", "M"),
        F("filer_code", 8, 3, "AN", "M"),
        F("application_id", 11, 2, "AN", "M"),
        F("record_count", 13, 5, "(S)N", "C"),
        FILL(18, 44),
        F("filer_office", 45, 2, "AN", "C"),
        FILL(47, 79),
        # ACE-generated trailers of a rejected batch carry their id in column 80 (§2.6).
        F("ace_marker", 80, 1, "A", "O", codes="ace_marker"),
    ),
    "Z": (
        ID("Z"),
        F("site_code", 2, 4, "AN", "M"),
        F("id_code", 6, 3, "AN", "M"),
        FILL(9, 14),
        F("transmission_date", 15, 6, "D", "C"),
        LEGACY(21),  # legacy batch number
        FILL(23, 37),
        F("office_code", 38, 2, "AN", "C"),
        FILL(40, 79),
        F("ace_marker", 80, 1, "A", "O", codes="ace_marker"),
    ),
    "X0": (
        ID("X0"),
        FILL(3, 3),
        F("reference_type", 4, 6, "AN", "M", codes="x0_reference_type"),
        FILL(10, 10),
        F("occurrence", 11, 6, "N", "M"),
        FILL(17, 17),
        F("ref_id_literal", 18, 7, "X", "M", const="REF ID:"),
        FILL(25, 25),
        F("reference_data", 26, 55, "X", "C"),
    ),
    "X1": (
        ID("X1"),
        F("disposition", 3, 1, "AN", "C", codes="x1_disposition"),
        F("severity", 4, 1, "A", "M"),
        F("condition_code", 5, 3, "AN", "M"),
        FILL(8, 9),
        F("reason_code", 10, 1, "AN", "C"),
        F("narrative", 11, 40, "X", "M"),
        FILL(51, 80),
    ),
}
