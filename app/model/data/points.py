"""Data points as the data package hands them on: two read-only arrays and the notices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Points", "read_only"]


@dataclass(frozen=True, eq=False)
class Points:
    """Data points ``x``, ``y`` (read-only, shape (n,)) and notices about how they were read."""

    x: np.ndarray
    y: np.ndarray
    notices: tuple[str, ...]


def read_only(array: np.ndarray) -> np.ndarray:
    """``array`` itself, made read-only (the data behind a frozen run must never change)."""
    array.setflags(write=False)
    return array
