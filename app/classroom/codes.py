"""Class codes and secret tokens."""

import hashlib
import secrets

__all__ = ["CODE_ALPHABET", "CODE_LENGTH", "new_code", "new_token", "read_code", "token_hash"]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_code() -> str:
    """A fresh class code of six letters from :data:`CODE_ALPHABET`.

    Returns
    -------
    str
        The code, drawn with :mod:`secrets`.
    """
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def read_code(text: str) -> str | None:
    """The code a person typed, or None when it cannot be one.

    Parameters
    ----------
    text : str
        What was typed; spaces and dashes are dropped, letters upper-cased.

    Returns
    -------
    str or None
        Six letters of :data:`CODE_ALPHABET`, or None.
    """
    code = "".join(c for c in str(text).strip().upper() if c not in " -")
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def new_token() -> str:
    """A fresh secret token (teacher's link or a student's seat)."""
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    """The SHA-256 hex digest of a token: the only form the database keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
