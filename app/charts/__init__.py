"""Pure chart builders: numbers in, Plotly figure dicts out. No Streamlit here.

One idea a module: :mod:`.style` (palette, sizes, theme), :mod:`.traces` (small
trace helpers), :mod:`.grid` (panel layouts for wide and narrow screens),
:mod:`.animation` (which epochs become frames, and the moving traces),
:mod:`.landscape` (the loss surface), :mod:`.encode` (a figure as JSON text), and one
builder per figure:
:mod:`.playground`, :mod:`.race`, :mod:`.data`.

Builders return plain figure dicts (Plotly's JSON schema), not ``go.Figure``
objects: building hundreds of validated frame objects costs Plotly a third of a
second, the dicts a few milliseconds. The tests validate every builder's output
against Plotly's schema with ``go.Figure(spec)``.

Two keys beside Plotly's own are read by the app's chart component
(``app/ui/live_chart``): ``animation`` (the frame duration and each frame's label,
for the Play button and the epoch scrubber drawn under the chart) and
``narrow`` (the layout changes for a one-column view on a phone).
"""

from .animation import MAX_FRAMES, animation_plan, frame_epochs
from .data import data_figure
from .encode import figure_json
from .playground import playground_figure
from .race import race_figure
from .style import PALETTE, ChartStyle

__all__ = [
    "MAX_FRAMES",
    "PALETTE",
    "ChartStyle",
    "animation_plan",
    "data_figure",
    "figure_json",
    "frame_epochs",
    "playground_figure",
    "race_figure",
]
