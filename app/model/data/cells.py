"""What a CSV cell is, as both reading and writing one need it: a number, or text that a
spreadsheet would run as a formula."""

from __future__ import annotations

import re

__all__ = ["FORMULA_START", "NUMBER"]

#: A plain ASCII decimal: ``-1.5``, ``+2``, ``.5``, ``3e-4``. Nothing else is read as a number.
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: What a spreadsheet formula starts with (OWASP's list for CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
