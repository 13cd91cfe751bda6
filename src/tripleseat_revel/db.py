"""Database engine and sessions: SQLite by default (one file shared with DBOS), PostgreSQL to scale.

SQLite is set up as DBOS sets up its own connections to the same file: `BEGIN IMMEDIATE` for writes
(writers queue on the busy timeout instead of failing on a lock upgrade), WAL so readers never block
the writer, and `synchronous=NORMAL`, which is durable in WAL mode across process crashes.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Accept postgres:// and postgresql:// (psycopg 3 driver); leave SQLite URLs alone."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def dbos_url(url: str) -> str:
    """The same database as DBOS wants it spelled (it picks its own driver)."""
    return normalise_url(url).replace("postgresql+psycopg://", "postgresql://")


def _ensure_sqlite_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


BUSY_TIMEOUT_MS = 30000  # how long a write waits for SQLite's write lock before it fails
PROMPT_POLL_SECONDS = 0.0005  # how often a prompt writer asks for it (see Database.begin_promptly)


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = "IMMEDIATE"
    dbapi_conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    dbapi_conn.execute("PRAGMA journal_mode=WAL")
    dbapi_conn.execute("PRAGMA synchronous=NORMAL")
    dbapi_conn.execute("PRAGMA foreign_keys=ON")


def create_db_engine(url: str, *, pool_size: int = 10) -> sa.Engine:
    """The engine (DBOS shares it). `hide_parameters`: a database error's text never carries the
    statement's values (OAuth tokens being saved, a webhook body), so it is safe to log or store."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=2 * pool_size,  # syncs, their concurrent line writes and the engine's threads
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    return sa.create_engine(
        url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, hide_parameters=True
    )


class Database:
    """An engine and its session factory; the one handle services receive."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = normalise_url(url)
        self.engine = create_db_engine(self.url, pool_size=pool_size)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def begin_promptly(self) -> Iterator[sa.Connection]:
        """A write transaction (a connection in it) whose SQLite write lock is asked for every
        PROMPT_POLL_SECONDS while another writer holds it. SQLite's own busy handler sleeps 1, 2,
        5 … up to 100 ms between tries, so under a busy worker a writer may sleep on a lock long
        free: fine for the worker, not for a commit a webhook's answer waits on. Fails as any
        write would after BUSY_TIMEOUT_MS. On PostgreSQL, a plain transaction."""
        with self.engine.begin() as conn:
            if self.is_sqlite:
                _lock_promptly(conn)
            yield conn

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def _lock_promptly(conn: sa.Connection) -> None:
    """BEGIN IMMEDIATE on `conn` (SQLite, not yet in a transaction), retried every
    PROMPT_POLL_SECONDS (with jitter) while the database is locked, for BUSY_TIMEOUT_MS at most.
    The tries go to the driver's connection (a refused try through SQLAlchemy costs ~30x the
    CPU); the last one, after the deadline, through SQLAlchemy, so it fails as any write would."""
    raw = conn.connection.driver_connection
    assert raw is not None
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    conn.exec_driver_sql("PRAGMA busy_timeout=0")
    try:
        while time.monotonic() < deadline:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    break  # not the lock: the try below raises it as SQLAlchemy's error
            time.sleep(PROMPT_POLL_SECONDS * (0.5 + random.random()))
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        try:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        except Exception:
            conn.invalidate()  # never back in the pool with no wait for the lock
            raise
