"""Class codes: six letters that cannot be misread."""

import secrets

__all__ = ["CODE_ALPHABET", "CODE_LENGTH", "new_code", "read_code"]

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
