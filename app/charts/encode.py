"""A figure dict as the text the chart component receives."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["figure_json", "packed_frames", "packed_labels", "unpacked_frames", "unpacked_labels"]


def figure_json(spec: dict[str, Any]) -> str:
    """A figure dict as strict, compact JSON (NaN or infinity would be a bug: it raises).

    Its ``frames``, when they can be, travel as :func:`packed_frames` under
    ``frames_packed``; the chart's JS rebuilds the same frames (``unpackFrames`` in
    ``app/static/live_chart/pure.js``).

    Examples
    --------
    >>> figure_json({"data": [{"type": "scatter", "y": [1.0, 2.5]}]})
    '{"data":[{"type":"scatter","y":[1.0,2.5]}]}'
    """
    packed = packed_frames(spec["frames"]) if spec.get("frames") else None
    if packed is not None:
        spec = {key: value for key, value in spec.items() if key != "frames"}
        spec["frames_packed"] = packed
    player = spec.get("animation") or {}
    labels = packed_labels(player["labels"]) if player.get("labels") else None
    if labels is not None:
        player = {key: value for key, value in player.items() if key != "labels"}
        spec = spec | {"animation": player | {"labels_packed": labels}}
    return json.dumps(spec, separators=(",", ":"), allow_nan=False)


def packed_labels(labels: list[str]) -> dict | None:
    """The player's labels as the words they all share and, per label, the others.

    ``words`` lists each word (the text between single spaces) of a label, ``None`` where
    the labels differ; ``values[i]`` fills label ``i``'s ``None`` in order. The
    playground's 101 labels (``epoch 12 · w = 1.234 · b = ...``) are 3.5 instead of 6.9 KB.
    ``None`` (send them as they are) unless all have as many words.

    >>> packed_labels(["epoch 0 · loss = 22.16", "epoch 1 · loss = 16.75"])
    {'words': ['epoch', None, '·', 'loss', '=', None], 'values': [['0', '22.16'], ['1', '16.75']]}
    """
    split = [label.split(" ") for label in labels]
    first = split[0]
    if len(split) < 2 or any(len(words) != len(first) for words in split):
        return None
    same = [all(words[i] == word for words in split) for i, word in enumerate(first)]
    return {
        "words": [word if keep else None for word, keep in zip(first, same, strict=True)],
        "values": [[w for w, keep in zip(words, same, strict=True) if not keep] for words in split],
    }


def unpacked_labels(packed: dict) -> list[str]:
    """The labels :func:`packed_labels` stands for (as ``player`` in the chart's JS)."""
    labels = []
    for values in packed["values"]:
        rest = iter(values)
        labels.append(" ".join(next(rest) if word is None else word for word in packed["words"]))
    return labels


#: What a frame that can be packed holds.
_FRAME_KEYS = {"name", "traces", "data"}


def packed_frames(frames: list[dict]) -> dict | None:
    """Animation frames with what each repeats of the one before it left out.

    A frame of the playground carries, for the landscape's path, the path so far: the
    previous frame's points and one more. Sent whole, the frames were half of every
    figure's JSON, and of every rerun's bytes. Packed, each array attribute of each
    moving trace keeps the first ``keep[f]`` values of frame ``f - 1``'s array and adds
    the next ``count[f]`` values of ``add``: the same values, in the same JSON text.

    Returns ``None`` (send the frames as they are) unless every frame has the same
    traces, the same attributes and only arrays in them.

    Examples
    --------
    A path so far (0, 1, 2, ...) and "now" at its end (9, then 8, then 7):

    >>> paths = [[0, 1, 9], [0, 1, 2, 8], [0, 1, 2, 3, 7]]
    >>> frames = [{"name": str(k), "traces": [3], "data": [{"x": x}]} for k, x in enumerate(paths)]
    >>> packed_frames(frames)["data"]
    [{'x': {'keep': [0, 2, 3], 'count': [3, 2, 2], 'add': [0, 1, 9, 2, 8, 3, 7]}}]
    """
    first = frames[0]
    traces, shape = first.get("traces"), [list(entry) for entry in first.get("data", [])]
    sizes = [len(attrs) for attrs in shape]
    for frame in frames:  # the same keys, traces and number of attributes (named below)
        if (
            frame.keys() != _FRAME_KEYS
            or frame["traces"] != traces
            or [len(entry) for entry in frame["data"]] != sizes
        ):
            return None
    data = []
    for i, attrs in enumerate(shape):
        packed = {}
        for attr in attrs:
            keep, count, add = [], [], []
            before: list = []
            for frame in frames:
                now = frame["data"][i].get(attr)
                if type(now) is not list:  # another attribute, or not an array
                    return None
                # What a frame shares with the one before it is all of it, or all but its
                # last value (the path's "now"): at most two comparisons of lists, none for
                # the short ones.
                shared = len(before) if len(now) > 2 else 0
                if shared and (shared > len(now) or now[:shared] != before):
                    shared -= 1
                    if shared and now[:shared] != before[:shared]:
                        shared = 0
                keep.append(shared)
                count.append(len(now) - shared)
                add += now[shared:]
                before = now
            packed[attr] = {"keep": keep, "count": count, "add": add}
        data.append(packed)
    return {"names": [frame["name"] for frame in frames], "traces": traces, "data": data}


def unpacked_frames(packed: dict) -> list[dict]:
    """The frames :func:`packed_frames` stands for (as ``unpackFrames`` in the chart's JS).

    >>> frames = [{"name": "0", "traces": [1], "data": [{"x": [5]}]},
    ...           {"name": "1", "traces": [1], "data": [{"x": [5, 6]}]}]
    >>> unpacked_frames(packed_frames(frames)) == frames
    True
    """
    frames = [
        {"name": name, "traces": list(packed["traces"]), "data": []} for name in packed["names"]
    ]
    for attrs in packed["data"]:
        entries: list[dict] = [{} for _ in frames]
        for attr, column in attrs.items():
            before: list = []
            at = 0
            for entry, keep, count in zip(entries, column["keep"], column["count"], strict=True):
                entry[attr] = before = before[:keep] + column["add"][at : at + count]
                at += count
        for frame, entry in zip(frames, entries, strict=True):
            frame["data"].append(entry)
    return frames
