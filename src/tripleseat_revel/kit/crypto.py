"""Secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) with key rotation.

TOKEN_ENCRYPTION_KEY holds one Fernet key or several, comma-separated: the first encrypts, every
one decrypts (MultiFernet), so a key is rotated by putting the new one first and dropping the old
one once every row was written again. A stored value carries a prefix saying it is encrypted; a
value without it is a row from before encryption (read as it is, encrypted on its next write).
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "fernet:"


class CipherError(Exception):
    """A stored secret cannot be read with the configured keys (one line, for the operator)."""


def parse_keys(value: str) -> list[Fernet]:
    """The Fernet keys of a TOKEN_ENCRYPTION_KEY value; ValueError on a malformed one."""
    keys = [part.strip() for part in value.split(",") if part.strip()]
    if not keys:
        raise ValueError("no key given")
    try:
        return [Fernet(key) for key in keys]
    except (ValueError, TypeError) as exc:
        raise ValueError(
            "not a Fernet key (44 url-safe base64 characters; `tripleseat-revel keygen` makes one)"
        ) from exc


def generate_key() -> str:
    return Fernet.generate_key().decode()


class TokenCipher:
    """Encrypts the secrets the connector keeps in its database (OAuth tokens, the session key)."""

    def __init__(self, keys: str | None = None) -> None:
        fernets = parse_keys(keys) if keys else []
        self._fernet = MultiFernet(fernets) if fernets else None
        self._first = fernets[0] if fernets else None

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def encrypt(self, value: str | None) -> str | None:
        """What to store for `value` (as it is without a key: the start-up check refuses that)."""
        if value is None or self._fernet is None:
            return value
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, stored: str | None, *, what: str = "OAuth tokens") -> str | None:
        """The value behind a stored one; a row from before encryption is returned as it is.
        `what` names the stored value in the CipherError (the operator's one line)."""
        if stored is None or not stored.startswith(PREFIX):
            return stored
        if self._fernet is None:
            raise CipherError(f"the stored {what} is encrypted: set TOKEN_ENCRYPTION_KEY to read it")
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken as exc:
            raise CipherError(
                f"TOKEN_ENCRYPTION_KEY does not decrypt the stored {what} "
                "(while rotating, keep the old key after the new one)"
            ) from exc

    def is_current(self, stored: str | None) -> bool:
        """Whether `stored` is as this cipher writes now (encrypted, with the first key)."""
        if stored is None or self._first is None:
            return True
        if not stored.startswith(PREFIX):
            return False
        try:
            self._first.decrypt(stored[len(PREFIX) :].encode())
        except InvalidToken:
            return False
        return True
