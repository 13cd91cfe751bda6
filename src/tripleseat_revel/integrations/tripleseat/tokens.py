"""TripleSeat OAuth tokens kept in the database, refreshed under a lock.

On PostgreSQL the refresh holds `SELECT ... FOR UPDATE` on the token row, so two replicas never
spend the same rotating refresh token; on SQLite (one process) a thread lock does the same.
The tokens are stored encrypted (TOKEN_ENCRYPTION_KEY, kit/crypto.py); a row from before
encryption is read as it is and encrypted when it is next written (or by `reseal`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from tripleseat_revel.db import Database
from tripleseat_revel.integrations.tripleseat.client import TOKEN_SLOT, TokenState
from tripleseat_revel.kit.crypto import TokenCipher
from tripleseat_revel.logging import register_secrets
from tripleseat_revel.models import OAuthToken

PROVIDER = "tripleseat"


class DatabaseTokenStore:
    def __init__(
        self, db: Database, *, initial_refresh_token: str | None = None, cipher: TokenCipher | None = None
    ) -> None:
        self.db = db
        self.cipher = cipher or TokenCipher()
        self.initial_refresh_token = initial_refresh_token
        self._lock = threading.Lock()
        self._cache: TokenState | None = None
        self._locked: sa.Connection | None = None  # the connection holding the row lock (PG)

    def _state_from_row(self, row: Any) -> TokenState:
        if row is None or (row.access_token is None and row.refresh_token is None):
            return TokenState(refresh_token=self.initial_refresh_token)
        access, refresh = self.cipher.decrypt(row.access_token), self.cipher.decrypt(row.refresh_token)
        register_secrets([access or "", refresh or ""], slot=TOKEN_SLOT)
        return TokenState(access, refresh or self.initial_refresh_token, row.expires_at)

    def load(self) -> TokenState:
        if self._cache is not None:
            return self._cache
        with self.db.session() as session:
            self._cache = self._state_from_row(session.get(OAuthToken, PROVIDER))
        return self._cache

    def save(self, state: TokenState) -> None:
        if self._locked is not None:
            # Write through the connection that holds the row lock (another would wait on it).
            self._locked.execute(
                sa.update(OAuthToken)
                .where(OAuthToken.provider == PROVIDER)
                .values(
                    access_token=self.cipher.encrypt(state.access_token),
                    refresh_token=self.cipher.encrypt(state.refresh_token),
                    expires_at=state.expires_at,
                    version=OAuthToken.version + 1,
                )
            )
            self._cache = state
            return
        with self.db.session() as session:
            row = session.get(OAuthToken, PROVIDER)
            if row is None:
                row = OAuthToken(provider=PROVIDER)
                session.add(row)
            row.access_token = self.cipher.encrypt(state.access_token)
            row.refresh_token = self.cipher.encrypt(state.refresh_token)
            row.expires_at = state.expires_at
            row.version = (row.version or 0) + 1
        self._cache = state

    def reseal(self) -> bool:
        """Write the stored tokens again if they are not as the cipher writes now (in plain text
        from before a key was set, or under a key that has since been rotated out of first
        place). True if the row was rewritten."""
        with self.db.session() as session:
            row = session.get(OAuthToken, PROVIDER, with_for_update=not self.db.is_sqlite)
            if row is None or all(map(self.cipher.is_current, (row.access_token, row.refresh_token))):
                return False
            row.access_token = self.cipher.encrypt(self.cipher.decrypt(row.access_token))
            row.refresh_token = self.cipher.encrypt(self.cipher.decrypt(row.refresh_token))
        self._cache = None
        return True

    @contextmanager
    def refresh_lock(self) -> Iterator[TokenState]:
        with self._lock:
            if self.db.is_sqlite:
                self._cache = None
                yield self.load()
                return
            with self.db.engine.connect() as conn, conn.begin():
                insert = (
                    "INSERT INTO oauth_tokens (provider, version, updated_at) "
                    "VALUES (:p, 0, now()) ON CONFLICT (provider) DO NOTHING"
                )
                conn.execute(sa.text(insert), {"p": PROVIDER})
                conn.execute(
                    sa.text("SELECT provider FROM oauth_tokens WHERE provider = :p FOR UPDATE"),
                    {"p": PROVIDER},
                )
                # Another replica may have refreshed while we waited: re-read under the lock.
                columns = (OAuthToken.access_token, OAuthToken.refresh_token, OAuthToken.expires_at)
                query = sa.select(*columns).where(OAuthToken.provider == PROVIDER)
                row = conn.execute(query).first()
                self._cache = self._state_from_row(row)
                self._locked = conn
                try:
                    yield self._cache
                finally:
                    self._locked = None
