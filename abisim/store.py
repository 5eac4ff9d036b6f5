"""The simulated CBP database: SQLite through the standard library.

WAL mode with synchronous=FULL: a transaction that has committed is on disk before its
answer leaves. Every write goes through :meth:`Store.transaction` (BEGIN IMMEDIATE), so
nothing half-done is ever visible. The schema is versioned and migrates itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # not on Windows: writers wait in SQLite's busy handler there
    fcntl = None

# Each entry brings the schema from version i to i+1.
MIGRATIONS = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE TABLE filers (
        filer_code TEXT PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',
        sites TEXT NOT NULL DEFAULT '',            -- site/port codes, comma separated
        password TEXT NOT NULL DEFAULT '',
        ace_portal_account INTEGER NOT NULL DEFAULT 0,
        applications TEXT NOT NULL DEFAULT '',     -- allowed input application ids; '' = all
        token TEXT UNIQUE                          -- bearer token for the HTTP server
    );

    CREATE TABLE importers (
        importer_number TEXT PRIMARY KEY,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'voided', 'inactive')),
        importer_type TEXT,
        name TEXT NOT NULL,
        name_qualifier TEXT,
        name_line_2 TEXT,
        legal_name TEXT,
        mail_address_1 TEXT,
        mail_address_2 TEXT,
        mail_city TEXT,
        mail_state TEXT,
        mail_postal_code TEXT,
        mail_country TEXT,
        physical_address_1 TEXT,
        physical_address_2 TEXT,
        physical_city TEXT,
        physical_state TEXT,
        physical_postal_code TEXT,
        physical_country TEXT,
        phone TEXT,
        email TEXT,
        ctpat INTEGER NOT NULL DEFAULT 0,
        account_manager_email TEXT,
        ace_account TEXT NOT NULL DEFAULT 'none' CHECK (ace_account IN ('none', 'portal', 'non-portal')),
        center_id TEXT,
        tp_records TEXT,                          -- the 5106 detail records last accepted
        updated TEXT
    );

    CREATE TABLE sureties (
        surety_code TEXT PRIMARY KEY,
        name TEXT NOT NULL DEFAULT ''
    );

    CREATE TABLE bonds (
        bond_number TEXT PRIMARY KEY,
        surety_code TEXT NOT NULL REFERENCES sureties(surety_code),
        bond_type TEXT NOT NULL DEFAULT '8',
        activity_code TEXT NOT NULL DEFAULT '1',
        amount INTEGER NOT NULL,
        port TEXT NOT NULL DEFAULT '9900',
        execution_date TEXT,
        effective_date TEXT NOT NULL,
        termination_date TEXT,
        sufficient INTEGER NOT NULL DEFAULT 1,
        reconciliation_rider TEXT,
        usvi_rider TEXT
    );

    CREATE TABLE bond_parties (
        bond_number TEXT NOT NULL REFERENCES bonds(bond_number) ON DELETE CASCADE,
        importer_number TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('principal', 'co-principal', 'user')),
        name TEXT NOT NULL DEFAULT '',
        add_date TEXT,
        delete_date TEXT,
        PRIMARY KEY (bond_number, importer_number, role)
    );
    CREATE INDEX bond_parties_importer ON bond_parties(importer_number);

    CREATE TABLE powers_of_attorney (
        importer_number TEXT NOT NULL,
        filer_code TEXT NOT NULL,
        granted TEXT,
        PRIMARY KEY (importer_number, filer_code)
    );

    CREATE TABLE pms_switches (
        importer_number TEXT PRIMARY KEY,
        filer_code TEXT NOT NULL,
        set_date TEXT NOT NULL,
        payment_type TEXT NOT NULL
    );

    CREATE TABLE notifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        filer_code TEXT,                          -- the broker it concerns
        recipient TEXT NOT NULL,                  -- a filer code or an e-mail address
        kind TEXT NOT NULL,
        importer_number TEXT,
        text TEXT NOT NULL,
        created TEXT NOT NULL
    );
    CREATE INDEX notifications_filer ON notifications(filer_code);

    CREATE TABLE journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received TEXT NOT NULL,                   -- wall-clock time, UTC, ISO 8601
        as_of TEXT NOT NULL,                      -- the simulated date
        filer_code TEXT,
        application_id TEXT,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        body TEXT NOT NULL,
        exchange INTEGER                          -- the 'in' row this 'out' answers
    );
    CREATE INDEX journal_filer ON journal(filer_code);

    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    """,
    # What an answer could not carry in the layouts it was written in (ruling 18: a bond
    # amount over 9 digits in ki-2010), one line each.
    """
    ALTER TABLE journal ADD COLUMN note TEXT;
    """,
    # Rulings 15 and 16: the filers a sender (service bureau) may send for, and the ports
    # beyond its own sites where a filer may prepare remotely; comma separated, as sites.
    """
    ALTER TABLE filers ADD COLUMN sends_for TEXT NOT NULL DEFAULT '';
    ALTER TABLE filers ADD COLUMN prepares_at TEXT NOT NULL DEFAULT '';
    """,
    # PMS activation by e-mail (rulings 23-29): filers' addresses and CBP's mail, in and out.
    """
    ALTER TABLE filers ADD COLUMN email TEXT;
    CREATE UNIQUE INDEX filers_email ON filers(email COLLATE NOCASE);

    CREATE TABLE mail (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        message_id TEXT,
        filer_code TEXT,                          -- the broker it concerns, when known
        sender TEXT NOT NULL,
        recipients TEXT NOT NULL,                 -- To and Cc addresses, comma separated, lower case
        subject TEXT NOT NULL DEFAULT '',
        raw TEXT NOT NULL,                        -- the RFC 5322 message
        created TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'kept' CHECK (status IN ('kept', 'queued', 'delivered')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        delivered TEXT
    );
    CREATE INDEX mail_filer ON mail(filer_code);
    """,
    # issue 13: the journal keeps one row per exchange - request and answer together,
    # with its channel, status and timing; bodies by policy (abisim.journal), passwords never.
    # No index but the id: each would cost every exchange a page write (benchmarks/journal.py),
    # and the table is bounded, so reading it by filer or time scans at most max_rows rows.
    """
    DROP TABLE journal;
    CREATE TABLE journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received TEXT NOT NULL,                   -- wall-clock time, UTC, ISO 8601
        as_of TEXT NOT NULL,                      -- the simulated date
        channel TEXT NOT NULL,                    -- http, tcp, cli, python, email
        filer_code TEXT,                          -- the A record's sender
        application_id TEXT,                      -- the input application (KI, TP, ...)
        answer_application_id TEXT,               -- KR, TT, ... (none for a reject or a dropped connection)
        status TEXT NOT NULL,                     -- accepted, rejected, dropped
        fault TEXT,                               -- the injected fault, if any (e.g. reject X13)
        ms REAL NOT NULL,                         -- from receipt to the answer, milliseconds
        request_bytes INTEGER NOT NULL,
        answer_bytes INTEGER NOT NULL,
        request TEXT,                             -- passwords blanked; NULL when the policy keeps no body
        answer TEXT,
        note TEXT                                 -- what the answer's layouts could not carry (ruling 18)
    )
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

# Columns of the importers table that the 5106 carries, in order.
IMPORTER_COLUMNS = (
    "importer_number", "status", "importer_type", "name", "name_qualifier", "name_line_2",
    "legal_name", "mail_address_1", "mail_address_2", "mail_city", "mail_state",
    "mail_postal_code", "mail_country", "physical_address_1", "physical_address_2",
    "physical_city", "physical_state", "physical_postal_code", "physical_country", "phone",
    "email", "ctpat", "account_manager_email", "ace_account", "center_id", "tp_records", "updated",
)
BOND_COLUMNS = (
    "bond_number", "surety_code", "bond_type", "activity_code", "amount", "port",
    "execution_date", "effective_date", "termination_date", "sufficient",
    "reconciliation_rider", "usvi_rider",
)
PARTY_COLUMNS = ("bond_number", "importer_number", "role", "name", "add_date", "delete_date")
FILER_COLUMNS = ("filer_code", "name", "sites", "password", "ace_portal_account", "applications", "token",
                 "sends_for", "prepares_at", "email")


# The importer's columns that a bond query's answer shows (KR K1-K8), no more: the 5106
# copy (tp_records) and the contact fields are not read on every query.
ANSWER_IMPORTER_COLUMNS = (
    "importer_number", "status", "name", "name_qualifier", "name_line_2", "legal_name",
    "mail_address_1", "mail_address_2", "mail_city", "mail_state", "mail_postal_code",
    "physical_address_1", "physical_address_2", "physical_city", "physical_state",
    "physical_postal_code", "center_id",
)
_BOND_ROW_COLUMNS = (*BOND_COLUMNS, "role", "user_add_date", "user_delete_date")
_ANSWER_ROW_COLUMNS = (*ANSWER_IMPORTER_COLUMNS, "pms_switch", *_BOND_ROW_COLUMNS)
assert len(set(_ANSWER_ROW_COLUMNS)) == len(_ANSWER_ROW_COLUMNS)  # one dict holds a row's importer and bond
_IMPORTER_AND_BONDS = f"""
    SELECT {', '.join('i.' + c for c in ANSWER_IMPORTER_COLUMNS)},
           (SELECT 1 FROM pms_switches s WHERE s.importer_number = i.importer_number),
           {', '.join('b.' + c for c in BOND_COLUMNS)}, p.role, p.add_date, p.delete_date
    FROM importers i
    LEFT JOIN bond_parties p ON p.importer_number = i.importer_number
        AND EXISTS (SELECT 1 FROM bonds x WHERE x.bond_number = p.bond_number AND x.bond_type = '8')
    LEFT JOIN bonds b ON b.bond_number = p.bond_number
    WHERE i.importer_number = ?"""
# bonds_of's order (effective date, bond number, best role first), made in Python: most
# importers have one row, which an ORDER BY would still sort in a temporary b-tree.
_ROLE_RANK = {"principal": 0, "co-principal": 1}  # then the bond's users
_IB_EFFECTIVE = len(ANSWER_IMPORTER_COLUMNS) + 1 + BOND_COLUMNS.index("effective_date")
_IB_BOND = len(ANSWER_IMPORTER_COLUMNS) + 1 + BOND_COLUMNS.index("bond_number")
_IB_ROLE = len(ANSWER_IMPORTER_COLUMNS) + 1 + len(BOND_COLUMNS)


def _bond_order(row: tuple) -> tuple:
    return row[_IB_EFFECTIVE], row[_IB_BOND], _ROLE_RANK.get(row[_IB_ROLE], 2)


def default_path() -> str:
    return os.environ.get("ABISIM_DB") or "abisim.sqlite3"


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def date_of(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@functools.lru_cache(maxsize=8)
def _journal_insert_sql(cols: tuple[str, ...]) -> str:
    return f"INSERT INTO journal ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


class _Transaction:
    """:meth:`Store.transaction` (a class, not a generator: it is on every bond query's path)."""

    __slots__ = ("store", "durable", "conn", "lock", "relaxed", "joined", "local")

    def __init__(self, store: "Store", durable: bool) -> None:
        self.store, self.durable = store, durable

    def __enter__(self) -> sqlite3.Connection:
        store = self.store
        if store.path == ":memory:":
            local = None
            conn = store.conn
        else:  # Store.conn, from this thread's attributes read once (a thread-local lookup is not cheap)
            self.local = local = store._local.__dict__
            conn = local.get("current")
            if conn is None:
                conn = local.get("conn")
                if conn is None:
                    conn = store.conn
        self.joined = conn.in_transaction
        if self.joined:  # nested: join the outer transaction
            return conn
        if self.durable and store._journal_pending:
            store.flush_journal()  # the journal keeps the order of exchanges
        self.relaxed = relaxed = not self.durable and local is not None
        if relaxed:
            conn = local.get("relaxed")
            if conn is None:
                conn = store._relaxed_conn()
            local["current"] = conn
        lock = None if local is None else local.get("lock_fd")
        self.lock = lock = store._writer_lock() if lock is None else lock
        try:
            if lock is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._release()
            raise
        self.conn = conn
        return conn

    def __exit__(self, exc_type, exc, tb) -> bool:
        if self.joined:
            return False
        try:
            self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
        finally:
            self._release()
        return False

    def _release(self) -> None:
        if self.lock is not None:
            fcntl.flock(self.lock, fcntl.LOCK_UN)
        if self.relaxed:
            self.local["current"] = None


class StoreError(RuntimeError):
    """A database abisim cannot use: another program's, or a newer abisim's."""


class FaultInjected(RuntimeError):
    """Raised by a test's fault hook in the middle of a transaction."""


class Store:
    """One connection per thread to one database file (or ``:memory:``)."""

    def __init__(self, path: str | os.PathLike = ":memory:") -> None:
        self.path = str(path)
        self._local = threading.local()
        self._memory_conn: sqlite3.Connection | None = None
        # A hook the fault-injection tests set: called with a label inside transactions.
        self.fault_hook = None
        # Journal rows of exchanges that changed nothing, written a batch at a time (see journal_add).
        self._journal_pending: list[tuple[dict, int | None]] = []
        self._journal_lock = threading.Lock()
        self._journal_oldest = 0.0
        self._journal_generation = 0  # bumped when the journal is emptied: older batches are dropped
        self._journal_flushing = threading.Lock()  # a read waits for a batch on its way to the table
        self.migrate()

    @classmethod
    def open(cls, path: str | os.PathLike | None = None) -> "Store":
        return cls(path if path is not None else default_path())

    # -- connections
    @property
    def conn(self) -> sqlite3.Connection:
        if self.path == ":memory:":
            if self._memory_conn is None:
                self._memory_conn = self._connect()
            return self._memory_conn
        local = self._local
        conn = getattr(local, "current", None)  # inside a transaction that need not wait for the disk
        if conn is not None:
            return conn
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = self._connect()
            local.conn = conn
        return conn

    def _relaxed_conn(self) -> sqlite3.Connection:
        """This thread's second connection, synchronous=NORMAL once and for all: commits
        that need not wait for the disk switch connections, not PRAGMAs."""
        conn = getattr(self._local, "relaxed", None)
        if conn is None:
            conn = self._connect()
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.relaxed = conn
        return conn

    def _connect(self) -> sqlite3.Connection:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 30000")
        if self.path != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
            # Pages read through the OS's mapping: a connection whose cache another
            # connection's commit made stale (the journal rows) re-reads them cheaply.
            conn.execute("PRAGMA mmap_size = 1073741824")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _writer_lock(self) -> int | None:
        """This thread's descriptor of the database's writer lock file (None for a
        database in memory, or where there is no flock). Writers from several processes
        (``abisim serve --workers``) queue on it in the kernel instead of polling in
        SQLite's busy handler, which sleeps."""
        if self.path == ":memory:" or fcntl is None:
            return None
        fd = getattr(self._local, "lock_fd", None)
        if fd is None:
            fd = self._local.lock_fd = os.open(self.path + "-writer.lock", os.O_RDWR | os.O_CREAT, 0o644)
        return fd

    def close(self) -> None:
        self.flush_journal()
        self._local.__dict__.pop("tuples", None)
        fd = getattr(self._local, "lock_fd", None)
        if fd is not None:
            os.close(fd)
            self._local.lock_fd = None
        for name in ("conn", "relaxed"):
            conn = getattr(self._local, name, None)
            if conn is not None:
                conn.close()
                setattr(self._local, name, None)
        if self._memory_conn is not None:
            self._memory_conn.close()
            self._memory_conn = None

    def transaction(self, *, durable: bool = True) -> "_Transaction":
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (a context manager
        giving the connection; inside another transaction of this thread, that one).

        ``durable=False`` commits without waiting for the disk (WAL, synchronous=NORMAL):
        still atomic and safe from a process crash, but the last such commits may be lost
        to a power failure until the next durable commit. Only for work that changes no
        CBP data (a bond query's journal rows).
        """
        return _Transaction(self, durable)

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every read inside sees one state of the database, while
        writers go on (WAL). Nothing may be written inside."""
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        # On the connection that commits the journal rows: a connection whose cache another
        # connection's commit made stale re-reads its pages (~40 us per bond query).
        relaxed = self.path != ":memory:"
        if relaxed:
            conn = self._local.current = self._relaxed_conn()
        try:
            conn.execute("BEGIN DEFERRED")
            try:
                yield conn
            finally:
                conn.execute("ROLLBACK")
        finally:
            if relaxed:
                self._local.current = None

    def _upsert(self, table: str, keys: tuple[str, ...], columns: tuple[str, ...], values: dict) -> None:
        """INSERT, or UPDATE the given columns of the row with the same keys."""
        cols = [c for c in columns if c in values]
        updates = [c for c in cols if c not in keys]
        sql = (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
               f"ON CONFLICT({', '.join(keys)}) DO "
               + (f"UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in updates)}" if updates else "NOTHING"))
        with self.transaction() as conn:
            conn.execute(sql, [values[c] for c in cols])

    def fault(self, label: str) -> None:
        if self.fault_hook is not None:
            self.fault_hook(label)

    # -- schema
    def schema_version(self) -> int:
        row = self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if row is None:
            return 0
        row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> None:
        with self.transaction() as conn:
            version = self.schema_version()
            if version > SCHEMA_VERSION:
                raise StoreError(f"database schema {version} is newer than this abisim ({SCHEMA_VERSION})")
            if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise StoreError("an SQLite database, but not abisim's (it has no abisim schema version)")
            for step in MIGRATIONS[version:]:
                for statement in step.split(";\n"):
                    if statement.strip():
                        conn.execute(statement)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def reset(self) -> None:
        """Empty every table (the schema stays)."""
        self._drop_pending_journal()
        with self.transaction() as conn:
            for table in ("bond_parties", "bonds", "sureties", "importers", "filers",
                          "powers_of_attorney", "pms_switches", "notifications", "journal", "counters", "mail"):
                conn.execute(f"DELETE FROM {table}")

    # -- importers
    def importer(self, number: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM importers WHERE importer_number = ?", (number,)).fetchone()

    def put_importer(self, values: dict) -> None:
        self._upsert("importers", ("importer_number",), IMPORTER_COLUMNS, values)


    def update_importer(self, number: str, **values) -> None:
        if not values:
            return
        with self.transaction() as conn:
            conn.execute(f"UPDATE importers SET {', '.join(f'{c} = ?' for c in values)} "
                         "WHERE importer_number = ?", [*values.values(), number])

    def next_counter(self, name: str) -> int:
        with self.transaction() as conn:
            conn.execute("INSERT INTO counters VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
                         (name,))
            return conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0]

    # -- bonds
    def bond(self, number: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM bonds WHERE bond_number = ?", (number,)).fetchone()

    def put_bond(self, values: dict) -> None:
        self._upsert("bonds", ("bond_number",), BOND_COLUMNS, values)


    def update_bond(self, number: str, **values) -> None:
        with self.transaction() as conn:
            conn.execute(f"UPDATE bonds SET {', '.join(f'{c} = ?' for c in values)} WHERE bond_number = ?",
                         [*values.values(), number])

    def put_party(self, values: dict) -> None:
        self._upsert("bond_parties", ("bond_number", "importer_number", "role"), PARTY_COLUMNS, values)


    def parties(self, bond_number: str) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM bond_parties WHERE bond_number = ? ORDER BY role, importer_number",
                                 (bond_number,)).fetchall()

    def bonds_of(self, importer_number: str) -> list[sqlite3.Row]:
        """Continuous bonds naming the importer number, with its role on each (one row per bond)."""
        return self.conn.execute(
            """SELECT b.*, p.role AS role, p.add_date AS user_add_date, p.delete_date AS user_delete_date
               FROM bond_parties p JOIN bonds b ON b.bond_number = p.bond_number
               WHERE p.importer_number = ? AND b.bond_type = '8'
               ORDER BY b.effective_date, b.bond_number,
                        CASE p.role WHEN 'principal' THEN 0 WHEN 'co-principal' THEN 1 ELSE 2 END""",
            (importer_number,)).fetchall()

    def importer_and_bonds(self, importer_number: str) -> tuple[dict | None, bool, list[dict]]:
        """One query for what a bond query answers: the importer (or None; the columns of
        ``ANSWER_IMPORTER_COLUMNS``), whether its PMS switch is set, and the rows of
        :meth:`bonds_of`, in the same order. One dict per row serves as both the importer
        and its bond (their column names are distinct): no second dict, no slicing."""
        rows = self._tuples().execute(_IMPORTER_AND_BONDS, (importer_number,)).fetchall()
        if len(rows) == 1:  # most importers: one bond, or none (a LEFT JOIN without one gives one row)
            importer = dict(zip(_ANSWER_ROW_COLUMNS, rows[0]))
            return importer, importer["pms_switch"] is not None, [importer] if importer["bond_number"] is not None else []
        if not rows:
            return None, False, []
        rows.sort(key=_bond_order)  # then every row names a bond
        importer = dict(zip(_ANSWER_ROW_COLUMNS, rows[0]))
        bonds = [importer, *(dict(zip(_ANSWER_ROW_COLUMNS, row)) for row in rows[1:])]
        return importer, importer["pms_switch"] is not None, [b for b in bonds if b["bond_number"] is not None]

    def surety(self, code: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM sureties WHERE surety_code = ?", (code,)).fetchone()

    def put_surety(self, code: str, name: str = "") -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO sureties VALUES (?, ?) ON CONFLICT(surety_code) DO UPDATE SET name = excluded.name",
                         (code, name))

    # -- filers, powers of attorney
    def filer(self, code: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM filers WHERE filer_code = ?", (code,)).fetchone()

    def sender_checks(self, code: str) -> tuple[str, str, str] | None:
        """What checking a sender reads of its filer row: its sites, its password and the
        applications it may send (None: no such filer)."""
        return self._tuples().execute("SELECT sites, password, applications FROM filers WHERE filer_code = ?",
                                      (code,)).fetchone()

    def _tuples(self) -> sqlite3.Cursor:
        """A cursor of this thread's current connection whose rows are plain tuples (kept:
        the bond query's reads are on every query's path)."""
        if self.path != ":memory:":  # Store.conn's attributes read once (a thread-local lookup is not cheap)
            local = self._local.__dict__
            conn = local.get("current") or local.get("conn")
            cur = local.get("tuples")
            if cur is not None and cur.connection is conn:
                return cur
        conn = self.conn
        cur = conn.cursor()
        cur.row_factory = None
        if self.path != ":memory:":  # one connection for every thread there: no shared cursor
            self._local.tuples = cur
        return cur

    def filer_by_token(self, token: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM filers WHERE token = ?", (token,)).fetchone()

    def filer_by_email(self, address: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM filers WHERE email = ? COLLATE NOCASE", (address.strip(),)).fetchone()

    def put_filer(self, values: dict) -> None:
        self._upsert("filers", ("filer_code",), FILER_COLUMNS, values)


    def has_poa(self, importer_number: str, filer_code: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM powers_of_attorney WHERE importer_number = ? AND filer_code = ?",
            (importer_number, filer_code)).fetchone() is not None

    def put_poa(self, importer_number: str, filer_code: str, granted: str | None = None) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO powers_of_attorney VALUES (?, ?, ?)",
                         (importer_number, filer_code, granted))

    def delete_poa(self, importer_number: str, filer_code: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM powers_of_attorney WHERE importer_number = ? AND filer_code = ?",
                         (importer_number, filer_code))

    # -- PMS switches and notifications
    def pms_switch(self, importer_number: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM pms_switches WHERE importer_number = ?",
                                 (importer_number,)).fetchone()

    def set_pms_switch(self, importer_number: str, filer_code: str, set_date: dt.date, payment_type: str) -> bool:
        """Set the switch unless it is set; True when this call set it (one winner in a race)."""
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO pms_switches VALUES (?, ?, ?, ?) ON CONFLICT(importer_number) DO NOTHING",
                (importer_number, filer_code, iso(set_date), payment_type))
            return cur.rowcount == 1

    def notify(self, filer_code: str | None, recipient: str, kind: str, importer_number: str | None,
               text: str, created: dt.date) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO notifications (filer_code, recipient, kind, importer_number, text, created) "
                "VALUES (?, ?, ?, ?, ?, ?)", (filer_code, recipient, kind, importer_number, text, iso(created)))
            return cur.lastrowid

    def notifications(self, filer_code: str | None = None) -> list[sqlite3.Row]:
        if filer_code is None:
            return self.conn.execute("SELECT * FROM notifications ORDER BY id").fetchall()
        return self.conn.execute("SELECT * FROM notifications WHERE filer_code = ? ORDER BY id",
                                 (filer_code,)).fetchall()

    # -- journal (abisim.journal decides what a row holds)
    JOURNAL_BATCH = 256  # rows written per commit, at most
    JOURNAL_DELAY = 0.5  # seconds a row may wait for its batch (see also flush_journal)

    def journal_add(self, row: dict, *, max_rows: int | None = None, batched: bool = False) -> None:
        """Write an exchange's row: in the current transaction, or - ``batched``, for an
        exchange that changed nothing - with the next batch of such rows. A commit costs more
        than a bond query's answer; a batch shares it. Batched rows reach the table before
        any read of the journal, any durable transaction, when 256 wait, and after 0.5 s."""
        if batched:
            now = time.monotonic()
            with self._journal_lock:
                if not self._journal_pending:
                    self._journal_oldest = now
                self._journal_pending.append((row, max_rows))
                due = (len(self._journal_pending) >= self.JOURNAL_BATCH
                       or now - self._journal_oldest >= self.JOURNAL_DELAY)
            if due:
                # Inside a transaction, never wait for another flush: it may be waiting for ours.
                self.flush_journal(wait=not self.conn.in_transaction)
            return
        conn = self.conn
        if conn.in_transaction:  # the exchange's own transaction (a bond query's, a data change's)
            self._journal_insert(conn, [(row, max_rows)])
            return
        with self.transaction(durable=False) as conn:
            self._journal_insert(conn, [(row, max_rows)])

    def flush_journal(self, wait: bool = True) -> None:
        """Write the batched journal rows now (and, with ``wait``, let a flush another
        thread has begun finish first, so that a read after this sees every row)."""
        if not self._journal_flushing.acquire(blocking=wait):
            return
        try:
            with self._journal_lock:
                rows, self._journal_pending = self._journal_pending, []
                generation = self._journal_generation
            if rows:
                with self.transaction(durable=False) as conn:
                    # Checked holding the write lock: a reset or clear that began since then has
                    # emptied the journal, and these rows belong to what it emptied.
                    if generation == self._journal_generation:
                        self._journal_insert(conn, rows)
        finally:
            self._journal_flushing.release()

    def _drop_pending_journal(self) -> None:
        with self._journal_lock:
            self._journal_pending.clear()
            self._journal_generation += 1

    @staticmethod
    def _journal_insert(conn: sqlite3.Connection, rows: list[tuple[dict, int | None]]) -> None:
        cols = tuple(rows[0][0])
        sql = _journal_insert_sql(cols)
        if len(rows) == 1:  # the common one-shot case: the new row's id, without a query
            last = conn.execute(sql, tuple(rows[0][0].values())).lastrowid
        else:
            conn.executemany(sql, [[row[c] for c in cols] for row, _ in rows])
            last = conn.execute("SELECT MAX(id) FROM journal").fetchone()[0]
        max_rows = rows[-1][1]
        if max_rows and last > max_rows and (last % 64 < len(rows) or len(rows) >= 64):
            conn.execute("DELETE FROM journal WHERE id <= ?", (last - max_rows,))  # bounded: the oldest go

    def journal(self, *, filer_code: str | None = None, application_id: str | None = None,
                since: str | None = None, until: str | None = None, channel: str | None = None,
                status: str | None = None, limit: int = 1000) -> list[sqlite3.Row]:
        self.flush_journal()
        where, args = [], []
        for column, value, op in (("filer_code", filer_code, "="), ("application_id", application_id, "="),
                                  ("received", since, ">="), ("received", until, "<"),
                                  ("channel", channel, "="), ("status", status, "=")):
            if value is not None:
                where.append(f"{column} {op} ?")
                args.append(value)
        sql = "SELECT * FROM journal" + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY id LIMIT ?"
        return self.conn.execute(sql, [*args, limit]).fetchall()

    def journal_clear(self) -> int:
        self.flush_journal()  # counted as deleted
        self._drop_pending_journal()
        with self.transaction() as conn:
            return conn.execute("DELETE FROM journal").rowcount
