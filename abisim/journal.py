"""The journal: one row per exchange on any channel (HTTP, TCP, CLI, Python, e-mail),
faulted ones included, with its channel, status and timing; bodies kept by policy.

Pure parts: :func:`blank_passwords` (an A record's password, columns 9-14, never reaches
the journal or a log), :func:`exchange_row`, :func:`matches`. The shell part is
:meth:`Journal.record`, which every channel calls once per exchange (the simulator does
it for the transmissions it answers; a channel does it for the ones a fault answers).
The access log line (logger ``abisim.access``) is written from the same place.
"""

from __future__ import annotations

import datetime as dt
import logging

import attrs

from abisim.records import RECORD_LENGTH

access_log = logging.getLogger("abisim.access")

CHANNELS = ("http", "tcp", "cli", "python", "email")
STATUSES = ("accepted", "rejected", "dropped")
BODY_POLICIES = ("keep", "errors", "none")

PASSWORD_COLUMNS = (9, 14)  # the A record's password (1-based, inclusive)

# Defaults that bound the journal whatever the load: at most this many rows (the oldest go
# first), each body cut at this many bytes. Worst case about 100,000 x 2 x 8 KiB = 1.6 GB;
# a day of bond queries (1.5 KB an exchange) about 150 MB.
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_BODY = 8192


@attrs.frozen
class JournalPolicy:
    """``bodies``: keep every body, only those of exchanges not accepted, or none."""

    bodies: str = attrs.field(default="keep", validator=attrs.validators.in_(BODY_POLICIES))
    max_rows: int = DEFAULT_MAX_ROWS
    max_body: int = DEFAULT_MAX_BODY


def blank_passwords(data: bytes) -> bytes:
    """Every A record's password blanked, whatever the framing (LF, CR/LF or none)."""
    first, last = PASSWORD_COLUMNS
    if b"\n" in data:
        if data[:1] == b"A" and b"\nA" not in data:  # the common case: one A, the first record
            hi = min(last, data.find(b"\n"))
            if hi < first or not data[first - 1:hi].strip(b" "):
                return data  # already blank (an answer's A)
            return data[:first - 1] + b" " * (hi - first + 1) + data[hi:]
        starts = [0] if data[:1] == b"A" else []
        at = data.find(b"\nA")
        while at >= 0:  # few A records in a transmission: find them, do not split every line
            starts.append(at + 1)
            at = data.find(b"\nA", at + 1)
        ends = [data.find(b"\n", s) for s in starts]
    else:
        starts = [i for i in range(0, len(data), RECORD_LENGTH) if data[i:i + 1] == b"A"]
        ends = [min(s + RECORD_LENGTH, len(data)) for s in starts]
    out = None
    for s, e in zip(starts, ends):
        e = len(data) if e < 0 else e
        lo, hi = s + first - 1, min(s + last, e)
        if hi > lo and data[lo:hi].strip(b" "):  # an answer's A has none: no copy
            if out is None:
                out = bytearray(data)
            out[lo:hi] = b" " * (hi - lo)
    return data if out is None else bytes(out)


def mail_summary(raw: bytes) -> bytes:
    """What the journal keeps of an e-mail: its addressing headers, its text, and each
    attachment's name and size - an attached transmission's password never reaches the
    journal, whatever its transfer encoding. Text lines holding an A record are blanked
    as in any transmission (80-character lines only: "Activation Request" stays)."""
    import email
    from email import policy

    msg = email.message_from_bytes(raw, policy=policy.default)
    lines = [f"{h}: {msg[h]}" for h in ("From", "To", "Cc", "Subject", "Message-ID", "In-Reply-To") if msg[h]]
    body = msg.get_body(("plain",))
    if body is not None:
        text = body.get_content()
        lines += ["", *(_blank_80(line) for line in text.splitlines())]
    for part in msg.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        lines.append(f"[attachment {part.get_filename() or '(no name)'}, {len(payload)} bytes]")
    return "\n".join(lines).encode("utf-8", errors="replace")


def _blank_80(line: str) -> str:
    if line[:1] == "A" and len(line.rstrip("\r")) == RECORD_LENGTH:
        first, last = PASSWORD_COLUMNS
        return line[:first - 1] + " " * (last - first + 1) + line[last:]
    return line


def status_of(answer: bytes | None) -> str:
    """accepted, or rejected (CBP's 999 BATCH REJECTED), or dropped (no answer at all)."""
    if answer is None:
        return "dropped"
    return "rejected" if b"X1RF999" in answer else "accepted"


def _answer_app(answer: bytes | None) -> str | None:
    if not answer:
        return None
    for line in answer.split(b"\n", 3)[:3]:
        if line[:1] == b"B" and len(line) >= 12:
            app = line[10:12].decode("latin-1").strip()
            return app or None
    return None


def _sender(request: bytes) -> tuple[str | None, str | None]:
    """The A record's sender (columns 6-8) and application (columns 26-27), as read."""
    a = request[:RECORD_LENGTH]
    if a[:1] != b"A":
        return None, None
    text = a.decode("latin-1")
    return (text[5:8].strip() or None), (text[25:27].strip() or None)


def _body(data: bytes | None, keep: bool, max_body: int) -> str | None:
    if data is None or not keep:
        return None
    return blank_passwords(data[:max_body]).decode("latin-1")


def exchange_row(*, channel: str, request: bytes, answer: bytes | None, ms: float, as_of: dt.date,
                 policy: JournalPolicy, received: dt.datetime, fault: str | None = None,
                 filer_code: str | None = None, application_id: str | None = None, note: str | None = None) -> dict:
    """The journal row of one exchange (pure)."""
    status = status_of(answer)
    if channel == "email":
        request, answer = mail_summary(request), (mail_summary(answer) if answer else answer)
        status = "accepted"  # CBP's mail desk answers (or only records) every message it takes
    sender, app = (None, None) if filer_code and application_id else _sender(request)
    keep = policy.bodies == "keep" or (policy.bodies == "errors" and (status != "accepted" or fault))
    max_body = policy.max_body
    return _row(received, as_of, channel, filer_code or sender, application_id or app,
                None if status != "accepted" else _answer_app(answer), status, fault, ms, request, answer,
                blank_passwords(request[:max_body]).decode("latin-1") if keep else None,
                _body(answer, keep, max_body), note)


def _row(received: dt.datetime, as_of: dt.date, channel, filer_code, application_id, answer_application_id,
         status, fault, ms: float, request: bytes, answer: bytes | None, request_kept, answer_kept, note) -> dict:
    """A journal row's columns, in one place."""
    return {
        "received": received.isoformat(timespec="microseconds"),
        "as_of": as_of.isoformat(),
        "channel": channel,
        "filer_code": filer_code,
        "application_id": application_id,
        "answer_application_id": answer_application_id,
        "status": status,
        "fault": fault,
        "ms": round(ms, 3),
        "request_bytes": len(request),
        "answer_bytes": len(answer or b""),
        "request": request_kept,
        "answer": answer_kept,
        "note": note,  # what the answer's layouts could not carry (ruling 18)
    }


def query_row(*, channel: str, request: bytes, answer: bytes, ms: float, as_of: dt.date, policy: JournalPolicy,
              received: dt.datetime, filer_code: str, application_id: str, note: str | None) -> dict:
    """:func:`exchange_row` of a bond query the fast path answered (abisim.ki_fast): the
    same row, made with less work. ``request``'s only A record is its first (the fast
    path read it so), hence one slice blanks its password; the answer's A has none, and
    no other A. Anything else (a body cut, another policy) is made by exchange_row."""
    max_body = policy.max_body
    if (not filer_code or policy.bodies != "keep" or len(request) > max_body or len(answer) > max_body
            or b"X1RF999" in answer):
        return exchange_row(channel=channel, request=request, answer=answer, ms=ms, as_of=as_of, policy=policy,
                            received=received, filer_code=filer_code, application_id=application_id, note=note)
    first, last = PASSWORD_COLUMNS
    text = request.decode("latin-1")
    if text[first - 1:last].strip(" "):
        text = text[:first - 1] + " " * (last - first + 1) + text[last:]
    return _row(received, as_of, channel, filer_code, application_id, _answer_app(answer), "accepted", None, ms,
                request, answer, text, answer.decode("latin-1"), note)


def access_line(row: dict) -> str:
    """The access log line of an exchange: no body, so no password."""
    return (f"{row['channel']} filer={row['filer_code'] or '-'} app={row['application_id'] or '-'} "
            f"status={row['status']}" + (f" fault={row['fault']}" if row["fault"] else "")
            + f" ms={row['ms']:.2f}")


def matches(row, **filters) -> bool:
    """Whether a journal row (dict or sqlite3.Row) has every given column value."""
    return all(row[k] == v for k, v in filters.items())


_DEFAULT = JournalPolicy()


class Journal:
    """Writes exchange rows to a store under a policy; ``None`` policy: nothing written."""

    def __init__(self, store, policy: JournalPolicy | None = JournalPolicy()) -> None:
        self.store = store
        self.policy = policy
        # Rows of exchanges that changed nothing go in batches (Store.journal_add): for
        # long-running servers, which flush the batch when they stop; a one-shot command
        # writes each row with its exchange.
        self.batched = False

    def record(self, *, channel: str, request: bytes, answer: bytes | None, ms: float, as_of: dt.date,
               fault: str | None = None, filer_code: str | None = None,
               application_id: str | None = None, changed_data: bool = False, note: str | None = None) -> dict:
        """Journal one exchange (and log its access line); the one call every channel makes.
        ``changed_data``: the row belongs to the caller's transaction; otherwise, when
        ``batched``, it goes with the next batch of rows (Store.journal_add)."""
        row = exchange_row(channel=channel, request=request, answer=answer, ms=ms, as_of=as_of,
                           policy=self.policy or _DEFAULT, received=dt.datetime.now(dt.timezone.utc),
                           fault=fault, filer_code=filer_code, application_id=application_id, note=note)
        self.add(row, changed_data=changed_data)
        return row

    def add(self, row: dict, *, changed_data: bool = False) -> None:
        """Write a row made by :meth:`record` (here, or in another process: abisim.offload)
        and log its access line."""
        if self.policy is not None:
            self.store.journal_add(row, max_rows=self.policy.max_rows, batched=self.batched and not changed_data)
        self.log(row)

    @staticmethod
    def log(row: dict) -> None:
        """The exchange's access line (logger ``abisim.access``)."""
        if access_log.isEnabledFor(logging.INFO):
            access_log.info(access_line(row))
