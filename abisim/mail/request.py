"""Reading a broker's activation e-mail (rulings 25-27). Pure: a message in, a
:class:`MailRequest` out; no database.

The body lists IR numbers in any of the three formats, separated by anything that is not
part of a number. The attachments pick the path: a file named like a C-TPAT letter makes
every number path C; otherwise each number needs its 5106, as a TP transmission (``.abi``
or ``.txt``: abisim judges that 5106) or as a scan named after the number (abisim cannot
read a scan, so the 5106 on file is compared).
"""

from __future__ import annotations

import re
from email.message import EmailMessage

import attrs

from abisim.mail.addresses import addresses_in, normal
from abisim.records import Record

MAX_NUMBERS = 99
ACTIVATION_SUBJECT = "activation request"
NOTE = "periodic monthly statement activation"
TEXT_SUFFIXES = (".abi", ".txt")
SCAN_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")

# EIN (NN-NNNNNNNXX), SSN (NNN-NN-NNNN), CBP-assigned (YYDDPP-NNNNN); a number is not part
# of a longer run of letters, digits or hyphens.
_NUMBER = re.compile(r"(?<![0-9A-Za-z-])(\d{2}-\d{7}[0-9A-Za-z]{2}|\d{3}-\d{2}-\d{4}|\d{6}-\d{5})(?![0-9A-Za-z-])")
_ACH_CREDIT = re.compile(r"\bACH\s+CREDIT\b", re.IGNORECASE)


@attrs.frozen
class MailRequest:
    sender: str  # the From address, normalised
    recipients: tuple[str, ...]  # To and Cc, normalised
    subject: str
    message_id: str | None
    numbers: tuple[str, ...]  # the IR numbers of the body, in order, each once
    ctpat_letter: bool  # a C-TPAT certified letter is attached: path C for every number
    five106s: dict  # number -> its 5106 records, from text attachments
    scans: frozenset  # numbers with a scanned 5106 attached
    has_note: bool  # the body carries "Periodic Monthly Statement Activation"
    payment_type: str  # "C" when the body asks for ACH credit, else "D" (ACH debit)
    unread: tuple[str, ...] = ()  # text attachments holding no 5106 for any number listed

    @property
    def subject_ok(self) -> bool:
        return self.subject.strip().casefold() == ACTIVATION_SUBJECT

    @property
    def path(self) -> str:
        return "C" if self.ctpat_letter else "N"


def one_line(value) -> str:
    """A header's text on one line: a decoded header may hold line breaks, which no answer's
    header may."""
    try:
        text = str(value)
    except Exception:  # a header the parser could not make sense of
        return ""
    return " ".join(text.split())


def numbers_in(text: str) -> list[str]:
    out: list[str] = []
    for m in _NUMBER.finditer(text):
        number = m.group(1).upper()
        if number not in out:
            out.append(number)
    return out


def body_text(msg: EmailMessage) -> str:
    """The message's own text (its text/plain parts that are not attachments)."""
    parts = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        if part.get_content_type() == "text/plain":
            parts.append(_text_of(part))
        elif part.get_content_type() == "text/html":
            parts.append(re.sub(r"<[^>]*>", " ", _text_of(part)))
    return "\n".join(parts)


def _text_of(part) -> str:
    data = part.get_payload(decode=True) or b""
    try:
        return data.decode(part.get_content_charset() or "utf-8", errors="replace")
    except LookupError:
        return data.decode("latin-1")


def attachments(msg: EmailMessage) -> list[tuple[str, bytes]]:
    """(file name, content) of every part that carries a file name."""
    out = []
    for part in msg.walk():
        name = part.get_filename()
        if name and not part.is_multipart():
            out.append((name, part.get_payload(decode=True) or b""))
    return out


def is_ctpat_letter(filename: str) -> bool:
    name = filename.lower()
    return "ctpat" in name or "c-tpat" in name


def _alnum(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


def read_5106s(data: bytes, numbers) -> dict[str, list[Record]]:
    """The 5106 (T1 and what follows) of each listed number found in a TP transmission."""
    from abisim.rules.bond_team import five106_of
    from abisim.transmission import parse

    records = list(parse(data).records())
    found = {}
    for number in numbers:
        group = five106_of(records, number)
        if group is not None:
            found[number] = group
    return found


def read(msg: EmailMessage, envelope_from: str | None = None) -> MailRequest:
    """What a broker's message asks for."""
    senders = addresses_in(msg.get("From"))
    sender = senders[0] if senders else normal(envelope_from or "")
    text = body_text(msg)
    numbers = numbers_in(text)
    ctpat, five106s, scans, unread = False, {}, set(), []
    for name, data in attachments(msg):
        lower = name.lower()
        if is_ctpat_letter(name):
            ctpat = True
        elif lower.endswith(TEXT_SUFFIXES):
            found = read_5106s(data, numbers)
            for number, group in found.items():
                five106s.setdefault(number, group)
            if not found:
                unread.append(one_line(name))
        elif lower.endswith(SCAN_SUFFIXES):
            key = _alnum(name)
            scans.update(n for n in numbers if _alnum(n) in key)
    return MailRequest(
        sender=sender, recipients=tuple(addresses_in(*msg.get_all("To", []), *msg.get_all("Cc", []))),
        subject=one_line(msg.get("Subject", "")), message_id=one_line(msg.get("Message-ID", "")) or None,
        numbers=tuple(numbers),
        ctpat_letter=ctpat, five106s=five106s, scans=frozenset(scans), has_note=NOTE in " ".join(text.lower().split()),
        payment_type="C" if _ACH_CREDIT.search(text) else "D", unread=tuple(unread))
