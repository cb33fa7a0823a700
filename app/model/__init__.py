"""The app without Streamlit: what to run, what a link means, a run's numbers and its words.

Nothing here imports Streamlit or Plotly (``tests/test_layers.py`` checks): the pages in
:mod:`app.views` and the widgets in :mod:`app.ui` read and draw these, and the tests call
them directly. One idea a module: :mod:`.params` (the control table), :mod:`.settings`
(the frozen records the controls return), :mod:`.links` (a URL's values, cleaned),
:mod:`.presets` (teacher scenarios), :mod:`.sources` (where the points come from),
:mod:`.compute` (one run's numbers), :mod:`.export` (the downloads), :mod:`.text` and
:mod:`.method_text` (the status sentences, and what theory says of a method),
:mod:`.outlier` (the far-point experiment); the learner's own data in :mod:`.data`, and
the lessons' content in :mod:`.lessons`.
"""
