"""Errors as data: every problem found in a transmission, with a stable code.

Codes are CBP's own where CBP has one: the batch/block condition codes (X03-X43, §2.6 of
the domain reference) and the 5106 condition codes (§3.3). ``MVM`` and ``PDM`` are the
5106 dictionary's generic "<element> MISSING" and "<element> PATTERN UNKNOWN", used for
fields of every application.
"""

from __future__ import annotations

import attrs

FATAL = "F"
WARNING = "W"

# Batch and block control condition codes (CBP's narratives).
X_CODES = {
    "X03": "BLOCK CONTROL MISSING - B-RECORD",
    "X04": "TRANSACTION DETAIL MISSING",
    "X05": "BLOCK CONTROL MISSING - Y-RECORD",
    "X06": "BATCH CONTROL MISSING - Z-RECORD",
    "X07": "SENDER/RECEIVER SITE CODE MISSING",
    "X08": "SENDER/RECEIVER ID CODE MISSING",
    "X09": "SENDER/RECEIVER NOT AUTHORIZED",
    "X10": "TRANSMISSION DATE UNKNOWN",
    "X11": "APPLICATION ID CODE MISSING",
    "X12": "NOT A KNOWN ACE APPLICATION ID CODE",
    "X13": "APPLICATION NOT CURRENTLY AVAILABLE",
    "X14": "Z-REC DOES NOT MATCH A-REC",
    "X15": "PROCESSING PORT CODE MISSING",
    "X16": "PROCESSING FILER CODE MISSING",
    "X17": "PROCESSING FILER NOT AUTHORIZED",
    "X18": "PROC PORT/FLR NOT AUTHRZD FOR SENDR/RCVR",
    "X19": "BLOCK APP ID / BATCH APP ID CONFLICT",
    "X20": "FILER NOT AUTHORIZED FOR APPLICATION ID",
    "X21": "PREPARER INDICATOR UNKNOWN",
    "X22": "PREPARER/PREPARER IND CONFLICT",
    "X23": "PREPARER CODES NOT ALLOWED FOR APP ID",
    "X24": "PREPARER PORT CODE MISSING",
    "X25": "PREPARER FILER CODE MISSING",
    "X26": "PREPARER AND PRSSNG FILER NOT THE SAME",
    "X27": "BRKR DOES NOT HOLD NATIONAL PERMIT",
    "X28": "PREPARER UNKNOWN",
    "X29": "PREPARER NOT AUTHORIZED",
    "X30": "PREPARER NOT AUTHRZD FOR APP ID",
    "X31": "PREPARER NOT AUTHRZD FOR PORT",
    "X32": "Y-REC DOES NOT MATCH B-REC",
    "X33": "TRANSACTION HDR CONTROL MISSING",
    "X34": "UNKNOWN RECORD ID FOUND IN GROUPING",
    "X35": "OUT OF SEQUENCE RECORD FOUND IN GROUPING",
    "X36": "LOOP EXCEEDED",
    "X37": "MISSING DATA RECORD FOUND IN GROUPING",
    "X38": "NON-CONTIGUOUS ITEM FOUND IN GROUPING",
    "X39": "DATA FOUND IN FILLER",
    "X40": "NON-STANDARD DATA FOUND",
    "X41": "MULTIPLE QUERIES IN BATCH NOT ALLOWED",
    "X42": "LAST RECORD LESS THAN 80-CHAR LENGTH",
    "X43": "RMT PORT/FLR NOT AUTHRZD FOR SENDR/RCVR",
    "999": "BATCH REJECTED",
}

# Importer/Consignee Create/Update (5106) condition codes.
R_CODES = {
    "A21": "MISSING DATA RECORD FOUND IN GROUPING",
    "PDM": "{element} PATTERN UNKNOWN",
    "MVM": "{element} MISSING",
    "R02": "NAME CANNOT BE BLANK",
    "R03": "INVALID IMPORTER NUMBER FORMAT",
    "R04": "IMPORTER NUMBER IS VOIDED",
    "R06": "INVALID ACTION CODE",
    "R11": "INVALID IMPORTER TYPE",
    "R13": "INVALID NAME QUALIFIER",
    "R14": "LOWER CASE MAIL ADDR ALPHABETIC INVALID",
    "R15": "MAIL ADDR LINE 1 MISSING",
    "R19": "MAIL CITY REQUIRED",
    "R20": "MAIL STATE REQUIRED",
    "R27": "MAIL COUNTRY ISO CODE REQUIRED",
    "R31": "LOWER CASE PHYS ADDR ALPHABETIC INVALID",
    "R35": "PHYSICAL ADDRESS TYPE NOT ALLOWED",
    "R37": "PHYS CITY REQUIRED",
    "R38": "PHYS STATE REQUIRED",
    "R45": "PHYS COUNTRY ISO CODE REQUIRED",
    "60L": "COUNTRY CODE(S) NOT ALLOWED",
    "ACY": "IMPORTER NUMBER ALREADY ON FILE",
    "K32": "DATA UPDATED ON DATABASE",
    "2EE": "DATABASE NOT UPDATED TEST MODE",
    # Simulator-only (rulings 8 and 1 of the domain reference, and gaps in the sources).
    "R05": "IMPORTER NUMBER NOT ON FILE",
    "R60": "BOND ON FILE - CONTACT REVENUE BOND TEAM",
    "W01": "DISPOSITION AND SEVERITY IN LEGACY ORDER",
}

# Tolerances of the real wire in the envelope (rulings 10, 17, 22): warnings, never rejects.
ENVELOPE_WARNINGS = {
    "W10": "LEGACY BLOCK NUMBER IN FILLER",
    "W11": "LEGACY BATCH NUMBER IN FILLER",
    "W12": "SHORT RECORD PADDED WITH SPACES",
    "W13": "ANSWER'S Y-REC DOES NOT ECHO ITS B-REC",
}

# eBond (CB -> CX) conditions. 992 is the transcription's acceptance example; the B-codes
# are simulator-only: no public source lists CBP's eBond reject codes.
EBOND_CODES = {
    "992": "NEW EBOND TRANSMITTED IN ACE",
    "993": "BOND TERMINATION RECORDED IN ACE",
    "994": "BOND RIDER RECORDED IN ACE",
    "B01": "BOND NOT ON FILE",
    "B02": "SURETY CODE NOT ON FILE",
    "B03": "PARTY IMPORTER NUMBER NOT ON FILE OR VOIDED",
    "B04": "BOND AMOUNT BELOW $50,000 MINIMUM FOR ACTIVITY 1",
    "B05": "TERMINATION LESS THAN 15 DAYS AFTER EXECUTION",
    "B06": "USER ADD DATE BEFORE BOND EFFECTIVE DATE",
    "B07": "BOND NUMBER ALREADY ON FILE",
    "B08": "DESIGNATION NOT SUPPORTED FOR A CONTINUOUS BOND",
    "B09": "BOND IS NOT A CONTINUOUS BOND",
    "B10": "BOND ALREADY TERMINATED",
    "B11": "BOND USER NOT ON BOND",
}

# PMS activation (XP -> XQ), simulator-only: the checks of §7 in the order they are made.
PMS_CODES = {
    "P04": "FILER HAS NO ACE PORTAL ACCOUNT",
    "P06": "IMPORTER NUMBER UNKNOWN, VOIDED OR INACTIVE",
    "P05": "PAYMENT TYPE MUST BE D (ACH DEBIT) OR C",
    "P01": "NO VALID CONTINUOUS BOND FOR ACTIVITY 1",
    "P07": "IMPORTER NOT C-TPAT CERTIFIED",
    "P03": "NO POWER OF ATTORNEY ON FILE FOR FILER",
    "P02": "5106 DATA INCONSISTENT WITH BOND DATA",
    "P08": "5106 NOT ATTACHED",  # e-mail path N only (ruling 26)
}

# Warnings for records of other eras and shapes that abisim reads without rejecting them
# (rulings 18-20 of the domain reference); W33 is a note in the journal, not a parse warning.
RECORD_FIDELITY_CODES = {
    "W30": "PRE-V7 NAME OR NUMBER IN ADDRESS LINE",
    "W31": "BOND K1 WITHOUT ITS OWN K2: OLDER ORDER",
    "W32": "BOND AMOUNT ZEROS WITHOUT BOND: PRE-2015",
    "W33": "AMOUNT OVER 9 DIGITS: K1 HOLDS 999999999",
}

# The raw TCP listener, simulator-only: a limit of the server, not a CBP rule.
SERVER_CODES = {
    "S01": "TRANSMISSION OVER THE SIZE LIMIT",
    "S02": "TRANSMISSION NOT WHOLE IN TIME",
}

CATALOGUE = {**X_CODES, **R_CODES, **ENVELOPE_WARNINGS, **EBOND_CODES, **PMS_CODES, **RECORD_FIDELITY_CODES,
             **SERVER_CODES}


def narrative(code: str, element: str = "") -> str:
    text = CATALOGUE.get(code, code)
    return text.format(element=element.upper().replace("_", " ")) if "{" in text else text


@attrs.frozen(slots=True)
class RecordError:
    """One problem, located in the input: line and columns are 1-based and inclusive."""

    code: str
    message: str
    line: int | None = None
    first_column: int | None = None
    last_column: int | None = None
    record_id: str | None = None
    field: str | None = None
    value: str | None = None
    severity: str = FATAL

    @property
    def is_fatal(self) -> bool:
        return self.severity == FATAL

    def to_json(self) -> dict:
        return attrs.asdict(self)

    def located(self, name: str = "") -> str:
        """``FILE:LINE:COLS: CODE message``, the form the CLI prints."""
        where = [name] if name else []
        where.append(str(self.line) if self.line is not None else "-")
        if self.first_column is not None:
            cols = str(self.first_column)
            if self.last_column is not None and self.last_column != self.first_column:
                cols += f"-{self.last_column}"
            where.append(cols)
        else:
            where.append("-")
        detail = self.message
        if self.field:
            detail += f" [{self.record_id or ''}.{self.field}={self.value!r}]"
        sev = "" if self.is_fatal else " (warning)"
        return f"{':'.join(where)}: {self.code}{sev} {detail}"


def error(code: str, *, element: str = "", message: str = "", **where) -> RecordError:
    return RecordError(code, message or narrative(code, element), **where)


def error_json(e: RecordError, file: str) -> dict:
    """An input error as a line of ``abisim parse --json`` / ``abisim diff --json`` shows it
    (and the HTTP diff route's ``errors``)."""
    return {"type": "error", "file": file, **e.to_json()}
