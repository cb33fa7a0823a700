"""Secret tokens: the teacher's link and each student's seat."""

import hashlib
import secrets

__all__ = ["new_token", "token_hash"]


def new_token() -> str:
    """A fresh secret token, ``secrets.token_urlsafe(24)``."""
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    """The SHA-256 hex digest of a token: the only form the database keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
