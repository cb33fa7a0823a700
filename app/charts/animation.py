"""The animation: which epochs become frames, how long each lasts, and what moves.

Static traces are sent once; each frame carries only the moving traces' new
numbers. A moving trace is declared once, as a :class:`Moving`: its still part
(style, name, panel) and its state at an epoch, side by side, so a figure's
initial state and its frames can never disagree on which trace is which.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "MAX_FRAMES",
    "Moving",
    "animate",
    "animation_plan",
    "frame_epochs",
    "tick_epochs",
]

#: The animation never has more frames than this; longer runs are sampled evenly.
MAX_FRAMES = 200
#: A display frame at 60 Hz. Plotly shows the next animation frame at the first display
#: frame after its duration has passed, so a frame lasts a whole number of these.
TICK_MS = 1000 / 60
#: Shortest time a frame is shown (4 display frames): enough for the browser to draw one.
MIN_FRAME_MS = 4 * TICK_MS
#: Most steps between the labelled ticks under the epoch scrubber.
SCRUBBER_INTERVALS = 5


def frame_epochs(epochs_run: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """Epochs to show as frames: all of them, or ``max_frames`` evenly spaced.

    The first (0, the start) and the last epoch are always included.

    >>> frame_epochs(3).tolist()
    [0, 1, 2, 3]
    >>> e = frame_epochs(5000); len(e), int(e[0]), int(e[-1])
    (200, 0, 5000)
    """
    if epochs_run + 1 <= max_frames:
        return np.arange(epochs_run + 1)
    return np.unique(np.round(np.linspace(0, epochs_run, max_frames)).astype(int))


def animation_plan(epochs_run: int, seconds: float) -> tuple[np.ndarray, int]:
    """Which epochs Play shows, and the frame duration to ask Plotly for, to last ``seconds``.

    Every epoch gets a frame when there are few enough; otherwise the count is
    chosen so that each frame lasts a whole number of display frames (at least
    MIN_FRAME_MS), because that is what it will really last. The duration asked
    for is half a display frame less, so rounding up lands on the intended one.
    """
    span_ms = 1000.0 * seconds
    steps = max(epochs_run, 1)
    ticks = max(round(MIN_FRAME_MS / TICK_MS), round(span_ms / steps / TICK_MS))
    n_frames = min(epochs_run + 1, MAX_FRAMES)
    if span_ms / steps < MIN_FRAME_MS or n_frames < epochs_run + 1:
        n_frames = min(n_frames, int(span_ms / (ticks * TICK_MS)) + 1)
    frames_at = frame_epochs(epochs_run, n_frames)
    frame_ms = span_ms / max(len(frames_at) - 1, 1)
    ticks = max(round(MIN_FRAME_MS / TICK_MS), round(frame_ms / TICK_MS))
    return frames_at, round(ticks * TICK_MS - TICK_MS / 2)


def tick_epochs(last: int, intervals: int = SCRUBBER_INTERVALS) -> list[int]:
    """Epochs that get a labelled tick under the scrubber: 0, round steps (1, 2 or 5 times a
    power of ten, at most ``intervals`` of them), and the last epoch.

    A last epoch that is not a step's multiple replaces the tick before it when the two
    would crowd each other. (Evenly spaced frames gave labels like 0, 252, 504, 748, 1000,
    or 0, 1, 2, 4, 5.)

    >>> tick_epochs(100), tick_epochs(1000), tick_epochs(300)
    ([0, 20, 40, 60, 80, 100], [0, 200, 400, 600, 800, 1000], [0, 100, 200, 300])
    >>> tick_epochs(5), tick_epochs(7), tick_epochs(0)
    ([0, 1, 2, 3, 4, 5], [0, 2, 4, 7], [0])
    """
    if last <= 0:
        return [0]
    step = next(
        m * 10**e
        for e in range(len(str(last)) + 1)
        for m in (1, 2, 5)
        if last / (m * 10**e) <= intervals
    )
    ticks = list(range(0, last + 1, step))
    if ticks[-1] != last:
        if last - ticks[-1] < 0.6 * step:
            ticks.pop()
        ticks.append(last)
    return ticks


@dataclass(frozen=True)
class Moving:
    """A trace that moves with the animation.

    Attributes
    ----------
    still : dict
        Everything that stays put: type, style, name, axes.
    at : callable
        ``at(epoch) -> dict``: the attributes that change, at that epoch.
    """

    still: dict
    at: Callable[[int], dict]


def animate(
    moving: Sequence[Moving],
    first_index: int,
    frames_at: np.ndarray,
    label: Callable[[int], str],
    frame_ms: int,
) -> tuple[list[dict], list[dict], dict]:
    """The moving traces at the last epoch, one frame per epoch, and the player's settings.

    ``first_index`` is where the moving traces start in the figure's ``data``.
    The figure opens on the run's last epoch, where its numbers are; Play
    replays it from epoch 0.

    Returns
    -------
    traces : list of dict
        The moving traces, in their state at the last frame.
    frames : list of dict
        Plotly frames named by epoch, each updating only the moving traces.
    player : dict
        ``frame_ms`` and one ``labels`` entry per frame, read by the chart component.
    """
    last = int(frames_at[-1])
    traces = [m.still | m.at(last) for m in moving]
    indices = list(range(first_index, first_index + len(moving)))
    frames = [
        {"name": str(int(k)), "traces": indices, "data": [m.at(int(k)) for m in moving]}
        for k in frames_at
    ]
    labels = [label(int(k)) for k in frames_at]
    player = {"frame_ms": frame_ms, "labels": labels, "ticks": tick_epochs(last)}
    return traces, frames, player
