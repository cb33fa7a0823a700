"""The projector's chart of the class's answers: panels, titles and the truth's marks."""

from app.charts.class_chart import class_figure
from app.charts.style import PALETTE


def _texts(fig: dict) -> list[str]:
    return [a["text"] for a in fig["layout"]["annotations"]]


def test_two_rounds_of_a_number_show_side_by_side_with_the_truth_on_both() -> None:
    edges = [-30.0, -20.0, -10.0, 0.0, 10.0]
    fig = class_figure([[1, 2, 0, 1], [3, 1, 0, 0]], edges=edges, truth=-24.15)
    assert [t["xaxis"] for t in fig["data"]] == ["x", "x2"]
    assert fig["layout"]["xaxis"]["domain"][1] < fig["layout"]["xaxis2"]["domain"][0]
    titles, marks = fig["layout"]["annotations"][:2], fig["layout"]["annotations"][2:]
    assert [a["text"] for a in titles] == ["First vote · 4 answered", "Second vote · 4 answered"]
    assert [a["text"] for a in marks] == ["true answer -24.15"] * 2
    # Only the truth's labels take its colour; the panels' titles keep the chart's.
    assert {a["font"]["color"] for a in marks} == {PALETTE["true"]}
    assert all(a.get("font", {}).get("color") != PALETTE["true"] for a in titles)
    assert [s["x0"] for s in fig["layout"]["shapes"]] == [-24.15, -24.15]


def test_the_truths_label_reads_away_from_the_nearer_edge() -> None:
    edges = [0.0, 1.0, 2.0, 3.0]
    left = class_figure([[1, 1, 1]], edges=edges, truth=0.5)["layout"]["annotations"][-1]
    right = class_figure([[1, 1, 1]], edges=edges, truth=2.8)["layout"]["annotations"][-1]
    assert (left["xanchor"], right["xanchor"]) == ("left", "right")
    # Beside its line, not on it; and a truth on the range's end clears the axis's edge.
    assert left["xshift"] > 0 > right["xshift"]
    at_end = class_figure([[1, 1, 1]], edges=edges, truth=0.0)["layout"]["xaxis"]["range"]
    assert at_end[0] < 0.0 and at_end[1] > 3.0


def test_before_the_reveal_nothing_is_marked() -> None:
    fig = class_figure([[2, 3, 0]], labels=["a", "b", "c"])
    assert _texts(fig) == ["Class answers · 5 answered"]
    assert fig["layout"]["shapes"] == []
    assert fig["data"][0]["y"] == ["a", "b", "c"]
