"""A figure dict as the text the chart component receives."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["figure_json"]


def figure_json(spec: dict[str, Any]) -> str:
    """A figure dict as strict, compact JSON (NaN or infinity would be a bug: it raises).

    Examples
    --------
    >>> figure_json({"data": [{"type": "scatter", "y": [1.0, 2.5]}]})
    '{"data":[{"type":"scatter","y":[1.0,2.5]}]}'
    """
    return json.dumps(spec, separators=(",", ":"), allow_nan=False)
