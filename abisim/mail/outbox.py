"""CBP's mail in the database (ruling 29): what came in, and the outbox of answers.

An answer to deliver is ``queued`` until a relay accepts it (then ``delivered``); a failed
attempt leaves it queued with its last error, so nothing is lost. Without a relay an
answer is ``kept``: it lives in the outbox only.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from abisim.store import Store

KEPT, QUEUED, DELIVERED = "kept", "queued", "delivered"


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def add(store: Store, *, direction: str, raw: str, sender: str, recipients, subject: str,
        message_id: str | None, filer_code: str | None, queue: bool = False) -> int:
    status = QUEUED if queue and direction == "out" else KEPT
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO mail (direction, message_id, filer_code, sender, recipients, subject, raw, created, status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (direction, message_id, filer_code, sender, ",".join(recipients), subject, raw, now(), status))
        return cur.lastrowid


def messages(store: Store, *, address: str | None = None, direction: str | None = None) -> list[sqlite3.Row]:
    """All mail, or the mail addressed or copied to ``address``."""
    where, args = [], []
    if address is not None:
        where.append("(',' || recipients || ',') LIKE ?")
        args.append(f"%,{address.lower()},%")
    if direction is not None:
        where.append("direction = ?")
        args.append(direction)
    sql = "SELECT * FROM mail" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY id"
    return store.conn.execute(sql, args).fetchall()


def message(store: Store, mail_id: int) -> sqlite3.Row | None:
    return store.conn.execute("SELECT * FROM mail WHERE id = ?", (mail_id,)).fetchone()


def queued(store: Store) -> list[sqlite3.Row]:
    return store.conn.execute("SELECT * FROM mail WHERE status = ? ORDER BY id", (QUEUED,)).fetchall()


def attempted(store: Store, mail_id: int, error: str | None) -> None:
    """One delivery attempt: delivered (error None), or still queued with its error."""
    with store.transaction() as conn:
        if error is None:
            conn.execute("UPDATE mail SET status = ?, attempts = attempts + 1, delivered = ? WHERE id = ?",
                         (DELIVERED, now(), mail_id))
        else:
            conn.execute("UPDATE mail SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                         (error[:500], mail_id))


def to_json(row: sqlite3.Row, raw: bool = True) -> dict:
    doc = {k: row[k] for k in row.keys() if k != "raw"}
    doc["recipients"] = [a for a in row["recipients"].split(",") if a]
    if raw:
        doc["raw"] = row["raw"]
    return doc
