"""`Database.begin_promptly`, the transaction of the webhook inbox: on SQLite it waits for a
write lock another process holds (asking every half millisecond instead of sleeping in SQLite's
busy handler), fails as any write would once the wait runs out, and leaves the connection as it
found it; on PostgreSQL it is a plain transaction."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tripleseat_revel import db as db_module
from tripleseat_revel.db import Database

TABLE = "CREATE TABLE IF NOT EXISTS deliveries (id INTEGER PRIMARY KEY, body TEXT)"


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[tuple[Database, Path]]:
    path = tmp_path / "inbox.db"
    database = Database(f"sqlite:///{path}")
    with database.engine.begin() as conn:
        conn.exec_driver_sql(TABLE)
    yield database, path
    database.dispose()


def _hold_write_lock(path: Path, seconds: float, locked: threading.Event) -> threading.Thread:
    """Another process's writer: takes SQLite's write lock and keeps it `seconds`."""

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO deliveries (body) VALUES ('the worker''s')")
        locked.set()
        threading.Event().wait(seconds)  # not time.sleep: a test counts the writer's sleeps
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    return thread


def _insert_promptly(database: Database, insert: str, *, fail: bool = False) -> None:
    with database.begin_promptly() as conn:
        conn.exec_driver_sql(insert)
        if fail:
            raise RuntimeError("the request failed after the insert")


def _busy_timeouts(database: Database) -> set[int]:
    with database.engine.connect() as conn:
        return {int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one())}


def test_a_prompt_write_waits_for_a_lock_held_elsewhere_and_commits(sqlite_db: tuple[Database, Path]) -> None:
    database, path = sqlite_db
    locked = threading.Event()
    holder = _hold_write_lock(path, 0.3, locked)
    locked.wait(5)

    with database.begin_promptly() as conn:
        conn.exec_driver_sql("INSERT INTO deliveries (body) VALUES ('a webhook')")
    holder.join()

    with database.engine.connect() as conn:
        bodies = conn.exec_driver_sql("SELECT body FROM deliveries ORDER BY id").scalars().all()
    assert bodies == ["the worker's", "a webhook"]  # it waited for the other writer, then wrote
    assert _busy_timeouts(database) == {db_module.BUSY_TIMEOUT_MS}


def test_a_prompt_write_fails_like_any_write_once_the_wait_runs_out_and_writes_nothing(
    sqlite_db: tuple[Database, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    database, path = sqlite_db
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 200)
    locked = threading.Event()
    holder = _hold_write_lock(path, 1.0, locked)
    locked.wait(5)

    with pytest.raises(sa.exc.OperationalError, match="database is locked"):
        _insert_promptly(database, "INSERT INTO deliveries (body) VALUES ('a webhook')")
    holder.join()

    with database.engine.connect() as conn:
        bodies = conn.exec_driver_sql("SELECT body FROM deliveries").scalars().all()
    assert bodies == ["the worker's"]
    assert _busy_timeouts(database) == {200}  # the connection's wait is the configured one again


def test_a_prompt_write_that_raises_is_rolled_back(database: Database) -> None:
    with database.engine.begin() as conn:
        conn.exec_driver_sql(TABLE.replace("INTEGER PRIMARY KEY", "INTEGER PRIMARY KEY NOT NULL"))
    with pytest.raises(RuntimeError):
        _insert_promptly(database, "INSERT INTO deliveries (id, body) VALUES (1, 'a webhook')", fail=True)
    _insert_promptly(database, "INSERT INTO deliveries (id, body) VALUES (2, 'the next')")
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT id FROM deliveries").scalars().all() == [2]


def test_a_prompt_writer_asks_for_the_lock_again_and_again_while_it_is_held_not_once_and_asleep(
    sqlite_db: tuple[Database, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    database, path = sqlite_db
    tries: list[float] = []
    real_sleep = time.sleep

    def counting_sleep(seconds: float) -> None:  # one pause between two refused tries
        tries.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", counting_sleep)  # the module db.py sleeps with
    locked = threading.Event()
    holder = _hold_write_lock(path, 0.3, locked)
    locked.wait(5)

    _insert_promptly(database, "INSERT INTO deliveries (body) VALUES ('a webhook')")
    holder.join()

    # SQLite's own handler would have made ~10 tries in 0.3 s, its pauses growing to 100 ms.
    assert len(tries) >= 20
    assert max(tries) <= 2 * db_module.PROMPT_POLL_SECONDS
