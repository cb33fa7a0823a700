"""Points placed by clicking, in a link: a compact, URL-safe codec that never raises on a
hostile link."""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Sequence

import numpy as np

from ..links import show as _show
from .points import Points, read_only

__all__ = ["MAX_POINTS", "POINT_LIMIT", "decode_points", "encode_points"]

#: Most points placed by clicking that a link carries.
MAX_POINTS = 100
#: A link's points have ``|x|, |y| <= POINT_LIMIT``, in steps of 0.01.
POINT_LIMIT = 50.0


def encode_points(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> str:
    """The link value for up to ``MAX_POINTS`` points with ``|x|, |y| <= POINT_LIMIT``.

    Each coordinate is rounded to hundredths and stored as a big-endian 16-bit integer
    (x then y, point by point); the bytes are written in URL-safe base64 without ``=``
    padding: 16 characters for 3 points, 534 for 100. Raises ``ValueError`` for points
    the app should never have placed (too many, not finite, out of range).

    Examples
    --------
    >>> encode_points([1.5, -2.25], [0.0, 50.0])
    'AJYAAP8fE4g'
    """
    xy = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])  # (n, 2)
    if len(xy) > MAX_POINTS:
        raise ValueError(f"at most {MAX_POINTS} points travel in a link, got {len(xy)}")
    if not (np.isfinite(xy).all() and (np.abs(xy) <= POINT_LIMIT).all()):
        raise ValueError(f"points must be finite and within ±{POINT_LIMIT}")
    hundredths = np.rint(xy * 100).astype(">i2")  # (n, 2)
    return base64.urlsafe_b64encode(hundredths.tobytes()).rstrip(b"=").decode("ascii")


_LINK_CHARS = math.ceil(MAX_POINTS * 4 * 8 / 6)  # base64 characters of MAX_POINTS points
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_NO_POINTS = np.zeros(0)
_NO_POINTS.setflags(write=False)


def decode_points(text: object) -> Points:
    """Points from a link value written by ``encode_points``; never raises.

    Garbage gives no points; too many points keep the first ``MAX_POINTS``; points
    outside ``±POINT_LIMIT`` are dropped; each with a notice. A value that leaves no
    point and has something wrong (a word that happens to be base64) is garbage.
    Repeated points are kept: a point placed twice counts twice in least squares, as in
    any data.

    Examples
    --------
    >>> points = decode_points("AJYAAP8fE4g")
    >>> points.x.tolist(), points.y.tolist(), points.notices
    ([1.5, -2.25], [0.0, 50.0], ())
    """
    value = str(text).strip()
    notices = []
    if len(value) > _LINK_CHARS:
        notices.append(f"The link has more than {MAX_POINTS} points; kept the first {MAX_POINTS}.")
        value = value[:_LINK_CHARS]
    try:
        if not _BASE64URL.fullmatch(value):
            raise ValueError
        data = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, binascii.Error):
        return _garbage(text)
    whole = len(data) // 4 * 4
    if whole < len(data):
        notices.append("The link's points end with an incomplete point, which was left out.")
    xy = np.frombuffer(data[:whole], dtype=">i2").reshape(-1, 2).astype(float) / 100  # (n, 2)
    inside = (np.abs(xy) <= POINT_LIMIT).all(axis=1)
    if not inside.all():
        notices.append(
            f"Left out {int((~inside).sum())} of the link's points outside "
            f"±{POINT_LIMIT:g}, the range of the data panel."
        )
    xy = xy[inside]
    if notices and not len(xy):  # "garbage" decodes, but to nothing the app wrote
        return _garbage(text)
    return Points(read_only(xy[:, 0].copy()), read_only(xy[:, 1].copy()), tuple(notices))


def _garbage(text: object) -> Points:
    return Points(
        _NO_POINTS,
        _NO_POINTS,
        (f"The link's points {_show(text)} are not in the app's format; none were placed.",),
    )
