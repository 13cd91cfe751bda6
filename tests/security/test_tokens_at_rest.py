"""Finding 6 (tokens): the OAuth tokens in the database are encrypted (TOKEN_ENCRYPTION_KEY,
Fernet with rotation); rows from before are encrypted by the migration or on their next write."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from tests.fixtures.postgres import fresh_database
from tests.web.dashboard.conftest import build
from tripleseat_revel import migrate
from tripleseat_revel.config import ConfigError, load_settings
from tripleseat_revel.db import Database
from tripleseat_revel.integrations.tripleseat.client import TokenState
from tripleseat_revel.integrations.tripleseat.tokens import DatabaseTokenStore
from tripleseat_revel.kit.crypto import CipherError, TokenCipher
from tripleseat_revel.sync.context import Runtime
from tripleseat_revel.web.dashboard.session import session_secret

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
ACCESS, REFRESH = "access-7Hq2-live-token-value", "refresh-Zp81-live-token-value"
EXPIRES = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def _store(rt: Runtime) -> DatabaseTokenStore:
    store = rt.tripleseat.tokens
    assert isinstance(store, DatabaseTokenStore)
    return store


def _raw(db: Database) -> tuple[Any, ...]:
    """The row as a database reader (or a backup) sees it."""
    with db.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT access_token, refresh_token FROM oauth_tokens")).one()
    return tuple(row)


def _runtime(tmp_path: Path, key: str, url: str | None = None) -> Runtime:
    return build(tmp_path, TOKEN_ENCRYPTION_KEY=key, **({"DATABASE_URL": url} if url else {}))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None
        return
    with fresh_database("tsr_sec1") as url:
        yield url


def test_the_stored_row_holds_no_token_in_plain_text(tmp_path: Path, database_url: str | None) -> None:
    rt = _runtime(tmp_path, NEW, database_url)
    with _store(rt).refresh_lock():  # as the code exchange and every refresh write them
        _store(rt).save(TokenState(ACCESS, REFRESH, EXPIRES))

    raw = _raw(rt.db)
    assert not any(token in value for value in raw for token in (ACCESS, REFRESH))
    again = _runtime(tmp_path, NEW, database_url)  # another process reads them back
    assert _store(again).load() == TokenState(ACCESS, REFRESH, EXPIRES)
    rt.close()
    again.close()


def test_a_rotated_key_still_reads_and_the_row_moves_to_the_new_key(
    tmp_path: Path, database_url: str | None
) -> None:
    _store(_runtime(tmp_path, OLD, database_url)).save(TokenState(ACCESS, REFRESH, EXPIRES))

    rotating = _runtime(tmp_path, f"{NEW},{OLD}", database_url)
    assert _store(rotating).load().refresh_token == REFRESH
    assert _store(rotating).reseal() is True
    assert _store(rotating).reseal() is False  # once is enough

    assert _store(_runtime(tmp_path, NEW, database_url)).load().access_token == ACCESS  # the old key can go
    with pytest.raises(CipherError, match="does not decrypt"):
        _store(_runtime(tmp_path, OLD, database_url)).load()


def test_a_plain_row_from_before_is_read_then_encrypted_when_written(tmp_path: Path) -> None:
    plain = build(tmp_path)  # no key: as every version before this one stored them
    _store(plain).save(TokenState(ACCESS, REFRESH, EXPIRES))
    assert _raw(plain.db) == (ACCESS, REFRESH)

    store = _store(_runtime(tmp_path, NEW))
    state = store.load()
    assert (state.access_token, state.refresh_token) == (ACCESS, REFRESH)
    store.save(TokenState("access-next", REFRESH, EXPIRES))
    assert not any(REFRESH in value for value in _raw(plain.db))


def test_the_migration_encrypts_the_rows_of_an_older_version(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    migrate.upgrade(db.engine, "0004")
    with db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO oauth_tokens (provider, access_token, refresh_token, version, updated_at) "
                "VALUES ('tripleseat', :a, :r, 1, '2026-12-01 10:00:00')"
            ),
            {"a": ACCESS, "r": REFRESH},
        )

    migrate.upgrade(db.engine, token_cipher=TokenCipher(NEW))

    access, refresh = _raw(db)
    assert ACCESS not in access and REFRESH not in refresh
    assert TokenCipher(NEW).decrypt(refresh) == REFRESH


def test_a_malformed_key_fails_at_start_with_one_line_that_does_not_print_it() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None, TOKEN_ENCRYPTION_KEY=f"{NEW},not-a-fernet-key")

    assert str(caught.value).startswith("environment/.env: TOKEN_ENCRYPTION_KEY: not a Fernet key")
    assert "not-a-fernet-key" not in str(caught.value) and NEW not in str(caught.value)


def test_the_generated_session_secret_is_encrypted_too_once_a_key_is_set(tmp_path: Path) -> None:
    secrets = []
    for settings in ({}, {"TOKEN_ENCRYPTION_KEY": NEW}):  # made before the key, then the key set
        rt = build(tmp_path, **settings)
        secrets.append(session_secret(rt.settings, rt.db))
        rt.close()
    secret = secrets[0]
    with Database(f"sqlite:///{tmp_path / 'dashboard.db'}").engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT value FROM app_secrets")).scalar_one()

    assert secrets[1] == secret  # the same secret: sessions survive the change
    assert secret not in stored and TokenCipher(NEW).decrypt(stored) == secret
